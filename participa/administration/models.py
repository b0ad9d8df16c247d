"""Meetings with the administration, the commitments taken in them, and each work's FAIS file.

A `Meeting` is one meeting of the office or the council with the municipal administration:
the mayor with the directors (plan items 4, 4.1) or the FAIS liaison (5, 5.1). In it each
directorate commits, per approved priority, to something by a date (`Commitment`); staff
append dated follow-up notes (`CommitmentNote`, never edited). `WorkFais` holds the pesos the
FAIS was asked for, committed and programmed for a work (whole pesos, like every amount of
works) and its incidence (directa, complementaria); the work's own `fais_eligible` and
`fais_category` stay the one answer to "is it FAIS", kept in step by `fais.save_fais`.
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.works.models import Work


class MeetingKind(enum.StrEnum):
    MAYOR_DIRECTORS = "mayor_directors"
    DIRECTORS = "directors"
    FAIS_LIAISON = "fais_liaison"


MEETING_KIND_LABELS = {
    MeetingKind.MAYOR_DIRECTORS: _l("Meeting with the mayor and directors"),
    MeetingKind.DIRECTORS: _l("Meeting with directors"),
    MeetingKind.FAIS_LIAISON: _l("FAIS liaison meeting"),
}


class CommitmentStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"


COMMITMENT_STATUS_LABELS = {
    CommitmentStatus.OPEN: _l("Open"),
    CommitmentStatus.DONE: _l("Fulfilled"),
    CommitmentStatus.DROPPED: _l("Dropped"),
}


class FaisIncidence(enum.StrEnum):
    """How a work fits the FAIS catalogue: direct or complementary incidence, or not at all."""

    DIRECTA = "directa"
    COMPLEMENTARIA = "complementaria"
    NO_ELEGIBLE = "no_elegible"


FAIS_INCIDENCE_LABELS = {
    FaisIncidence.DIRECTA: _l("Direct incidence"),
    FaisIncidence.COMPLEMENTARIA: _l("Complementary incidence"),
    FaisIncidence.NO_ELEGIBLE: _l("Not eligible"),
}


class Meeting(db.Model):
    __tablename__ = "admin_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200))
    # Who attended, one per line ("Presidente municipal", "Dirección de Obras Públicas").
    attendees: Mapped[str] = mapped_column(Text)
    agreements: Mapped[str] = mapped_column(Text, default="")  # what was agreed, plain text
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="meeting", order_by="Commitment.due_on, Commitment.id"
    )

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class Commitment(db.Model):
    """What a directorate committed to for an approved priority, by a date."""

    __tablename__ = "admin_commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("admin_meeting.id", ondelete="CASCADE"), index=True
    )
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id", ondelete="CASCADE"), index=True)
    directorate: Mapped[str] = mapped_column(String(160))
    text: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date]
    status: Mapped[CommitmentStatus] = mapped_column(
        enum_type(CommitmentStatus), default=CommitmentStatus.OPEN, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="commitments")
    work: Mapped[Work] = relationship()
    notes: Mapped[list["CommitmentNote"]] = relationship(
        order_by="CommitmentNote.noted_on, CommitmentNote.id", cascade="all, delete-orphan"
    )

    def overdue(self, today: date) -> bool:
        return self.status is CommitmentStatus.OPEN and self.due_on < today


class CommitmentNote(db.Model):
    """A dated follow-up note on a commitment; append-only."""

    __tablename__ = "admin_commitment_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("admin_commitment.id", ondelete="CASCADE"), index=True
    )
    noted_on: Mapped[date]
    text: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class WorkFais(db.Model):
    """The FAIS file of a work: its incidence and the pesos requested, committed, programmed."""

    __tablename__ = "work_fais"
    __table_args__ = (
        CheckConstraint(
            "requested >= 0 AND committed >= 0 AND programmed >= 0", name="fais_amounts_positive"
        ),
    )

    work_id: Mapped[int] = mapped_column(
        ForeignKey("work.id", ondelete="CASCADE"), primary_key=True
    )
    incidence: Mapped[FaisIncidence] = mapped_column(
        enum_type(FaisIncidence), default=FaisIncidence.NO_ELEGIBLE
    )
    requested: Mapped[int] = mapped_column(BigInteger, default=0)  # whole pesos
    committed: Mapped[int] = mapped_column(BigInteger, default=0)
    programmed: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    work: Mapped[Work] = relationship()
