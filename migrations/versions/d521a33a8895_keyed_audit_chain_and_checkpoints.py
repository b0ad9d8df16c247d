"""Keyed audit chain: each event's place (seq) and hash scheme; signed checkpoints

Events already stored were hashed without a key: they keep that scheme (0, LEGACY) and are
numbered in the order they were written, so `flask audit-verify` still checks them as they
were; the first event written after this migration is keyed (HMAC under AUDIT_KEY) and holds
the hash of the last legacy event, which anchors the old chain under the key.

Revision ID: d521a33a8895
Revises: 6fe7bdcaf172
Create Date: 2026-12-07 15:05:39.925055

"""

import sqlalchemy as sa
from alembic import op

import participa.core.dbtypes

# revision identifiers, used by Alembic.
revision = "d521a33a8895"
down_revision = "6fe7bdcaf172"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", participa.core.dbtypes.UtcDateTime(timezone=True), nullable=False),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("tip_hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoint")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scheme", sa.Integer(), server_default="0", nullable=False))
    number_legacy_events()
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_seq"), ["seq"])


def number_legacy_events():
    """Number the legacy events 1, 2, 3 ... in the order they were written (by id).

    One pass over the log: the numbers go to a temporary table (ROW_NUMBER), then one
    UPDATE ... FROM joins them by primary key (SQLite >= 3.33 and PostgreSQL). A correlated
    COUNT per row would be quadratic in the size of the log.
    """
    op.execute(
        "CREATE TEMPORARY TABLE audit_event_seq AS "
        "SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS seq FROM audit_event"
    )
    op.execute("CREATE UNIQUE INDEX audit_event_seq_id ON audit_event_seq (id)")
    op.execute(
        "UPDATE audit_event SET seq = numbered.seq FROM audit_event_seq AS numbered "
        "WHERE numbered.id = audit_event.id"
    )
    op.execute("DROP TABLE audit_event_seq")


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_seq"), type_="unique")
        batch_op.drop_column("scheme")
        batch_op.drop_column("seq")
    op.drop_table("audit_checkpoint")
