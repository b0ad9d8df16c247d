"""Process rules: creation, editing, phases and the status lifecycle."""

from dataclasses import dataclass, field
from datetime import date

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.core import signals
from participa.core.errors import DomainError
from participa.extensions import db
from participa.processes import components
from participa.processes.models import Phase, Process
from participa.processes.types import (
    PUBLIC_STATUSES,
    TRANSITIONS,
    ProcessStatus,
    ProcessType,
    ScopeKind,
)
from participa.territory.models import Colonia, Delegacion

EDITABLE_STATUSES = frozenset({ProcessStatus.DRAFT, ProcessStatus.PUBLISHED})


@dataclass(frozen=True)
class ProcessData:
    type: ProcessType
    title: str
    description: str = ""
    scope: ScopeKind = ScopeKind.MUNICIPALITY
    delegacion_ids: tuple[int, ...] = field(default=())
    colonia_ids: tuple[int, ...] = field(default=())
    min_age: int | None = None
    require_confirmed_contact: bool = True


def _snapshot(process: Process) -> dict:
    return {
        "type": process.type,
        "title": process.title,
        "description": process.description,
        "scope": process.scope,
        "min_age": process.min_age,
        "require_confirmed_contact": process.require_confirmed_contact,
        "delegaciones": sorted(d.id for d in process.delegaciones),
        "colonias": sorted(c.id for c in process.colonias),
    }


def _apply(process: Process, data: ProcessData) -> dict:
    """Check `data`, then change `process`; return what changed as {field: [before, after]}."""
    if data.scope is ScopeKind.DELEGACIONES and not data.delegacion_ids:
        raise DomainError(_l("Choose at least one delegación."), field="delegacion_ids")
    if data.scope is ScopeKind.COLONIAS and not data.colonia_ids:
        raise DomainError(_l("Choose at least one colonia."), field="colonia_ids")
    type_frozen = process.id is not None and process.status is not ProcessStatus.DRAFT
    if type_frozen and data.type is not process.type:
        raise DomainError(
            _l("The mechanism can only change while the process is a draft."), field="type"
        )
    delegaciones = _by_ids(Delegacion, data.delegacion_ids, data.scope, ScopeKind.DELEGACIONES)
    colonias = _by_ids(Colonia, data.colonia_ids, data.scope, ScopeKind.COLONIAS)
    before = _snapshot(process) if process.id is not None else {}
    process.type, process.title = data.type, data.title.strip()
    process.description = data.description.replace("\r\n", "\n").strip()
    process.scope, process.min_age = data.scope, data.min_age
    process.require_confirmed_contact = data.require_confirmed_contact
    process.delegaciones, process.colonias = delegaciones, colonias
    after = _snapshot(process)
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _by_ids(model, ids, scope: ScopeKind, wanted: ScopeKind) -> list:
    if scope is not wanted:
        return []
    found = list(db.session.execute(db.select(model).where(model.id.in_(ids))).scalars())
    if len(found) != len(set(ids)):
        raise DomainError(_l("One of the chosen zones no longer exists."))
    return found


def create_process(actor, data: ProcessData) -> Process:
    """Create a process in draft."""
    process = Process(created_by_id=actor.id)
    changes = _apply(process, data)
    db.session.add(process)
    db.session.flush()
    record(actor, "process.create", process, **changes)
    signals.process_created.send(process, actor=actor)
    db.session.commit()
    return process


def update_process(actor, process: Process, data: ProcessData) -> None:
    """Change a process's settings; only before participation opens."""
    if process.status not in EDITABLE_STATUSES:
        raise DomainError(_l("A process can only be edited before participation opens."))
    changes = _apply(process, data)
    record(actor, "process.update", process, changes=changes)
    db.session.commit()


@dataclass(frozen=True)
class PhaseData:
    name: str
    starts_on: date
    ends_on: date
    description: str = ""
    announces_results: bool = False


def _check_not_archived(process: Process) -> None:
    if process.status is ProcessStatus.ARCHIVED:
        raise DomainError(_l("An archived process cannot change."))


def _check_phase(process: Process, data: PhaseData) -> None:
    """The rules a phase's values follow, on adding and on editing."""
    _check_not_archived(process)
    if data.ends_on < data.starts_on:
        raise DomainError(_l("A phase cannot end before it starts."), field="ends_on")


def _phase_snapshot(phase: Phase) -> dict:
    return {
        "name": phase.name,
        "starts": phase.starts_on,
        "ends": phase.ends_on,
        "description": phase.description,
        "announces_results": phase.announces_results,
    }


def add_phase(
    actor,
    process: Process,
    name: str,
    starts_on: date,
    ends_on: date,
    description="",
    announces_results=False,
):
    """Add a phase; phases can be adjusted until the process is archived (deadlines move).

    `announces_results`: the results are published in this phase (processes/pending.py)."""
    data = PhaseData(name, starts_on, ends_on, description, announces_results)
    _check_phase(process, data)
    phase = Phase(
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        announces_results=announces_results,
    )
    process.phases.append(phase)
    db.session.flush()
    record(
        actor,
        "phase.add",
        process,
        phase=phase.name,
        starts=starts_on,
        ends=ends_on,
        announces_results=announces_results,
    )
    db.session.commit()
    return phase


def edit_phase(actor, phase: Phase, data: PhaseData) -> None:
    """Change a phase's name, dates, description or results mark, by the rules of `add_phase`.

    The audit event holds what changed as {field: [before, after]}; saving the same values
    writes nothing."""
    _check_phase(phase.process, data)
    before = _phase_snapshot(phase)
    phase.name, phase.description = data.name.strip(), data.description
    phase.starts_on, phase.ends_on = data.starts_on, data.ends_on
    phase.announces_results = data.announces_results
    after = _phase_snapshot(phase)
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if not changes:
        return
    record(actor, "phase.edit", phase.process, phase=phase.name, changes=changes)
    db.session.commit()


def delete_phase(actor, phase: Phase) -> None:
    _check_not_archived(phase.process)
    record(actor, "phase.delete", phase.process, phase=phase.name)
    db.session.delete(phase)
    db.session.commit()


def readiness_problems(process: Process, target: ProcessStatus | None = None) -> list:
    """What must be fixed before the process may move to `target` (default: the next step).

    Each component says what it needs (processes/components.py); processes knows none of them.
    """
    target = target or next(iter(TRANSITIONS[process.status]), process.status)
    return components.readiness_problems(process, target)


def change_status(actor, process: Process, target: ProcessStatus) -> None:
    """Move the process along its lifecycle, refusing skipped or backward steps.

    The components' status work runs in this transaction; then `process_status_changed`, and
    `voting_opened` or `results_published`, are announced before the one commit.
    """
    if target not in TRANSITIONS[process.status]:
        raise DomainError(_l("That change of status is not possible now."))
    if problems := readiness_problems(process, target):
        raise DomainError(problems[0])
    before = process.status
    process.status = target
    components.status_changed(actor, process, before)
    record(actor, "process.status", process, before=before, after=target)
    signals.process_status_changed.send(process, actor=actor, before=before, after=target)
    if target is ProcessStatus.OPEN:
        signals.voting_opened.send(process, actor=actor)
    if target is ProcessStatus.RESULTS_PUBLISHED:
        signals.results_published.send(process, actor=actor)
    db.session.commit()


def public_process_ids(types=None):
    """A subquery of the ids of processes the public sees (of `types` when given)."""
    query = db.select(Process.id).where(Process.status.in_(PUBLIC_STATUSES))
    return query if types is None else query.where(Process.type.in_(types))


def public_processes(statuses=PUBLIC_STATUSES, limit: int | None = None) -> list[Process]:
    """Processes residents can see, the most recent first (at most `limit`)."""
    query = (
        db.select(Process)
        .where(Process.status.in_(statuses))
        .options(selectinload(Process.phases))
        .order_by(Process.created_at.desc(), Process.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


def all_processes() -> list[Process]:
    query = db.select(Process).order_by(Process.created_at.desc())
    return list(db.session.execute(query).scalars())


def get_process(process_id: int, *, public: bool = False) -> Process:
    """Load a process or 404; `public` pages treat drafts as missing (staff use /gestion)."""
    process = db.session.get(Process, process_id)
    if process is None or (public and process.status not in PUBLIC_STATUSES):
        abort(404)
    return process


def is_public(process: Process) -> bool:
    """Tell whether public pages show `process` (drafts are missing, as for `get_process`)."""
    return process.status in PUBLIC_STATUSES
