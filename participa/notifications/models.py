"""A notice for staff: who should read it, what happened, where to look."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db


class NoticeKind(enum.StrEnum):
    THRESHOLD_REACHED = "threshold_reached"
    AWAITING_MODERATION = "awaiting_moderation"
    CONTENT_HIDDEN = "content_hidden"


class Notification(db.Model):
    """A notice for one user or for every account of a role (`audience`)."""

    __table_args__ = (
        CheckConstraint(
            "(audience IS NULL) <> (user_id IS NULL)", name="notification_one_audience"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str | None] = mapped_column(String(20), index=True)  # a role: "staff"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind))
    # The sentence is built from `kind` in the reader's language; `subject` names the thing.
    subject: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
