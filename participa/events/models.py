"""Events of a process: registration with a waiting list, questions, attendance and records.

An event (a session of an ayuntamiento abierto, an assembly, a forum, a training) belongs to a
process. Residents register (seats are limited by `capacity`; beyond it they wait in arrival
order) and send questions beforehand that others support. Staff record attendance, including
walk-ins, and afterwards the acta (minutes, kept in versions), the acuerdos (agreements) and
the votes taken by show of hands.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.comments.models import CommentThread
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.searchtext import Searchable, search_index
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.moderation.models import Visibility
from participa.processes.models import Process
from participa.territory.models import Colonia


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


class QuestionStatus(enum.StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    SET_ASIDE = "set_aside"


class Event(Searchable, db.Model):
    SEARCH_FIELDS = ("title", "place", "agenda")
    __table_args__ = (
        search_index("event"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"))
    capacity: Mapped[int | None]  # None: no limit
    agenda: Mapped[str] = mapped_column(Text, default="")  # simple formatting (richtext)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    questions_allowed: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Comments (debates and forums): the thread is made when the event's page first needs it.
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment_thread.id", ondelete="SET NULL"), unique=True
    )

    process: Mapped[Process] = relationship()
    colonia: Mapped[Colonia | None] = relationship()
    thread: Mapped[CommentThread | None] = relationship()

    def has_started(self, now: datetime) -> bool:
        return now >= self.starts_at

    def has_ended(self, now: datetime) -> bool:
        return now >= self.ends_at


class Registration(db.Model):
    """A resident's seat (or place on the waiting list): one per person and event."""

    __tablename__ = "event_registration"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # arrival order on the waiting list
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_type(RegistrationStatus))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class EventQuestion(db.Model):
    """A question or request sent before the event; the most supported are answered first."""

    __tablename__ = "event_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(Text)  # plain text
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status: Mapped[QuestionStatus] = mapped_column(
        enum_type(QuestionStatus), default=QuestionStatus.PENDING
    )
    answer: Mapped[str] = mapped_column(Text, default="")  # when answered, optional
    reason: Mapped[str] = mapped_column(Text, default="")  # when set aside, required
    # Reports by residents may hide it pending review (participa/moderation).
    visibility: Mapped[Visibility] = mapped_column(
        enum_type(Visibility), default=Visibility.VISIBLE
    )
    hidden_reason: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User] = relationship()

    @property
    def is_visible(self) -> bool:
        return self.visibility is Visibility.VISIBLE


class QuestionSupport(db.Model):
    __tablename__ = "event_question_support"
    __table_args__ = (UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("event_question.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Attendance(db.Model):
    """One person present at an event: a registered resident or a walk-in.

    A person counts once: unique on the account and, when known, on the CURP (a walk-in with
    the CURP of a resident already marked present is the same person).
    """

    __tablename__ = "event_attendance"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        UniqueConstraint("event_id", "curp"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    curp: Mapped[str | None] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(160))
    walk_in: Mapped[bool] = mapped_column(default=False)
    # Snapshots for statistics (a later council dashboard), as in participation records.
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"), index=True)
    age_band: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(1))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    colonia: Mapped[Colonia | None] = relationship()


class Minutes(db.Model):
    """One version of an event's acta; a published version is never changed again."""

    __tablename__ = "event_minutes"
    __table_args__ = (UniqueConstraint("event_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)  # simple formatting (richtext)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EventAgreement(db.Model):
    """An acuerdo taken at the event: what, who is responsible, by when."""

    __tablename__ = "event_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(160), default="")
    due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class HandVote(db.Model):
    """A motion voted by show of hands: counts as announced in the room."""

    __tablename__ = "event_hand_vote"
    __table_args__ = (
        CheckConstraint(
            "votes_for >= 0 AND votes_against >= 0 AND abstentions >= 0", name="counts_positive"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    motion: Mapped[str] = mapped_column(Text)
    votes_for: Mapped[int]
    votes_against: Mapped[int]
    abstentions: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def approved(self) -> bool:
        """The rule: a motion is approved when more hands are for it than against it."""
        return self.votes_for > self.votes_against
