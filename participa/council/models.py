"""The council (CMPC): members, sessions, agenda, attendance, minutes, agreements, operations.

A session goes scheduled (convocada) → held (celebrada) → minutes approved (acta aprobada).
Approved minutes live only in `MinutesVersion` rows, never overwritten: a change after approval
is a new version with its reason, and an audit entry.
"""

import enum
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.territory.models import Delegacion


class Position(enum.StrEnum):
    PRESIDENT = "president"
    TECHNICAL_SECRETARY = "technical_secretary"
    CITIZEN_COUNCILLOR = "citizen_councillor"
    GOVERNMENT_COUNCILLOR = "government_councillor"


class SessionKind(enum.StrEnum):
    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"


class SessionStatus(enum.StrEnum):
    SCHEDULED = "scheduled"  # convocada: the agenda may change
    HELD = "held"  # celebrada: the minutes are written
    APPROVED = "approved"  # acta aprobada: changes only as new versions


class Presence(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"  # falta justificada


class AgreementStatus(enum.StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_AGREEMENT = (AgreementStatus.PENDING, AgreementStatus.IN_PROGRESS)


class OperationKind(enum.StrEnum):
    FUEL = "fuel"  # vales de combustible
    REFRESHMENTS = "refreshments"  # refrigerio
    TRAVEL = "travel"  # viáticos
    OTHER = "other"


class OperationStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"


class CouncilMember(db.Model):
    __tablename__ = "council_member"
    __table_args__ = (
        CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    position: Mapped[Position] = mapped_column(enum_type(Position))
    delegacion_id: Mapped[int | None] = mapped_column(ForeignKey("delegacion.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), unique=True)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)

    delegacion: Mapped[Delegacion | None] = relationship()
    user: Mapped[User | None] = relationship()

    def is_active(self, today: date) -> bool:
        return self.term_start <= today and (self.term_end is None or today <= self.term_end)


agenda_item_agreement = Table(
    "council_agenda_item_agreement",
    db.metadata,
    Column(
        "agenda_item_id", ForeignKey("council_agenda_item.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("agreement_id", ForeignKey("council_agreement.id"), primary_key=True),
)


class CouncilSession(db.Model):
    __tablename__ = "council_session"
    __table_args__ = (UniqueConstraint("kind", "year", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind))
    year: Mapped[int]  # local year of the session, for its number
    number: Mapped[int]  # 1st, 2nd … session of this kind in `year`
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    place: Mapped[str] = mapped_column(String(200))
    status: Mapped[SessionStatus] = mapped_column(
        enum_type(SessionStatus), default=SessionStatus.SCHEDULED
    )
    minutes: Mapped[str] = mapped_column(Text, default="")  # the draft, until approval
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    agenda: Mapped[list["AgendaItem"]] = relationship(
        order_by="AgendaItem.position", cascade="all, delete-orphan"
    )
    attendance: Mapped[list["SessionAttendance"]] = relationship(cascade="all, delete-orphan")
    agreements: Mapped[list["Agreement"]] = relationship(
        back_populates="session", order_by="Agreement.number"
    )
    versions: Mapped[list["MinutesVersion"]] = relationship(order_by="MinutesVersion.number")

    @property
    def current_minutes(self) -> str:
        return self.versions[-1].text if self.versions else self.minutes

    @property
    def name(self) -> str:
        """“Sesión ordinaria 1/2026”: the kind always goes with the number, which it scopes."""
        if self.kind is SessionKind.EXTRAORDINARY:
            return gettext("Extraordinary session %(n)s/%(year)s", n=self.number, year=self.year)
        return gettext("Ordinary session %(n)s/%(year)s", n=self.number, year=self.year)


class AgendaItem(db.Model):
    __tablename__ = "council_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("council_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    presenter: Mapped[str] = mapped_column(String(160), default="")
    follow_up: Mapped[bool] = mapped_column(default=False)  # review of pending agreements

    agreements: Mapped[list["Agreement"]] = relationship(
        secondary=agenda_item_agreement, order_by="Agreement.id"
    )


class SessionAttendance(db.Model):
    __tablename__ = "council_attendance"
    __table_args__ = (UniqueConstraint("session_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("council_session.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("council_member.id"))
    presence: Mapped[Presence] = mapped_column(enum_type(Presence))

    member: Mapped[CouncilMember] = relationship()


def agreement_code(kind: SessionKind, session_number: int, year: int, number: int) -> str:
    """The agreement's public number: “1/2026-1” (ordinary), “E1/2026-1” (extraordinary).

    Session numbers restart per kind, so the kind must be in the code; ordinary sessions keep
    the form they always had, so no published ordinary agreement changes its number.
    """
    prefix = "E" if kind is SessionKind.EXTRAORDINARY else ""
    return f"{prefix}{session_number}/{year}-{number}"


class Agreement(db.Model):
    __tablename__ = "council_agreement"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id"), index=True)
    number: Mapped[int]  # within its session
    # agreement_code(), written once at creation; unique across sessions of both kinds
    code: Mapped[str] = mapped_column(String(40), unique=True)
    text: Mapped[str] = mapped_column(Text)
    owner_member_id: Mapped[int | None] = mapped_column(ForeignKey("council_member.id"))
    owner_text: Mapped[str] = mapped_column(String(200), default="")  # a directorate
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[AgreementStatus] = mapped_column(
        enum_type(AgreementStatus), default=AgreementStatus.PENDING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    session: Mapped[CouncilSession] = relationship(back_populates="agreements")
    owner_member: Mapped[CouncilMember | None] = relationship()
    updates: Mapped[list["AgreementUpdate"]] = relationship(order_by="AgreementUpdate.id")

    @property
    def owner(self) -> str:
        return self.owner_member.name if self.owner_member else self.owner_text

    def is_overdue(self, today: date) -> bool:
        return self.status in OPEN_AGREEMENT and self.due_on is not None and self.due_on < today


class AgreementUpdate(db.Model):
    """One change of an agreement's status, with its note: who and when."""

    __tablename__ = "council_agreement_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("council_agreement.id"), index=True)
    status: Mapped[AgreementStatus] = mapped_column(enum_type(AgreementStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class MinutesVersion(db.Model):
    """The text of approved minutes; version 1 is the approval, later ones corrections."""

    __tablename__ = "council_minutes_version"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class OperationRequest(db.Model):
    """A request for the council's own expenses at a session; amounts in centavos."""

    __tablename__ = "council_operation"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("council_session.id"), index=True)
    kind: Mapped[OperationKind] = mapped_column(enum_type(OperationKind))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("council_member.id"))
    description: Mapped[str] = mapped_column(String(300))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    spent_on: Mapped[date] = mapped_column(Date, index=True)  # local date: its period
    status: Mapped[OperationStatus] = mapped_column(
        enum_type(OperationStatus), default=OperationStatus.REQUESTED
    )
    status_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    session: Mapped[CouncilSession] = relationship()
    member: Mapped[CouncilMember | None] = relationship()
    status_by: Mapped[User | None] = relationship()
