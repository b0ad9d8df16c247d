"""pb_project.photo_alt and delegacion_id: a photo's description, a whole delegación as zone

Existing projects get an empty description (the pages then fall back to the title) and no
delegación (their colonia, or the ballot's zone, as before).

Revision ID: e5a1c7b3d902
Revises: e5b1c7d2a9f4
Create Date: 2026-12-07 18:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a1c7b3d902"
down_revision = "e5b1c7d2a9f4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pb_project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("photo_alt", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("delegacion_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pb_project_delegacion_id_delegacion"),
            "delegacion",
            ["delegacion_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("pb_project", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pb_project_delegacion_id_delegacion"), type_="foreignkey"
        )
        batch_op.drop_column("delegacion_id")
        batch_op.drop_column("photo_alt")
