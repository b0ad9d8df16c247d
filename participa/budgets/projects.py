"""PB projects: residents' proposals, the technical review and execution follow-up."""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.budgets.ballots import ballots
from participa.budgets.models import ExecutionStatus, PbBallot, PbProject, ProjectStatus
from participa.core import searchtext
from participa.core.errors import DomainError
from participa.core.geo import check_coordinates
from participa.core.numbers import number
from participa.core.uploads import clean_photo, delete_photo, save_photo
from participa.extensions import db
from participa.processes.services import public_process_ids
from participa.processes.types import ProcessStatus, ProcessType
from participa.territory.models import Colonia

MAX_TITLE, MAX_DESCRIPTION, MAX_CATEGORY, MAX_LOCATION = 200, 5000, 80, 300
MAX_REASON, MAX_NOTE = 2000, 500
PER_PAGE = 30
# Before voting opens the ballot may still change; afterwards every voter must see the same.
BEFORE_VOTING = frozenset({ProcessStatus.DRAFT, ProcessStatus.PUBLISHED})


@dataclass(frozen=True)
class ProjectData:
    title: str
    description: str
    category: str
    estimated_cost: int | None
    colonia_id: int | None = None
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    delegacion_id: int | None = None  # a whole delegación instead of a colonia (staff only)


def parse_pesos(text: str) -> int | None:
    """Whole pesos written as people write them ("$150,000", "150 000.00"); None if not."""
    text = text.strip().replace("$", "").replace(",", "").replace(" ", "").replace("\xa0", "")
    text = text.removesuffix(".00").removesuffix(".0")
    return int(text) if text.isdecimal() else None


def categories(process) -> list[str]:
    query = (
        db.select(PbProject.category)
        .join(PbBallot)
        .where(PbBallot.process_id == process.id, PbProject.category != "")
        .distinct()
    )
    return sorted(db.session.execute(query).scalars(), key=str.casefold)


def open_ballots(process) -> list[PbBallot]:
    """Ballots that take proposals now: the process is announced and the ballot open to them."""
    if process.status is not ProcessStatus.PUBLISHED:
        return []
    return [b for b in ballots(process) if b.proposals_open]


def zone_colonias(process, ballot: PbBallot | None) -> list[Colonia]:
    """The colonias a project of `ballot` (None: any ballot) may be placed in, by name."""
    if ballot is not None and ballot.is_zone:
        return list(ballot.colonias)
    everything = db.session.execute(db.select(Colonia).order_by(Colonia.name)).scalars()
    return [c for c in everything if process.covers(c)]


def whole_delegaciones(colonias: list[Colonia]) -> set[int]:
    """Ids of the delegaciones every colonia of which is in `colonias`: a project may be placed
    in a whole delegación only where the whole delegación votes on its ballot."""
    inside = {c.id for c in colonias}
    delegaciones = {c.delegacion for c in colonias}
    return {d.id for d in delegaciones if all(c.id in inside for c in d.colonias)}


def proposal_problem(ballot: PbBallot, user):
    """Why `user` cannot propose a project for `ballot` now, or None if they can."""
    if ballot.process.status is not ProcessStatus.PUBLISHED or not ballot.proposals_open:
        return _l("This ballot is not taking project proposals now.")
    if not user.curp or user.colonia is None:
        return _l("Only residents registered with their CURP and colonia can propose projects.")
    if not ballot.process.covers(user.colonia):
        return _l("This process is for residents of other zones of the municipality.")
    if ballot.is_zone and user.colonia_id not in {c.id for c in ballot.colonias}:
        return _l("This ballot is for residents of another zone.")
    return None


def _check_text(title: str, description: str, category: str) -> None:
    if not title.strip():
        raise DomainError(_l("Give the project a title."), field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_TITLE), field="title")
    if not description.strip():
        raise DomainError(_l("Describe the project."), field="description")
    if len(description) > MAX_DESCRIPTION:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_DESCRIPTION), field="description")
    if not category.strip():
        raise DomainError(_l("Choose or write a category."), field="category")
    if len(category) > MAX_CATEGORY:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_CATEGORY), field="category")


def check_cost(ballot: PbBallot, cost: int | None, field: str) -> None:
    if cost is None or cost <= 0:
        raise DomainError(_l("Write the cost in whole pesos, more than zero."), field=field)
    if cost > ballot.amount:
        raise DomainError(
            _l(
                "The cost cannot be more than the ballot's amount ($%(n)s).",
                n=number(ballot.amount),
            ),
            field=field,
        )


def _check_place(ballot: PbBallot, data: ProjectData) -> None:
    colonias = zone_colonias(ballot.process, ballot)
    if data.colonia_id is not None and data.colonia_id not in {c.id for c in colonias}:
        raise DomainError(_l("Choose a colonia of this ballot's zone."), field="colonia_id")
    if data.delegacion_id is not None and (
        data.colonia_id is not None or data.delegacion_id not in whole_delegaciones(colonias)
    ):
        raise DomainError(_l("Choose a zone of this ballot from the list."), field="colonia_id")
    if len(data.location) > MAX_LOCATION:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_LOCATION), field="location")
    check_coordinates(data.latitude, data.longitude)  # inside the municipality, as the map


def check_project(ballot: PbBallot, data: ProjectData) -> None:
    """Raise a DomainError on the first field of `data` that breaks the rules."""
    _check_text(data.title, data.description, data.category)
    check_cost(ballot, data.estimated_cost, "estimated_cost")
    _check_place(ballot, data)


def new_project(ballot: PbBallot, data: ProjectData, **fields) -> PbProject:
    values = {k: v.strip() if isinstance(v, str) else v for k, v in data.__dict__.items()}
    return PbProject(ballot_id=ballot.id, **values, **fields)


def propose_project(
    ballot: PbBallot, author, data: ProjectData, photo: bytes | None, folder: Path, now: datetime
) -> PbProject:
    """Store a resident's proposal, waiting for review; its photo is cleaned of metadata."""
    if problem := proposal_problem(ballot, author):
        raise DomainError(problem, field="ballot_id")
    check_project(ballot, data)
    jpeg = clean_photo(photo) if photo else None
    project = new_project(ballot, data, author_id=author.id, created_at=now)
    project.status = ProjectStatus.PROPOSED
    project.photo = save_photo(folder, jpeg) if jpeg else None
    db.session.add(project)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        delete_photo(folder, project.photo)  # no file without its project
        raise
    return project


@dataclass(frozen=True)
class ProjectFilter:
    ballot_id: int | None = None
    category: str = ""
    status: ProjectStatus | None = None
    search: str = ""
    author_id: int | None = None


def public_filter():
    """PB projects anyone may find: every project of a PB process that is not a draft."""
    ballot_ids = db.select(PbBallot.id).where(
        PbBallot.process_id.in_(public_process_ids([ProcessType.PRESUPUESTO]))
    )
    return PbProject.ballot_id.in_(ballot_ids)


def matching(process, wanted: ProjectFilter):
    """The select of the process's projects matching `wanted`, in the list's order."""
    query = db.select(PbProject).join(PbBallot).where(PbBallot.process_id == process.id)
    if wanted.ballot_id:
        query = query.where(PbProject.ballot_id == wanted.ballot_id)
    if wanted.category:
        query = query.where(PbProject.category == wanted.category)
    if wanted.status:
        query = query.where(PbProject.status == wanted.status)
    if words := searchtext.terms(wanted.search):
        query = query.where(searchtext.matching(PbProject.search_text, words))
    if wanted.author_id:
        query = query.where(PbProject.author_id == wanted.author_id)
    return query.order_by(PbProject.id)


def find_projects(process, wanted: ProjectFilter, page: int = 1) -> tuple[list[PbProject], bool]:
    """One page of the process's projects matching `wanted`, and whether more follow."""
    query = matching(process, wanted)
    query = query.options(selectinload(PbProject.ballot).selectinload(PbBallot.outcome))
    query = query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)
    found = list(db.session.execute(query).scalars())
    return found[:PER_PAGE], len(found) > PER_PAGE


def has_photo(process, name: str) -> bool:
    """Whether a project of `process` shows the photo stored as `name`."""
    query = db.select(PbProject.id).join(PbBallot)
    query = query.where(PbBallot.process_id == process.id, PbProject.photo == name)
    return db.session.execute(query).first() is not None


def funding(project: PbProject) -> bool | None:
    """Whether the published result funds `project`; None while the result is not public."""
    outcome = project.ballot.outcome
    if outcome is None or not outcome.published or project.status is not ProjectStatus.FEASIBLE:
        return None
    return project.id in json.loads(outcome.winners)


def ensure_before_voting(project: PbProject) -> None:
    if project.ballot.process.status not in BEFORE_VOTING:
        raise DomainError(_l("Projects cannot change once voting has opened."))


@dataclass(frozen=True)
class Review:
    feasible: bool
    cost: int | None
    reason: str


def review_project(actor, project: PbProject, review: Review, now: datetime) -> None:
    """Record the technical review: feasible projects go on the ballot at the reviewed cost."""
    ensure_before_voting(project)
    reason = review.reason.strip()
    if not reason:
        raise DomainError(
            _l("Write the reason for the decision; the public reads it."), field="reason"
        )
    if len(reason) > MAX_REASON:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_REASON), field="reason")
    if review.feasible:
        check_cost(project.ballot, review.cost, "cost")
    elif review.cost is not None and review.cost <= 0:
        raise DomainError(_l("Write the cost in whole pesos, more than zero."), field="cost")
    project.status = ProjectStatus.FEASIBLE if review.feasible else ProjectStatus.UNFEASIBLE
    project.cost, project.review_reason, project.reviewed_at = review.cost, reason, now
    record(
        actor, "pb.project.review", project, status=project.status, cost=project.cost, reason=reason
    )
    db.session.commit()


@dataclass(frozen=True)
class Execution:
    status: ExecutionStatus
    progress: int
    note: str


def update_execution(actor, project: PbProject, execution: Execution) -> None:
    """Record how a funded project's work goes."""
    if not funding(project):
        raise DomainError(_l("Only projects funded by the published result have an execution."))
    if not 0 <= execution.progress <= 100:
        raise DomainError(_l("Progress goes from 0 to 100 %."), field="progress")
    if execution.status is ExecutionStatus.DONE and execution.progress != 100:
        raise DomainError(_l("A finished project has 100 % progress."), field="progress")
    if len(execution.note) > MAX_NOTE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_NOTE), field="execution_note")
    project.execution_status, project.progress = execution.status, execution.progress
    project.execution_note = execution.note.strip()
    record(
        actor,
        "pb.project.execution",
        project,
        status=execution.status,
        progress=execution.progress,
        note=project.execution_note,
    )
    db.session.commit()
