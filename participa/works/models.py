"""Needs and works (necesidades u obras) and the council's prioritisation rounds.

A `Work` may come from a result: a consultation's option (`source_process_id` +
`source_option_id`), a PB project funded by a published outcome (`source_pb_project_id`), or
or an accepted proposal (`source_proposal_id`; the proposal then reads "converted").
A `PrioritisationRound` picks candidate works and weighted criteria; each council member's
`Score` rows cover every candidate × criterion, unique per (round, member, work, criterion).
"""

import enum
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.auth.models import User
from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.searchtext import Searchable, search_index
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.territory.models import Colonia, Delegacion


class WorkKind(enum.StrEnum):
    NEED = "need"
    WORK = "work"


class Funding(enum.StrEnum):
    FAIS = "fais"
    MUNICIPAL = "municipal"
    ESTATAL = "estatal"
    FEDERAL = "federal"
    MIXTO = "mixto"


class FaisCategory(enum.StrEnum):
    """Categories of the FAIS (Ley de Coordinación Fiscal, art. 33)."""

    AGUA_POTABLE = "agua_potable"
    ALCANTARILLADO = "alcantarillado"
    DRENAJE_LETRINAS = "drenaje_letrinas"
    URBANIZACION = "urbanizacion"
    ELECTRIFICACION = "electrificacion"
    SALUD = "salud"
    EDUCACION = "educacion"
    VIVIENDA = "vivienda"
    CAMINOS_RURALES = "caminos_rurales"
    INFRAESTRUCTURA_PRODUCTIVA = "infraestructura_productiva"


class WorkStatus(enum.StrEnum):
    CANDIDATE = "candidate"
    PRIORITY = "priority"
    IN_EXECUTION = "in_execution"
    DONE = "done"
    DISCARDED = "discarded"


class WorkOrigin(enum.StrEnum):
    DIRECT = "direct"
    CONSULTATION = "consultation"
    PB_PROJECT = "pb_project"
    PROPOSAL = "proposal"


class Work(Searchable, db.Model):
    __tablename__ = "work"
    SEARCH_FIELDS = ("title", "description", "directorate")
    __table_args__ = (
        search_index("work"),
        CheckConstraint("estimated_cost >= 0", name="work_cost_positive"),
        CheckConstraint("beneficiaries >= 0", name="work_beneficiaries_positive"),
        CheckConstraint("colonia_id IS NULL OR delegacion_id IS NULL", name="work_one_zone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[WorkKind] = mapped_column(enum_type(WorkKind), default=WorkKind.WORK)
    # The zone: a colonia, a delegación, or neither (the whole municipality).
    colonia_id: Mapped[int | None] = mapped_column(ForeignKey("colonia.id"), index=True)
    delegacion_id: Mapped[int | None] = mapped_column(ForeignKey("delegacion.id"), index=True)
    # Where it is, for the maps: both or neither, inside MUNICIPALITY_BOUNDS (core/geo.py).
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    estimated_cost: Mapped[int] = mapped_column(BigInteger)  # whole pesos
    beneficiaries: Mapped[int] = mapped_column(default=0)  # people
    directorate: Mapped[str] = mapped_column(String(160), default="")
    funding: Mapped[Funding] = mapped_column(enum_type(Funding), default=Funding.MUNICIPAL)
    fais_eligible: Mapped[bool] = mapped_column(default=False)
    fais_category: Mapped[FaisCategory | None] = mapped_column(enum_type(FaisCategory))
    status: Mapped[WorkStatus] = mapped_column(
        enum_type(WorkStatus), default=WorkStatus.CANDIDATE, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    source_kind: Mapped[WorkOrigin] = mapped_column(
        enum_type(WorkOrigin), default=WorkOrigin.DIRECT
    )
    source_process_id: Mapped[int | None] = mapped_column(
        ForeignKey("process.id", ondelete="SET NULL"), index=True
    )
    source_option_id: Mapped[int | None] = mapped_column(
        ForeignKey("option.id", ondelete="SET NULL"), index=True
    )
    source_pb_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("pb_project.id", ondelete="SET NULL"), index=True
    )
    source_proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL"), unique=True
    )

    colonia: Mapped[Colonia | None] = relationship()
    delegacion: Mapped[Delegacion | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def zone_delegacion(self) -> Delegacion | None:
        """The delegación the work is in, directly or through its colonia."""
        return self.colonia.delegacion if self.colonia else self.delegacion


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # council members score
    CLOSED = "closed"  # results shown, waiting for approval
    APPROVED = "approved"


class PrioritisationRound(db.Model):
    __tablename__ = "prioritisation_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(40))  # e.g. "2027"
    status: Mapped[RoundStatus] = mapped_column(
        enum_type(RoundStatus), default=RoundStatus.DRAFT, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    justification: Mapped[str] = mapped_column(Text, default="")  # when it differs from ranking

    criteria: Mapped[list["RoundCriterion"]] = relationship(
        order_by="RoundCriterion.position, RoundCriterion.id", cascade="all, delete-orphan"
    )
    candidates: Mapped[list["RoundCandidate"]] = relationship(
        order_by="RoundCandidate.work_id", cascade="all, delete-orphan"
    )
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])


class RoundCriterion(db.Model):
    __tablename__ = "round_criterion"
    __table_args__ = (
        CheckConstraint("weight_thousandths > 0", name="criterion_weight_positive"),
        CheckConstraint("scale BETWEEN 1 AND 100", name="criterion_scale_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("prioritisation_round.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    # The weight exactly: thousandths, so "1.5" is 1500 and Fraction(1500, 1000) is exact.
    weight_thousandths: Mapped[int]
    scale: Mapped[int] = mapped_column(default=10)  # scores 0..scale
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def weight(self) -> Fraction:
        return Fraction(self.weight_thousandths, 1000)


class RoundCandidate(db.Model):
    __tablename__ = "round_candidate"
    __table_args__ = (
        UniqueConstraint("round_id", "approved_rank"),
        CheckConstraint("approved_rank IS NULL OR approved_rank >= 1", name="rank_positive"),
    )

    round_id: Mapped[int] = mapped_column(
        ForeignKey("prioritisation_round.id", ondelete="CASCADE"), primary_key=True
    )
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id"), primary_key=True)
    approved_rank: Mapped[int | None]  # the place in the approved list of the period

    work: Mapped[Work] = relationship()


class Score(db.Model):
    __tablename__ = "work_score"
    __table_args__ = (
        UniqueConstraint("round_id", "member_id", "work_id", "criterion_id"),
        CheckConstraint("value >= 0", name="score_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("prioritisation_round.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id"))
    criterion_id: Mapped[int] = mapped_column(ForeignKey("round_criterion.id", ondelete="CASCADE"))
    value: Mapped[int]


class WorkTask(db.Model):
    """A task of a priority's action schedule (cronograma)."""

    __tablename__ = "work_task"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="task_dates_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(160))  # the responsible directorate or area
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    done: Mapped[bool] = mapped_column(default=False)

    work: Mapped[Work] = relationship()


class ProgressReport(db.Model):
    """One follow-up record of a priority: physical progress and money spent at a date.

    Append-only: a correction is a new report. At most one report per work per council
    session (the session in which it was reported); reports outside sessions have none.
    """

    __tablename__ = "work_progress_report"
    __table_args__ = (
        UniqueConstraint("work_id", "council_session_id"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="report_progress_range"),
        CheckConstraint("spent >= 0", name="report_spent_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id", ondelete="CASCADE"), index=True)
    council_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("council_session.id"), index=True
    )
    reported_on: Mapped[date]
    progress: Mapped[int]  # physical progress, whole per cent
    spent: Mapped[int] = mapped_column(BigInteger)  # whole pesos spent so far
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    work: Mapped[Work] = relationship()
    photos: Mapped[list["ProgressPhoto"]] = relationship(
        order_by="ProgressPhoto.position", cascade="all, delete-orphan"
    )


class ProgressPhoto(db.Model):
    __tablename__ = "work_progress_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("work_progress_report.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40), unique=True)  # random, see core/uploads.py
    position: Mapped[int] = mapped_column(default=0)
