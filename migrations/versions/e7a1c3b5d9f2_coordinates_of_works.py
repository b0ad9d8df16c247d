"""coordinates of works (latitude, longitude), for the maps

Revision ID: e7a1c3b5d9f2
Revises: e7a1c9b3f5d2
Create Date: 2026-12-07 18:30:00

A work gets the optional point proposals, PB projects and findings already have: both or
neither, inside MUNICIPALITY_BOUNDS (participa.core.geo), checked by the service.
"""

import sqlalchemy as sa
from alembic import op

revision = "e7a1c3b5d9f2"
down_revision = "e7a1c9b3f5d2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("work") as batch_op:
        batch_op.add_column(sa.Column("latitude", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table("work") as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
