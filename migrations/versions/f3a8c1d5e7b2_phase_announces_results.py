"""staff mark the phase in which results are published

Revision ID: f3a8c1d5e7b2
Revises: e5a1c7d93b20
Create Date: 2026-12-07 22:30:00

The pending results page ("Resultados el <fecha>") guessed the results phase from its name.
Staff now say it: `phase.announces_results` (server default false). Existing phases whose
name the old guess matched are marked, so existing processes keep the date they showed. The
match runs in Python (casefold, as the old code did): SQLite's lower() folds ASCII only. The
downgrade drops the column; the old code guesses from the names again.
"""

import sqlalchemy as sa
from alembic import op

revision = "f3a8c1d5e7b2"
down_revision = "e5a1c7d93b20"
branch_labels = None
depends_on = None

# The words the runtime code matched before this revision (participa/processes/pending.py).
OLD_RESULTS_WORDS = ("resultado", "result", "cómputo", "computo", "conteo")


def upgrade():
    with op.batch_alter_table("phase", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("announces_results", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    phase = sa.table(
        "phase",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("announces_results", sa.Boolean),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(phase.c.id, phase.c.name)).all()
    marked = [
        row.id
        for row in rows
        if any(word in (row.name or "").casefold() for word in OLD_RESULTS_WORDS)
    ]
    if marked:
        connection.execute(
            phase.update().where(phase.c.id.in_(marked)).values(announces_results=True)
        )


def downgrade():
    with op.batch_alter_table("phase", schema=None) as batch_op:
        batch_op.drop_column("announces_results")
