"""Reports of proposals, comments, event questions and citizen findings, and the visibility
every reportable thing carries."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from participa.core.dbtypes import UtcDateTime
from participa.core.timeutil import utcnow
from participa.extensions import db


class Visibility(enum.StrEnum):
    VISIBLE = "visible"
    PENDING_REVIEW = "pending_review"  # hidden by reports until staff review it
    HIDDEN = "hidden"  # hidden by staff, with a reason


VISIBILITY_LABELS = {
    Visibility.VISIBLE: _l("Visible"),
    Visibility.PENDING_REVIEW: _l("Hidden pending review"),
    Visibility.HIDDEN: _l("Hidden by moderation"),
}

# One nullable foreign key per kind of target; exactly one is set (database check). A kind
# registered in moderation/registry.py under a name uses the column `<name>_id`.
TARGET_COLUMNS = ("proposal_id", "comment_id", "question_id", "finding_id")


class Report(db.Model):
    """One person's report of one target (a proposal, a comment, an event question or a
    citizen finding); the database keeps it unique per person and target."""

    __table_args__ = (
        UniqueConstraint("reporter_id", "proposal_id"),
        UniqueConstraint("reporter_id", "comment_id"),
        UniqueConstraint("reporter_id", "question_id"),
        UniqueConstraint("reporter_id", "finding_id"),
        CheckConstraint(
            " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in TARGET_COLUMNS)
            + " = 1",
            name="report_one_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_question.id", ondelete="CASCADE"), index=True
    )
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
