"""Works and programmes watched by a process, residents' findings and the office's answers.

`WatchedWork` is the one "subject" of both oversight and collaboration processes: staff list
the works or programmes in the process, residents file findings about them (auditoría) or
pledge help to them (colaboración). The council's works are another domain; a nullable
`work_id` to them can be added here with one column when both meet.
"""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.budgets.models import PbProject
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.moderation.models import Visibility
from participa.processes.models import Process
from participa.territory.models import Colonia


class WorkKind(enum.StrEnum):
    WORK = "work"
    PROGRAMME = "programme"


class FindingStatus(enum.StrEnum):
    RECEIVED = "received"
    IN_REVIEW = "in_review"
    ANSWERED = "answered"
    NOT_APPLICABLE = "not_applicable"


class WatchedWork(db.Model):
    """A public work or programme (obra o programa) that a process watches."""

    __tablename__ = "watched_work"
    __table_args__ = (CheckConstraint("budget IS NULL OR budget >= 0", name="budget_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[WorkKind] = mapped_column(enum_type(WorkKind), default=WorkKind.WORK)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")  # simple formatting (richtext)
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"))
    responsible_area: Mapped[str] = mapped_column(String(160), default="")
    budget: Mapped[int | None] = mapped_column(BigInteger)  # whole pesos
    pb_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("pb_project.id", ondelete="SET NULL"), index=True
    )
    # The council's priority this subject follows (works domain): its public page shows
    # the pledges and findings of the subjects linked to it.
    work_id: Mapped[int | None] = mapped_column(
        ForeignKey("work.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    process: Mapped[Process] = relationship()
    colonia: Mapped[Colonia | None] = relationship()
    pb_project: Mapped[PbProject | None] = relationship()


class Finding(db.Model):
    """A resident's report (hallazgo) about a watched work, with photos and a place."""

    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(
        ForeignKey("watched_work.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)  # simple formatting (richtext)
    location: Mapped[str] = mapped_column(String(300), default="")  # street reference
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    status: Mapped[FindingStatus] = mapped_column(
        enum_type(FindingStatus), default=FindingStatus.RECEIVED, index=True
    )
    status_reason: Mapped[str] = mapped_column(Text, default="")  # why "not applicable"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    # Residents' reports may hide it pending review (participa/moderation); staff decide in
    # the moderation queue. Public pages show a finding only when visible and not hidden_at.
    visibility: Mapped[Visibility] = mapped_column(
        enum_type(Visibility), default=Visibility.VISIBLE
    )

    work: Mapped[WatchedWork] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def is_public(self) -> bool:
        """Shown on public pages: neither hidden by staff nor by residents' reports."""
        return self.hidden_at is None and self.visibility is Visibility.VISIBLE

    photos: Mapped[list["FindingPhoto"]] = relationship(
        order_by="FindingPhoto.position", cascade="all, delete-orphan"
    )
    answers: Mapped[list["FindingAnswer"]] = relationship(
        order_by="FindingAnswer.version.desc()", cascade="all, delete-orphan"
    )

    @property
    def answer(self) -> "FindingAnswer | None":
        """The current answer: the newest version."""
        return self.answers[0] if self.answers else None


class FindingPhoto(db.Model):
    __tablename__ = "finding_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40), unique=True)  # random, see core/uploads.py
    position: Mapped[int] = mapped_column(default=0)


class FindingAnswer(db.Model):
    """One version of the office's public answer; amending adds a version, none is lost."""

    __tablename__ = "finding_answer"
    __table_args__ = (UniqueConstraint("finding_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
