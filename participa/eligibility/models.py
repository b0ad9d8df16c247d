"""Rolls (padrón) and their entries, residents' typed keys, conflicts, in-person checks."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.models import Process
from participa.territory.models import Colonia

MUNICIPAL_SCOPE = "municipio"


class KeyKind(enum.StrEnum):
    CURP = "curp"
    VOTER = "voter"  # clave de elector (INE)
    PREDIAL = "predial"  # cuenta predial (property-tax account)


class EligibilityRule(enum.StrEnum):
    REGISTERED = "registered"  # a registered resident with CURP and colonia (the default)
    ROLL = "roll"  # on the process's roll, otherwise the municipality's
    VERIFIED = "verified"  # verified in person at a desk (ID seen)
    # On the roll, or verified in person: the default of new processes that decide something.
    ROLL_OR_VERIFIED = "roll_or_verified"


# Rules that read the roll (only "on the roll" keys votes by roll entry: keys.person_key).
ROLL_KEYED = frozenset({EligibilityRule.ROLL, EligibilityRule.ROLL_OR_VERIFIED})


class IdKind(enum.StrEnum):
    INE = "ine"
    PASSPORT = "passport"
    LICENCE = "licence"
    CARTILLA = "cartilla"
    OTHER = "other"


class ConflictStatus(enum.StrEnum):
    OPEN = "open"
    KEPT = "kept"  # the current holder keeps the entry
    MOVED = "moved"  # the entry went to the claimant


class Roll(db.Model):
    """The municipality's roll (scope `municipio`) or one process's (`proceso:<id>`)."""

    __tablename__ = "eligibility_roll"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(30), unique=True)
    process_id: Mapped[int | None] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    process: Mapped[Process | None] = relationship()


class RollEntry(db.Model):
    """One eligible person of a roll, known by one key; attached to at most one account."""

    __tablename__ = "eligibility_roll_entry"
    __table_args__ = (
        UniqueConstraint("roll_id", "key_kind", "key_value"),
        # One account holds at most one entry of each roll (NULLs: entries nobody holds).
        UniqueConstraint("roll_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    roll_id: Mapped[int] = mapped_column(ForeignKey("eligibility_roll.id", ondelete="CASCADE"))
    key_kind: Mapped[KeyKind] = mapped_column(enum_type(KeyKind))
    key_value: Mapped[str] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(160), default="")
    colonia_id: Mapped[int] = mapped_column(ForeignKey("colonia.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    attached_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    roll: Mapped[Roll] = relationship()
    colonia: Mapped[Colonia] = relationship()
    user: Mapped[User | None] = relationship()


class ResidentKey(db.Model):
    """A voter key or property-tax account a resident typed on their account page."""

    __tablename__ = "resident_key"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[KeyKind] = mapped_column(enum_type(KeyKind))
    value: Mapped[str] = mapped_column(String(30), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class RollConflict(db.Model):
    """A second account claimed an entry another account holds; staff resolve it."""

    __tablename__ = "eligibility_conflict"
    __table_args__ = (UniqueConstraint("entry_id", "claimant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("eligibility_roll_entry.id", ondelete="CASCADE"), index=True
    )
    claimant_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[ConflictStatus] = mapped_column(
        enum_type(ConflictStatus), default=ConflictStatus.OPEN, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    entry: Mapped[RollEntry] = relationship()
    claimant: Mapped[User] = relationship(foreign_keys=[claimant_id])
    holder: Mapped[User | None] = relationship(foreign_keys=[holder_id])


class PersonVerification(db.Model):
    """A resident seen in person at a desk with an ID; undone with a reason, never deleted."""

    __tablename__ = "person_verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    id_kind: Mapped[IdKind] = mapped_column(enum_type(IdKind))
    note: Mapped[str] = mapped_column(String(300), default="")
    verified_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    undo_reason: Mapped[str] = mapped_column(String(300), default="")

    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])


class ProcessEligibility(db.Model):
    """Who may take part in one process; absent means the default (registered residents)."""

    __tablename__ = "process_eligibility"

    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), primary_key=True
    )
    rule: Mapped[EligibilityRule] = mapped_column(
        enum_type(EligibilityRule), default=EligibilityRule.REGISTERED
    )
