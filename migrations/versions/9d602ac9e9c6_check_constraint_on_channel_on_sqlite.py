"""CHECK constraint on channel (response, pb_vote) on SQLite

Revision ID: 9d602ac9e9c6
Revises: 6bcb88415129
Create Date: 2026-12-02 10:00:00

5c1a7e0d2b94 added `channel` with a plain ADD COLUMN, and SQLite cannot add a CHECK
constraint to an existing table, so Alembic skipped it there ("Skipping unsupported ALTER"):
a migrated SQLite database accepted any channel, unlike one built from the models. Batch mode
rebuilds each table with the constraint (copy, drop, rename). Both tables are WITHOUT ROWID,
which reflection does not carry over, so the rebuilt table is told again; env.py turns
foreign keys off around the migrations, or dropping the old table would first delete the
answers and vote items that cascade from it. PostgreSQL got the constraint from 5c1a7e0d2b94.
"""
from alembic import op


revision = '9d602ac9e9c6'
down_revision = '6bcb88415129'
branch_labels = None
depends_on = None

TABLES = ('response', 'pb_vote')
CHANNELS = "channel IN ('web', 'desk', 'paper')"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade():
    if not _sqlite():
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate='always', table_kwargs={'sqlite_with_rowid': False}
        ) as batch_op:
            batch_op.create_check_constraint(op.f(f'ck_{table}_channel'), CHANNELS)


def downgrade():
    if not _sqlite():
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate='always', table_kwargs={'sqlite_with_rowid': False}
        ) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_channel'), type_='check')
