"""Needs and works: create them directly or from a result, edit them, find them."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.budgets.models import PbProject
from participa.budgets.projects import funding as pb_funded
from participa.consultations.models import Option, Question
from participa.core import signals
from participa.core.errors import DomainError
from participa.core.geo import check_coordinates
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import RESULTS_PUBLIC_STATUSES, ProcessType
from participa.proposals import answers as proposal_answers
from participa.proposals.models import Proposal
from participa.territory.models import Colonia, Delegacion
from participa.works.atomic import rolls_back
from participa.works.models import (
    FaisCategory,
    Funding,
    Work,
    WorkKind,
    WorkOrigin,
    WorkStatus,
)

MAX_TITLE, MAX_DESCRIPTION, MAX_DIRECTORATE = 200, 5000, 160
MAX_COST = 10**12
MAX_BENEFICIARIES = 10**8
# Statuses staff set by hand; "priority" comes only from an approved round.
EDITABLE_STATUSES = (
    WorkStatus.CANDIDATE,
    WorkStatus.IN_EXECUTION,
    WorkStatus.DONE,
    WorkStatus.DISCARDED,
)


@dataclass(frozen=True)
class Origin:
    kind: WorkOrigin = WorkOrigin.DIRECT
    process_id: int | None = None
    option_id: int | None = None
    pb_project_id: int | None = None
    proposal_id: int | None = None
    answer: str = ""  # the public answer the proposal receives when it becomes this work


@dataclass(frozen=True)
class WorkData:
    title: str
    description: str
    kind: WorkKind
    zone: str  # "" (municipality), "c<id>" (colonia) or "d<id>" (delegación)
    estimated_cost: int | None
    beneficiaries: int | None
    directorate: str
    funding: Funding
    fais_eligible: bool
    fais_category: FaisCategory | None
    latitude: float | None = None  # the point on the maps: both or neither (core/geo.py)
    longitude: float | None = None


def zone_choices() -> list[tuple[str, str]]:
    """The zones a work can be in, as form choices: municipality, delegaciones, colonias."""
    delegaciones = db.session.execute(db.select(Delegacion).order_by(Delegacion.name)).scalars()
    choices = [("", str(_l("Whole municipality")))]
    for delegacion in delegaciones:
        choices.append((f"d{delegacion.id}", delegacion.name))
        choices += [(f"c{c.id}", f"— {c.name}") for c in delegacion.colonias]
    return choices


def _zone(text: str) -> tuple[int | None, int | None]:
    """(colonia id, delegación id) of a zone choice; DomainError if it names nothing."""
    if not text:
        return None, None
    model = {"c": Colonia, "d": Delegacion}.get(text[:1])
    key = text[1:]
    if model is None or not key.isdecimal() or db.session.get(model, int(key)) is None:
        raise DomainError(_l("Choose a zone from the list."), field="zone")
    return (int(key), None) if model is Colonia else (None, int(key))


def zone_value(work: Work) -> str:
    if work.colonia_id:
        return f"c{work.colonia_id}"
    return f"d{work.delegacion_id}" if work.delegacion_id else ""


def _check(data: WorkData) -> None:
    if not data.title.strip():
        raise DomainError(_l("Give the work a title."), field="title")
    if len(data.title.strip()) > MAX_TITLE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_TITLE), field="title")
    if len(data.description) > MAX_DESCRIPTION:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_DESCRIPTION), field="description")
    if data.estimated_cost is None or not 0 < data.estimated_cost <= MAX_COST:
        raise DomainError(
            _l("Write the estimated cost in whole pesos, more than zero."), field="estimated_cost"
        )
    if data.beneficiaries is None or not 0 <= data.beneficiaries <= MAX_BENEFICIARIES:
        raise DomainError(
            _l("Write how many people benefit, as a whole number."), field="beneficiaries"
        )
    if len(data.directorate.strip()) > MAX_DIRECTORATE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_DIRECTORATE), field="directorate")
    if data.fais_eligible and data.fais_category is None:
        raise DomainError(_l("Choose the FAIS category of the work."), field="fais_category")
    if data.funding is Funding.FAIS and not data.fais_eligible:
        raise DomainError(
            _l("A work funded by the FAIS must be eligible for it."), field="fais_eligible"
        )
    check_coordinates(data.latitude, data.longitude)


def _check_origin(origin: Origin) -> Origin:
    """The origin as stored; DomainError unless it names a published result."""
    if origin.kind is WorkOrigin.CONSULTATION:
        option = db.session.get(Option, origin.option_id) if origin.option_id else None
        question = db.session.get(Question, option.question_id) if option else None
        process = db.session.get(Process, question.process_id) if question else None
        if (
            process is None
            or process.id != origin.process_id
            or process.type is ProcessType.PRESUPUESTO
            or process.status not in RESULTS_PUBLIC_STATUSES
        ):
            raise DomainError(_l("Works come only from published consultation results."))
        return Origin(WorkOrigin.CONSULTATION, process.id, option.id)
    if origin.kind is WorkOrigin.PB_PROJECT:
        project = db.session.get(PbProject, origin.pb_project_id) if origin.pb_project_id else None
        if project is None or not pb_funded(project):
            raise DomainError(_l("Works come only from projects funded by a published result."))
        return Origin(WorkOrigin.PB_PROJECT, project.ballot.process_id, None, project.id)
    if origin.kind is WorkOrigin.PROPOSAL:
        proposal, answer = proposal_answers.convertible(origin.proposal_id, origin.answer)
        return Origin(WorkOrigin.PROPOSAL, proposal_id=proposal.id, answer=answer)
    return Origin()


def _apply(work: Work, data: WorkData) -> None:
    work.colonia_id, work.delegacion_id = _zone(data.zone)
    work.title, work.description = data.title.strip(), data.description.strip()
    work.kind, work.estimated_cost = data.kind, data.estimated_cost
    work.beneficiaries, work.directorate = data.beneficiaries, data.directorate.strip()
    work.funding, work.fais_eligible = data.funding, data.fais_eligible
    work.fais_category = data.fais_category if data.fais_eligible else None
    work.latitude, work.longitude = data.latitude, data.longitude


@rolls_back
def create_work(actor, data: WorkData, origin: Origin, now: datetime) -> Work:
    """Store a new candidate work, linked to the result it comes from, if any."""
    origin = _check_origin(origin)
    _check(data)
    work = Work(created_by_id=actor.id, created_at=now, status=WorkStatus.CANDIDATE)
    _apply(work, data)
    work.source_kind, work.source_process_id = origin.kind, origin.process_id
    work.source_option_id, work.source_pb_project_id = origin.option_id, origin.pb_project_id
    work.source_proposal_id = origin.proposal_id
    db.session.add(work)
    db.session.flush()
    if origin.kind is WorkOrigin.PROPOSAL:
        proposal = db.session.get(Proposal, origin.proposal_id)
        proposal_answers.link_work(actor, proposal, work.id, origin.answer, now)
    record(actor, "works.create", work, title=work.title, origin=origin.kind)
    db.session.commit()
    return work


@rolls_back
def edit_work(actor, work: Work, data: WorkData, status: WorkStatus) -> None:
    """Change a work's data and, by hand, its status (never to or from "priority")."""
    _check(data)
    if status is not work.status and status not in EDITABLE_STATUSES:
        raise DomainError(_l("A work becomes a priority only by the council's approval."))
    if work.status is WorkStatus.PRIORITY and status is WorkStatus.CANDIDATE:
        raise DomainError(
            _l("An approved priority goes on to execution, done or discarded."), field="status"
        )
    before = {"title": work.title, "status": work.status, "cost": work.estimated_cost}
    _apply(work, data)
    work.status = status
    record(actor, "works.edit", work, before=before, title=work.title, status=status)
    if status is not before["status"]:
        signals.work_status_changed.send(work, actor=actor, before=before["status"], after=status)
    db.session.commit()


def prefill(origin: Origin) -> dict:
    """Form values suggested by the result a work comes from (title, cost, zone)."""
    if origin.kind is WorkOrigin.CONSULTATION and origin.option_id:
        option = db.session.get(Option, origin.option_id)
        return {"title": option.label} if option else {}
    if origin.kind is WorkOrigin.PB_PROJECT and origin.pb_project_id:
        project = db.session.get(PbProject, origin.pb_project_id)
        if project is None:
            return {}
        return {
            "title": project.title,
            "description": project.description,
            "estimated_cost": project.cost or project.estimated_cost,
            "zone": f"c{project.colonia_id}" if project.colonia_id else "",
            "latitude": project.latitude,
            "longitude": project.longitude,
        }
    if origin.kind is WorkOrigin.PROPOSAL and origin.proposal_id:
        proposal = db.session.get(Proposal, origin.proposal_id)
        if proposal is None:
            return {}
        return {
            "title": proposal.title,
            "description": proposal.body,
            "zone": f"c{proposal.colonia_id}" if proposal.colonia_id else "",
            "latitude": proposal.latitude,
            "longitude": proposal.longitude,
        }
    return {}


@dataclass(frozen=True)
class WorkFilter:
    zone: str = ""
    status: WorkStatus | None = None
    funding: Funding | None = None
    fais: bool | None = None


def find_works(wanted: WorkFilter) -> list[Work]:
    query = db.select(Work)
    if wanted.zone.startswith("d") and wanted.zone[1:].isdecimal():
        colonias = db.select(Colonia.id).where(Colonia.delegacion_id == int(wanted.zone[1:]))
        query = query.where(
            (Work.delegacion_id == int(wanted.zone[1:])) | Work.colonia_id.in_(colonias)
        )
    elif wanted.zone.startswith("c") and wanted.zone[1:].isdecimal():
        query = query.where(Work.colonia_id == int(wanted.zone[1:]))
    elif wanted.zone == "m":
        query = query.where(Work.colonia_id.is_(None), Work.delegacion_id.is_(None))
    if wanted.status:
        query = query.where(Work.status == wanted.status)
    if wanted.funding:
        query = query.where(Work.funding == wanted.funding)
    if wanted.fais is not None:
        query = query.where(Work.fais_eligible == wanted.fais)
    return list(db.session.execute(query.order_by(Work.id.desc())).scalars())


def work_of_proposal(proposal: Proposal) -> Work | None:
    """The need/work a proposal became, if any (the link back)."""
    query = db.select(Work).where(Work.source_proposal_id == proposal.id)
    return db.session.execute(query).scalar_one_or_none()


def linkable_works() -> list[Work]:
    """Works an oversight subject may follow: approved priorities and what they became."""
    statuses = (WorkStatus.PRIORITY, WorkStatus.IN_EXECUTION, WorkStatus.DONE)
    query = db.select(Work).where(Work.status.in_(statuses)).order_by(Work.title, Work.id)
    return list(db.session.execute(query).scalars())


def works_from(
    process_id: int | None = None, option_id: int | None = None, project_id: int | None = None
) -> list[Work]:
    """The works that came from a consultation option or a PB project (the link back)."""
    query = db.select(Work).order_by(Work.id)
    if project_id is not None:
        query = query.where(Work.source_pb_project_id == project_id)
    elif option_id is not None:
        query = query.where(Work.source_option_id == option_id)
    elif process_id is not None:
        query = query.where(Work.source_process_id == process_id)
    else:
        return []
    return list(db.session.execute(query).scalars())


@dataclass(frozen=True)
class OriginView:
    """What a work's page says about where it came from."""

    kind: WorkOrigin
    process: object | None = None
    option: Option | None = None
    project: PbProject | None = None
    proposal: Proposal | None = None


def describe_origin(work: Work) -> OriginView:
    process = db.session.get(Process, work.source_process_id) if work.source_process_id else None
    option = db.session.get(Option, work.source_option_id) if work.source_option_id else None
    project = (
        db.session.get(PbProject, work.source_pb_project_id) if work.source_pb_project_id else None
    )
    proposal = (
        db.session.get(Proposal, work.source_proposal_id) if work.source_proposal_id else None
    )
    return OriginView(work.source_kind, process, option, project, proposal)
