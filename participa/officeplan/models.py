"""The office's annual work plan, its requests and purchases, guide pages and advice log.

Amounts are stored in centavos, as the council's expenses (`council/operations.py`).
Guide pages change only as new versions: the page shows its newest version.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.territory.models import Colonia


class ActivityStatus(enum.StrEnum):
    PENDING = "pending"  # pendiente
    IN_PROGRESS = "in_progress"  # en curso
    DONE = "done"  # terminada
    CANCELLED = "cancelled"  # cancelada


class LinkKind(enum.StrEnum):
    """What carried an activity out: a council session, an event, a work or a process."""

    SESSION = "session"
    EVENT = "event"
    WORK = "work"
    PROCESS = "process"


class WorkPlan(db.Model):
    """The office's plan of one period (a calendar year)."""

    __tablename__ = "work_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    activities: Mapped[list["PlanActivity"]] = relationship(back_populates="plan")


class PlanActivity(db.Model):
    __tablename__ = "plan_activity"
    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        CheckConstraint("start_month BETWEEN 1 AND 12", name="start_month_valid"),
        CheckConstraint("end_month BETWEEN start_month AND 12", name="end_month_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("work_plan.id"), index=True)
    number: Mapped[str] = mapped_column(String(12))  # "1", "1.1", "8.1"
    title: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plan_activity.id"))
    start_month: Mapped[int]
    end_month: Mapped[int]
    owner: Mapped[str] = mapped_column(String(160), default="")  # a person or an area
    status: Mapped[ActivityStatus] = mapped_column(
        enum_type(ActivityStatus), default=ActivityStatus.PENDING
    )

    plan: Mapped[WorkPlan] = relationship(back_populates="activities")
    parent: Mapped["PlanActivity | None"] = relationship(remote_side=[id])
    evidence: Mapped[list["ActivityEvidence"]] = relationship(order_by="ActivityEvidence.id")
    links: Mapped[list["ActivityLink"]] = relationship(order_by="ActivityLink.id")

    @property
    def sort_key(self) -> tuple:
        return tuple(int(p) if p.isdecimal() else 0 for p in self.number.split("."))

    def is_overdue(self, today: date) -> bool:
        """Its end month has passed and it is neither done nor cancelled."""
        open_ = self.status in (ActivityStatus.PENDING, ActivityStatus.IN_PROGRESS)
        return open_ and (self.plan.year, self.end_month) < (today.year, today.month)


class ActivityEvidence(db.Model):
    """A PDF that shows an activity was carried out, stored under a random name."""

    __tablename__ = "plan_activity_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("plan_activity.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(200))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ActivityLink(db.Model):
    __tablename__ = "plan_activity_link"
    __table_args__ = (UniqueConstraint("activity_id", "kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("plan_activity.id"), index=True)
    kind: Mapped[LinkKind] = mapped_column(enum_type(LinkKind))
    target_id: Mapped[int]


class Office(enum.StrEnum):
    PLANNING = "planning"  # Subsecretaría / oficinas regionales de planeación del Estado
    PURCHASING = "purchasing"  # Proveeduría / Compras
    OTHER = "other"


class RequestStatus(enum.StrEnum):
    DRAFT = "draft"  # borrador
    SENT = "sent"  # enviada
    ANSWERED = "answered"  # respondida
    FULFILLED = "fulfilled"  # atendida
    REJECTED = "rejected"  # rechazada


class OfficeRequest(db.Model):
    """A request to another office (state planning, purchasing), with its items."""

    __tablename__ = "office_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    office: Mapped[Office] = mapped_column(enum_type(Office))
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus), default=RequestStatus.DRAFT
    )
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("plan_activity.id"))
    council_session_id: Mapped[int | None] = mapped_column(ForeignKey("council_session.id"))
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    items: Mapped[list["RequestItem"]] = relationship(
        order_by="RequestItem.id", cascade="all, delete-orphan"
    )
    activity: Mapped[PlanActivity | None] = relationship()

    @property
    def total_cents(self) -> int:
        return sum(item.total_cents for item in self.items)


class RequestItem(db.Model):
    __tablename__ = "office_request_item"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_cents >= 0", name="unit_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("office_request.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[int]
    unit_cents: Mapped[int]

    @property
    def total_cents(self) -> int:
        return self.quantity * self.unit_cents


class GuidePage(db.Model):
    """A public page on residents' rights or on one mechanism; its text lives in versions."""

    __tablename__ = "guide_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    process_type: Mapped[str | None] = mapped_column(String(40), unique=True)  # None: rights
    position: Mapped[int] = mapped_column(default=0)

    versions: Mapped[list["GuideVersion"]] = relationship(order_by="GuideVersion.number")

    @property
    def current(self) -> "GuideVersion":
        return self.versions[-1]


class GuideVersion(db.Model):
    __tablename__ = "guide_version"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("guide_page.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # simple formatting (core/richtext.py)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: the seed
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class AdviceTopic(enum.StrEnum):
    MECHANISMS = "mechanisms"
    PROPOSALS = "proposals"
    BUDGET = "budget"
    WORKS = "works"
    COUNCIL = "council"
    REGISTRATION = "registration"
    COMPLAINT = "complaint"
    OTHER = "other"


class AdviceChannel(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    ONLINE = "online"
    FIELD = "field"  # en colonia


class AdviceOutcome(enum.StrEnum):
    RESOLVED = "resolved"
    REFERRED = "referred"  # canalizada a otra área
    FOLLOW_UP = "follow_up"


class AdviceRecord(db.Model):
    """One piece of advice given (orientación y asesoría): no personal data is stored."""

    __tablename__ = "advice_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    given_on: Mapped[date] = mapped_column(Date, index=True)
    topic: Mapped[AdviceTopic] = mapped_column(enum_type(AdviceTopic))
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"))
    channel: Mapped[AdviceChannel] = mapped_column(enum_type(AdviceChannel))
    outcome: Mapped[AdviceOutcome] = mapped_column(enum_type(AdviceOutcome))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    colonia: Mapped[Colonia | None] = relationship()
