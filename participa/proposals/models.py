"""Proposals of a process, their settings, supports (firmas), answers and attachments."""

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.budgets.models import PbProject
from participa.comments.models import CommentThread
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.searchtext import Searchable, search_index
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.moderation.models import Visibility
from participa.processes.models import Process
from participa.territory.models import Colonia

DEFAULT_CATEGORIES = (
    "Obras",
    "Seguridad",
    "Medio ambiente",
    "Movilidad",
    "Servicios públicos",
    "Cultura y deporte",
    "Desarrollo social",
)


class ModerationMode(enum.StrEnum):
    IMMEDIATE = "immediate"  # published as soon as it is sent
    APPROVAL = "approval"  # published after staff approve it


class ThresholdKind(enum.StrEnum):
    NUMBER = "number"  # a fixed number of supports
    PERCENT = "percent"  # a percentage of the population of the process's scope
    # An imported roll (padrón) as the base belongs to a later issue: add ROLL here and its
    # count in proposals.supports.threshold_base; nothing else needs to change.


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for staff approval (moderation mode "approval")
    PUBLISHED = "published"  # public; collecting supports where the process has them
    EVALUATION = "evaluation"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CONVERTED = "converted"


STATUS_LABELS = {
    ProposalStatus.PENDING: _l("Waiting for approval"),
    ProposalStatus.PUBLISHED: _l("Collecting supports"),
    ProposalStatus.EVALUATION: _l("In evaluation"),
    ProposalStatus.ACCEPTED: _l("Accepted"),
    ProposalStatus.REJECTED: _l("Rejected"),
    ProposalStatus.CONVERTED: _l("Converted"),
}
# A process without supports (proyectos sociales) shows a published proposal as just that.
PUBLISHED_WITHOUT_SUPPORTS = _l("Published")


class AttachmentKind(enum.StrEnum):
    PHOTO = "photo"
    PDF = "pdf"


class ProposalSettings(db.Model):
    """How one process takes proposals; staff edit it, defaults are sensible."""

    __tablename__ = "proposal_settings"
    __table_args__ = (
        CheckConstraint("threshold_number >= 1", name="threshold_number_positive"),
        CheckConstraint(
            "threshold_percent > 0 AND threshold_percent <= 100", name="threshold_percent_range"
        ),
        CheckConstraint("reports_to_hide >= 1", name="reports_to_hide_positive"),
    )

    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), primary_key=True
    )
    moderation: Mapped[ModerationMode] = mapped_column(
        enum_type(ModerationMode), default=ModerationMode.IMMEDIATE
    )
    threshold_kind: Mapped[ThresholdKind] = mapped_column(
        enum_type(ThresholdKind), default=ThresholdKind.NUMBER
    )
    threshold_number: Mapped[int] = mapped_column(default=100)
    threshold_percent: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("0.5"))
    support_deadline: Mapped[date | None]
    reports_to_hide: Mapped[int] = mapped_column(default=3)
    categories: Mapped[str] = mapped_column(Text, default="\n".join(DEFAULT_CATEGORIES))

    @property
    def category_list(self) -> list[str]:
        return [line.strip() for line in self.categories.splitlines() if line.strip()]


class Proposal(Searchable, db.Model):
    __table_args__ = (
        CheckConstraint("support_count >= 0", name="support_count_positive"),
        search_index("proposal"),
    )
    SEARCH_FIELDS = ("title", "body", "category", "location")

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("comment_thread.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(80))
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"), index=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    status: Mapped[ProposalStatus] = mapped_column(
        enum_type(ProposalStatus), default=ProposalStatus.PUBLISHED, index=True
    )
    visibility: Mapped[Visibility] = mapped_column(
        enum_type(Visibility), default=Visibility.VISIBLE
    )
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    # Kept in step with the support rows inside the supporting transaction (row lock).
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # What the proposal became: one nullable link per target (a council need comes next).
    pb_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("pb_project.id", ondelete="SET NULL"), unique=True
    )

    process: Mapped[Process] = relationship()
    author: Mapped[User] = relationship()
    colonia: Mapped[Colonia | None] = relationship()
    thread: Mapped[CommentThread] = relationship()
    pb_project: Mapped[PbProject | None] = relationship()
    answers: Mapped[list["ProposalAnswer"]] = relationship(
        back_populates="proposal", order_by="ProposalAnswer.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["ProposalAttachment"]] = relationship(
        back_populates="proposal", order_by="ProposalAttachment.id", cascade="all, delete-orphan"
    )

    @property
    def is_visible(self) -> bool:
        return self.visibility is Visibility.VISIBLE

    @property
    def answer(self) -> "ProposalAnswer | None":
        return self.answers[-1] if self.answers else None


class Support(db.Model):
    """A public signature: one per person and proposal, held by the database."""

    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ProposalAnswer(db.Model):
    """One official answer; the last is the current one, the earlier ones are its history."""

    __tablename__ = "proposal_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ProposalStatus] = mapped_column(enum_type(ProposalStatus))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="answers")
    author: Mapped[User | None] = relationship()


class ProposalAttachment(db.Model):
    __tablename__ = "proposal_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AttachmentKind] = mapped_column(enum_type(AttachmentKind))
    file_name: Mapped[str] = mapped_column(String(80), unique=True)  # random, under uploads/
    original_name: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int]

    proposal: Mapped[Proposal] = relationship(back_populates="attachments")
