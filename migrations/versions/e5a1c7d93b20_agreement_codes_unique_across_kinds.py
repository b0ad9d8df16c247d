"""agreement codes unique across ordinary and extraordinary sessions

Revision ID: e5a1c7d93b20
Revises: e5a1c7b3d902
Create Date: 2026-12-07 18:20:00

An agreement was shown as “session number/year-agreement number”, and session numbers restart
per kind: agreement 1 of ordinary session 1/2026 and of extraordinary session 1/2026 were both
“1/2026-1”. Each agreement now stores its code (participa.council.models.agreement_code), unique
in the database. Existing ordinary agreements keep exactly the number they were published with;
existing extraordinary ones gain the “E” (“E1/2026-1”) that tells them apart — their old label
was shared with an ordinary agreement, so it never identified them. The downgrade drops the
column: the old label is computed again from the session.
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a1c7d93b20"
down_revision = "e5a1c7b3d902"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("council_agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=40), nullable=True))
    # One statement, portable: SQLite and PostgreSQL both concatenate with ||.
    op.execute(
        "UPDATE council_agreement SET code = ("
        " SELECT CASE WHEN s.kind = 'extraordinary' THEN 'E' ELSE '' END"
        " || CAST(s.number AS VARCHAR(10)) || '/' || CAST(s.year AS VARCHAR(10))"
        " || '-' || CAST(council_agreement.number AS VARCHAR(10))"
        " FROM council_session AS s WHERE s.id = council_agreement.session_id)"
    )
    with op.batch_alter_table("council_agreement", schema=None) as batch_op:
        batch_op.alter_column("code", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_council_agreement_code"), ["code"])


def downgrade():
    with op.batch_alter_table("council_agreement", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_council_agreement_code"), type_="unique")
        batch_op.drop_column("code")
