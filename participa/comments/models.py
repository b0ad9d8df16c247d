"""Comment threads: a thread belongs to whatever owns its id (a proposal or an event).

A thread whose owner allows it (`allows_positions`, e.g. a debate's event) lets each comment
carry a position: in favour, against or neutral."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.moderation.models import Visibility


class Position(enum.StrEnum):
    FAVOR = "favor"
    AGAINST = "against"
    NEUTRAL = "neutral"


class CommentThread(db.Model):
    __tablename__ = "comment_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    allows_positions: Mapped[bool] = mapped_column(default=False)

    comments: Mapped[list["Comment"]] = relationship(
        back_populates="thread", order_by="Comment.id", cascade="all, delete-orphan"
    )


class Comment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("comment_thread.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    visibility: Mapped[Visibility] = mapped_column(
        enum_type(Visibility), default=Visibility.VISIBLE
    )
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    # Only where the thread allows positions; replies may carry one too.
    position: Mapped[Position | None] = mapped_column(enum_type(Position))

    thread: Mapped[CommentThread] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
    parent: Mapped["Comment | None"] = relationship(remote_side=[id])

    @property
    def is_visible(self) -> bool:
        return self.visibility is Visibility.VISIBLE
