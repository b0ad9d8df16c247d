"""channel on ballot content (response, pb_vote)

Revision ID: 5c1a7e0d2b94
Revises: 371c46d1ac5b
Create Date: 2026-12-01 22:30:00

Plain ADD COLUMN, not a batch rebuild: both tables are WITHOUT ROWID on SQLite, which a
batch copy would lose.
"""
from alembic import op
import sqlalchemy as sa


revision = '5c1a7e0d2b94'
down_revision = '371c46d1ac5b'
branch_labels = None
depends_on = None

CHANNEL = sa.Enum('web', 'desk', 'paper', name='channel', native_enum=False,
                  create_constraint=True, length=40)


def upgrade():
    for table in ('response', 'pb_vote'):
        op.add_column(table, sa.Column('channel', CHANNEL, server_default='web', nullable=False))


def downgrade():
    for table in ('response', 'pb_vote'):
        with op.batch_alter_table(table, recreate='never') as batch_op:
            batch_op.drop_column('channel')
