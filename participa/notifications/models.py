"""Notices: who reads them, what happened, where to look; how each person wants to hear."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db


class NoticeKind(enum.StrEnum):
    THRESHOLD_REACHED = "threshold_reached"
    AWAITING_MODERATION = "awaiting_moderation"
    CONTENT_HIDDEN = "content_hidden"
    # What residents hear about.
    PROPOSAL_ANSWERED = "proposal_answered"
    PROPOSAL_CONVERTED = "proposal_converted"
    VOTING_OPENED = "voting_opened"
    EVENT_REMINDER = "event_reminder"
    RESULTS_PUBLISHED = "results_published"
    WORK_STATUS_CHANGED = "work_status_changed"
    COMMENT_REPLIED = "comment_replied"


class MailMode(enum.StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"


class FollowKind(enum.StrEnum):
    WORK = "work"
    PROPOSAL = "proposal"


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
    # Set once the notice went out by e-mail (at once or in a digest): never mailed twice.
    mailed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # Set once the notice was handed to the SMS sender: a re-run job never texts it twice.
    sms_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What makes a notice unique where repeating it would be wrong ("reminder:<registration>").
    dedupe: Mapped[str | None] = mapped_column(String(80), unique=True)


class NoticePreference(db.Model):
    """How one person wants to hear about one kind of notice (absent: the kind's default)."""

    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notice_preference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[NoticeKind] = mapped_column(enum_type(NoticeKind))
    mail: Mapped[MailMode] = mapped_column(enum_type(MailMode))
    sms: Mapped[bool] = mapped_column(default=False)


class Follow(db.Model):
    """A person asked to hear about a work or a proposal they care about."""

    __table_args__ = (UniqueConstraint("user_id", "kind", "target_id", name="uq_follow"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FollowKind] = mapped_column(enum_type(FollowKind))
    target_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
