"""forget paper tallies of fewer than 5 ballots

Revision ID: c4e8a2f1d6b3
Revises: 33e4d34ffec0
Create Date: 2026-12-07 16:15:00

b7c3e1d9a0f2 counted every existing paper ballot apart. A paper tally of fewer than 5 ballots
(participa.aggregates.channels.MIN_BALLOTS) beside as few paper participations tells, in a copy
of the database, how those few people voted; from now on a batch is counted apart only from 5
valid papers (participa.aggregates.paper). This deletes the paper tallies of every ballot and
consultation with fewer than 5 paper ballots counted apart: those papers stay in the shared
tallies and the results, only their split is forgotten. Data only; the downgrade cannot bring
the forgotten counts back, by design.
"""

from alembic import op

revision = "c4e8a2f1d6b3"
down_revision = "33e4d34ffec0"
branch_labels = None
depends_on = None

MIN_BALLOTS = 5  # participa.aggregates.channels.MIN_BALLOTS when this was written
# (content tally, total tally, their shared key)
PAPER_TALLIES = (
    ("paper_project_tally", "paper_ballot_tally", "ballot_id"),
    ("paper_answer_tally", "paper_response_tally", "process_id"),
)


def upgrade():
    for content, total, key in PAPER_TALLIES:
        small = f"SELECT {key} FROM {total} WHERE ballots < {MIN_BALLOTS}"
        op.execute(f"DELETE FROM {content} WHERE {key} IN ({small})")
        op.execute(f"DELETE FROM {total} WHERE ballots < {MIN_BALLOTS}")


def downgrade():
    pass
