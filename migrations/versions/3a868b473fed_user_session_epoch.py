"""User session epoch: raising it ends every session of the account (log-out, block, reset)

Revision ID: 3a868b473fed
Revises: d045ed99367c
Create Date: 2026-12-07 15:01:52.858994

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3a868b473fed"
down_revision = "d045ed99367c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
