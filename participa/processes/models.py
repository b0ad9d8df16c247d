"""Processes and their phases."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.searchtext import Searchable, search_index
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import (
    COMPONENTS,
    Component,
    ProcessStatus,
    ProcessType,
    ScopeKind,
)
from participa.territory.models import Colonia, Delegacion

process_delegacion = Table(
    "process_delegacion",
    db.metadata,
    Column("process_id", ForeignKey("process.id", ondelete="CASCADE"), primary_key=True),
    Column("delegacion_id", ForeignKey("delegacion.id"), primary_key=True),
)

process_colonia = Table(
    "process_colonia",
    db.metadata,
    Column("process_id", ForeignKey("process.id", ondelete="CASCADE"), primary_key=True),
    Column("colonia_id", ForeignKey("colonia.id"), primary_key=True),
)


class Process(Searchable, db.Model):
    __table_args__ = (
        CheckConstraint("min_age IS NULL OR min_age >= 0", name="min_age_positive"),
        search_index("process"),
    )
    SEARCH_FIELDS = ("title", "description")

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[ProcessType] = mapped_column(enum_type(ProcessType))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProcessStatus] = mapped_column(
        enum_type(ProcessStatus), default=ProcessStatus.DRAFT, index=True
    )
    scope: Mapped[ScopeKind] = mapped_column(enum_type(ScopeKind), default=ScopeKind.MUNICIPALITY)
    min_age: Mapped[int | None]
    # Votes, answers and supports need a confirmed e-mail or phone (eligibility/standing.py).
    # On for new processes; processes created before the setting existed keep it off.
    require_confirmed_contact: Mapped[bool] = mapped_column(default=True, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    delegaciones: Mapped[list[Delegacion]] = relationship(
        secondary=process_delegacion, order_by="Delegacion.name"
    )
    colonias: Mapped[list[Colonia]] = relationship(
        secondary=process_colonia, order_by="Colonia.name"
    )
    phases: Mapped[list["Phase"]] = relationship(
        back_populates="process", order_by="Phase.starts_on", cascade="all, delete-orphan"
    )

    @property
    def components(self) -> tuple[Component, ...]:
        return COMPONENTS[self.type]

    @property
    def has_questionnaire(self) -> bool:
        return Component.QUESTIONNAIRE in self.components

    def covers(self, colonia: Colonia) -> bool:
        """Tell whether residents of `colonia` are within this process's territorial scope."""
        if self.scope is ScopeKind.MUNICIPALITY:
            return True
        if self.scope is ScopeKind.DELEGACIONES:
            return colonia.delegacion_id in {d.id for d in self.delegaciones}
        return colonia.id in {c.id for c in self.colonias}

    def phase_to_show(self, today: date) -> "Phase | None":
        """The current phase, else the next one, else the last one."""
        current = [p for p in self.phases if p.is_current(today)]
        upcoming = [p for p in self.phases if p.starts_on > today]
        return (current or upcoming or self.phases[-1:] or [None])[0]

    def __repr__(self) -> str:
        return f"<Process {self.id} {self.type} {self.status}>"


class Phase(db.Model):
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(
        ForeignKey("process.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # Staff say which phase publishes the results; the pending results page gives its start
    # date (processes/pending.py). Several may say so: the first one still ahead is used.
    announces_results: Mapped[bool] = mapped_column(default=False, server_default=false())

    process: Mapped[Process] = relationship(back_populates="phases")

    def is_current(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on
