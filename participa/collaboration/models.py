"""Pledges (aportaciones) of money, materials or labour to a watched work, and deliveries.

A pledge comes from a resident's account or, captured by staff, from a person without one
(name and colonia only). Its colonia is a snapshot, so totals per colonia do not move when a
resident moves. Quantities are whole numbers: pesos, hours, or units of the material.
"""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.oversight.models import WatchedWork
from participa.territory.models import Colonia


class PledgeKind(enum.StrEnum):
    MONEY = "money"  # quantity in whole pesos
    MATERIALS = "materials"  # quantity in `unit` of `material`
    LABOUR = "labour"  # quantity in hours


KIND_LABELS = {
    PledgeKind.MONEY: _l("Money (pesos)"),
    PledgeKind.MATERIALS: _l("Materials"),
    PledgeKind.LABOUR: _l("Labour (hours)"),
}


class Pledge(db.Model):
    __tablename__ = "pledge"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("user_id IS NOT NULL OR person_name != ''", name="pledge_has_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(
        ForeignKey("watched_work.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(160), default="")  # walk-in pledges
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"), index=True)
    # A consejo social's pledge (social_councils/, the floor above: a key, no import). Its
    # `person_name` is the council's name then, so every total and list reads it as one pledger.
    social_council_id: Mapped[int | None] = mapped_column(
        ForeignKey("social_council.id"), index=True
    )
    kind: Mapped[PledgeKind] = mapped_column(enum_type(PledgeKind))
    quantity: Mapped[int] = mapped_column(BigInteger)
    material: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    work: Mapped[WatchedWork] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    colonia: Mapped[Colonia | None] = relationship()
    deliveries: Mapped[list["Delivery"]] = relationship(
        order_by="Delivery.delivered_on", cascade="all, delete-orphan"
    )

    @property
    def person(self) -> str:
        return self.user.name if self.user is not None else self.person_name

    @property
    def delivered(self) -> int:
        return sum(d.quantity for d in self.deliveries)


class Delivery(db.Model):
    """What was actually given against a pledge; several partial deliveries are allowed."""

    __tablename__ = "pledge_delivery"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledge.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    delivered_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
