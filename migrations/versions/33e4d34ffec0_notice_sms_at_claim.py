"""notification.sms_at: a notice is claimed for SMS before it is texted

Revision ID: 33e4d34ffec0
Revises: 90a71233b9a6
Create Date: 2026-12-07 16:01:26.881633

Notices stored before this revision were already handed to the SMS sender (if at all) by the
job that stored them: they are marked as texted at their creation time, so a job re-run after
the upgrade texts none of them again.
"""

import sqlalchemy as sa
from alembic import op

import participa.core.dbtypes

revision = "33e4d34ffec0"
down_revision = "90a71233b9a6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sms_at", participa.core.dbtypes.UtcDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE notification SET sms_at = created_at")


def downgrade():
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("sms_at")
