"""The works and programmes a process watches: staff list them; residents take part on them."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.budgets.models import PbProject, ProjectStatus
from participa.core.errors import DomainError
from participa.extensions import db
from participa.oversight import registry
from participa.oversight.models import Finding, WatchedWork, WorkKind
from participa.processes.models import Process
from participa.processes.types import PUBLIC_STATUSES, ProcessStatus
from participa.tally import age_on
from participa.territory.models import Colonia
from participa.works.services import linkable_works

MAX_NAME, MAX_DESCRIPTION, MAX_AREA = 200, 5000, 160
MAX_BUDGET = 10**12  # a trillion pesos: anything above is a typing mistake


@dataclass(frozen=True)
class WorkData:
    kind: WorkKind
    name: str
    description: str = ""
    colonia_id: int | None = None
    responsible_area: str = ""
    budget: int | None = None
    pb_project_id: int | None = None
    council_work_id: int | None = None  # a priority of the council (works domain)


def works(process: Process) -> list[WatchedWork]:
    query = db.select(WatchedWork).where(WatchedWork.process_id == process.id)
    return list(db.session.execute(query.order_by(WatchedWork.name, WatchedWork.id)).scalars())


def linked_to(council_work_id: int) -> list[WatchedWork]:
    """The subjects, in any process, that follow a council work (works domain)."""
    query = db.select(WatchedWork).where(WatchedWork.work_id == council_work_id)
    return list(db.session.execute(query.order_by(WatchedWork.id)).scalars())


def get_work(process: Process, work_id: int) -> WatchedWork | None:
    work = db.session.get(WatchedWork, work_id)
    return work if work is not None and work.process_id == process.id else None


def pb_project_choices() -> list[PbProject]:
    """PB projects that passed review, which a watched work may follow."""
    query = db.select(PbProject).where(PbProject.status == ProjectStatus.FEASIBLE)
    return list(db.session.execute(query.order_by(PbProject.title)).scalars())


def colonias() -> list[Colonia]:
    return list(db.session.execute(db.select(Colonia).order_by(Colonia.name)).scalars())


def _check(data: WorkData) -> None:
    if not data.name.strip():
        raise DomainError(_l("Give the work or programme a name."), field="name")
    if len(data.name) > MAX_NAME:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_NAME), field="name")
    if len(data.description) > MAX_DESCRIPTION:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_DESCRIPTION), field="description")
    if len(data.responsible_area) > MAX_AREA:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_AREA), field="responsible_area")
    if data.budget is not None and not 0 <= data.budget <= MAX_BUDGET:
        raise DomainError(_l("Write the budget in whole pesos."), field="budget")
    if data.colonia_id is not None and db.session.get(Colonia, data.colonia_id) is None:
        raise DomainError(_l("Choose a colonia from the list."), field="colonia_id")
    if data.pb_project_id is not None and data.pb_project_id not in {
        p.id for p in pb_project_choices()
    }:
        raise DomainError(_l("Choose a project from the list."), field="pb_project_id")
    if data.council_work_id is not None and data.council_work_id not in {
        w.id for w in linkable_works()
    }:
        raise DomainError(_l("Choose a priority from the list."), field="council_work_id")


def _apply(work: WatchedWork, data: WorkData) -> None:
    work.kind, work.name = data.kind, data.name.strip()
    work.description, work.responsible_area = (
        data.description.strip(),
        data.responsible_area.strip(),
    )
    work.colonia_id, work.budget, work.pb_project_id = (
        data.colonia_id,
        data.budget,
        data.pb_project_id,
    )
    work.work_id = data.council_work_id


def _ensure_changeable(process: Process) -> None:
    if process.status is ProcessStatus.ARCHIVED:
        raise DomainError(_l("An archived process cannot change."))


def create_work(actor, process: Process, data: WorkData) -> WatchedWork:
    """Add a work or programme to the process."""
    _ensure_changeable(process)
    _check(data)
    work = WatchedWork(process_id=process.id)
    _apply(work, data)
    db.session.add(work)
    db.session.flush()
    record(actor, "oversight.work.create", work, process=process.id, name=work.name)
    db.session.commit()
    return work


def update_work(actor, work: WatchedWork, data: WorkData) -> None:
    _ensure_changeable(work.process)
    _check(data)
    before = {"name": work.name, "budget": work.budget}
    _apply(work, data)
    record(actor, "oversight.work.update", work, before=before, name=work.name, budget=work.budget)
    db.session.commit()


def _lock_work(work_id: int) -> None:
    """Take the work's row for this transaction, so nothing is filed on it meanwhile.

    PostgreSQL: SELECT ... FOR UPDATE conflicts with the key-share lock a new pledge or
    finding takes on its work. SQLite: a write that changes nothing takes the database's
    write lock now, so the counts read after it are current (as in events.lock_event).
    """
    table = WatchedWork.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.update(table).where(table.c.id == work_id).values(id=table.c.id))
    db.session.execute(sa.select(table.c.id).where(table.c.id == work_id).with_for_update())


def delete_work(actor, work: WatchedWork) -> None:
    """Remove a work nobody has taken part on: no finding, and nothing a domain built on
    oversight keeps it for (registry.keeps_work: a pledge, cancelled or not).

    Findings and pledges go with their work (ON DELETE CASCADE), and cancelled pledges are
    still part of the staff's records, so any of them keeps the work. The check runs in the
    delete's own transaction, after the work's row is locked.
    """
    _ensure_changeable(work.process)
    work_id = work.id
    _lock_work(work_id)
    used = db.session.execute(
        sa.select(sa.or_(sa.exists().where(Finding.work_id == work_id), *registry.keepers(work_id)))
    ).scalar_one()
    if used:
        db.session.rollback()
        raise DomainError(_l("This work already has findings or pledges; it cannot be removed."))
    record(actor, "oversight.work.delete", work, name=work.name)
    db.session.delete(work)
    db.session.commit()


def is_public(process: Process) -> bool:
    return process.status in PUBLIC_STATUSES


def participation_problem(process: Process, user, today: date):
    """Why `user` cannot take part in `process` now (file a finding, pledge), or None."""
    if process.status is not ProcessStatus.OPEN:
        return _l("This process is not open for participation now.")
    if user is None or not user.is_authenticated:
        return _l("Log in to take part.")
    if not user.curp or user.colonia is None:
        return _l("Only residents registered with their CURP and colonia can take part.")
    if not process.covers(user.colonia):
        return _l("This process is for residents of other zones of the municipality.")
    if process.min_age is not None and age_on(user.birth_date, today) < process.min_age:
        return _l("This process is for people aged %(age)s or more.", age=process.min_age)
    return None
