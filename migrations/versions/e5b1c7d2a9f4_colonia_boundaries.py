"""colonia boundaries: a GeoJSON polygon, a lighter copy to draw, the box around it

Revision ID: e5b1c7d2a9f4
Revises: e7a1c3b5d9f2
Create Date: 2026-12-07 18:10:00

Staff import the colonias' polygons (participa/territory/boundaries.py); the council's and the
public's results draw participation per colonia on them, and a point picked on a map finds its
colonia through the box first, then the polygon.
"""

import sqlalchemy as sa
from alembic import op

revision = "e5b1c7d2a9f4"
down_revision = "e7a1c3b5d9f2"
branch_labels = None
depends_on = None

BOX = ("min_lat", "max_lat", "min_lon", "max_lon")


def upgrade():
    with op.batch_alter_table("colonia", schema=None) as batch_op:
        batch_op.add_column(sa.Column("boundary", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("outline", sa.JSON(), nullable=True))
        for name in BOX:
            batch_op.add_column(sa.Column(name, sa.Double(), nullable=True))
        batch_op.create_index("ix_colonia_bbox", ["min_lon", "min_lat"], unique=False)


def downgrade():
    with op.batch_alter_table("colonia", schema=None) as batch_op:
        batch_op.drop_index("ix_colonia_bbox")
        for name in reversed(BOX):
            batch_op.drop_column(name)
        batch_op.drop_column("outline")
        batch_op.drop_column("boundary")
