"""Consejos sociales: councils of residents of a colonia or a sector, their members and meetings.

Members keep minimal personal data: a name, a role in the council and, optionally, a contact
the office may use. A meeting records the number of people present and its minutes, as text
or a PDF (core/uploads.py). The council's pledges of support to works are ordinary pledges of
popular collaboration (`collaboration.models.Pledge.social_council_id`), so every total and
delivery counts them once.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.core.dbtypes import UtcDateTime
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.territory.models import Colonia


class SocialCouncil(db.Model):
    __tablename__ = "social_council"
    __table_args__ = (
        CheckConstraint("colonia_id IS NOT NULL OR sector != ''", name="council_has_place"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"), index=True)
    sector: Mapped[str] = mapped_column(String(160), default="")  # e.g. "comerciantes del mercado"
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    colonia: Mapped[Colonia | None] = relationship()
    members: Mapped[list["SocialCouncilMember"]] = relationship(
        order_by="SocialCouncilMember.id", cascade="all, delete-orphan"
    )
    meetings: Mapped[list["SocialCouncilMeeting"]] = relationship(
        order_by="SocialCouncilMeeting.held_on.desc()", cascade="all, delete-orphan"
    )


class SocialCouncilMember(db.Model):
    __tablename__ = "social_council_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("social_council.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(80))  # presidente, secretaria, vocal …
    contact: Mapped[str] = mapped_column(String(160), default="")  # optional phone or e-mail


class SocialCouncilMeeting(db.Model):
    __tablename__ = "social_council_meeting"
    __table_args__ = (CheckConstraint("attendance >= 0", name="attendance_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(
        ForeignKey("social_council.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date]
    attendance: Mapped[int]  # people present
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_pdf: Mapped[str | None] = mapped_column(String(40))  # random name, core/uploads.py
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
