"""Questionnaires and responses.

Ballot secrecy (DESIGN.md): `Participation` says who took part; `Response` and `Answer` say
what was answered. They are written in the same transaction and share no key, timestamp or
order: responses have random ids and no timestamp, and on SQLite they live in WITHOUT ROWID
tables so their physical order is the random id's order, not insertion order.
"""

import enum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.core.dbtypes import UNFOLDED, enum_type
from participa.eligibility.participants import ParticipantColumns
from participa.extensions import db


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    RANKING = "ranking"
    SCALE = "scale"
    YES_NO = "yes_no"
    TEXT = "text"


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING})
SCALE_LOW, SCALE_HIGH = 1, 5


class Question(db.Model):
    __table_args__ = (
        CheckConstraint("max_choices IS NULL OR max_choices >= 1", name="max_choices_positive"),
        CheckConstraint("max_length >= 1", name="max_length_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind))
    text: Mapped[str] = mapped_column(String(500))
    help_text: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=True)
    max_choices: Mapped[int | None]
    max_length: Mapped[int] = mapped_column(default=1000)

    options: Mapped[list["Option"]] = relationship(
        back_populates="question", order_by="Option.position", cascade="all, delete-orphan"
    )

    @property
    def has_options(self) -> bool:
        return self.kind in CHOICE_KINDS


class Option(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(300))

    question: Mapped[Question] = relationship(back_populates="options")


class Participation(ParticipantColumns, db.Model):
    """Who took part: one row per eligibility key and process, enforced by the database."""

    __table_args__ = (
        UniqueConstraint("process_id", "voter_key"),
        Index("ix_participation_unfolded", "process_id", **UNFOLDED),
    )

    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    # False until participa.aggregates.fold adds the row to participation_tally.
    folded: Mapped[bool] = mapped_column(default=False, server_default=false())


class Response(db.Model):
    """What was answered, with no link to who answered."""

    __table_args__ = (
        Index("ix_response_unfolded", "process_id", **UNFOLDED),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id"), index=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # False until participa.aggregates.fold adds its answers to answer_tally (never in the
    # vote's own transaction: see docs/architecture.md, "Results from aggregates").
    folded: Mapped[bool] = mapped_column(default=False, server_default=false())

    answers: Mapped[list["Answer"]] = relationship(cascade="all, delete-orphan")


class Answer(db.Model):
    __table_args__ = (
        # Results group answers by question and option: this index covers those counts.
        Index("ix_answer_question_option_value", "question_id", "option_id", "value"),
        {"sqlite_with_rowid": False},
    )

    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    option_id: Mapped[int | None] = mapped_column(ForeignKey("option.id"))
    value: Mapped[int | None]  # scale value, or the rank (1 = first) of a ranked option
    text: Mapped[str | None] = mapped_column(Text)
