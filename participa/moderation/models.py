"""Reports of proposals and comments, and the visibility every reportable thing carries."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from participa.core.dbtypes import UtcDateTime
from participa.core.timeutil import utcnow
from participa.extensions import db


class Visibility(enum.StrEnum):
    VISIBLE = "visible"
    PENDING_REVIEW = "pending_review"  # hidden by reports until staff review it
    HIDDEN = "hidden"  # hidden by staff, with a reason


class Report(db.Model):
    """One person's report of one proposal or one comment; the database keeps it unique."""

    __table_args__ = (
        UniqueConstraint("reporter_id", "proposal_id"),
        UniqueConstraint("reporter_id", "comment_id"),
        CheckConstraint("(proposal_id IS NULL) <> (comment_id IS NULL)", name="report_one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
