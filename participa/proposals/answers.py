"""Staff decisions on proposals: approval, official answers, conversion into PB projects/works."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.budgets import projects as pb_projects
from participa.budgets.models import PbBallot, ProjectStatus
from participa.core import signals
from participa.core.errors import DomainError
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessType
from participa.proposals.models import Proposal, ProposalAnswer, ProposalStatus

MAX_ANSWER = 5000
ANSWER_STATUSES = (ProposalStatus.EVALUATION, ProposalStatus.ACCEPTED, ProposalStatus.REJECTED)


def approve(actor, proposal: Proposal) -> None:
    """Publish a proposal that was waiting for moderation."""
    if proposal.status is not ProposalStatus.PENDING:
        raise DomainError(_l("This proposal is not waiting for approval."))
    proposal.status = ProposalStatus.PUBLISHED
    record(actor, "proposals.approve", proposal, title=proposal.title)
    db.session.commit()


def _check_text(text: str, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_l("Write the answer; the public reads it."), field=field)
    if len(text) > MAX_ANSWER:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_ANSWER), field=field)
    return text


def answer(actor, proposal: Proposal, status: ProposalStatus, text: str, now: datetime) -> None:
    """Give the official answer: a status and a public text; earlier answers stay as history."""
    if status not in ANSWER_STATUSES:
        raise DomainError(_l("Choose a status from the list."), field="status")
    if proposal.status is ProposalStatus.CONVERTED:
        raise DomainError(_l("This proposal was already converted; its answer is final."))
    text = _check_text(text)
    before = proposal.status
    proposal.status = status
    proposal.answers.append(
        ProposalAnswer(status=status, text=text, author_id=actor.id, created_at=now)
    )
    record(actor, "proposals.answer", proposal, before=before, status=status, text=text)
    signals.proposal_answered.send(proposal, actor=actor, answer=proposal.answers[-1], now=now)
    db.session.commit()


def target_ballots() -> list[PbBallot]:
    """Ballots of PB processes that may still receive projects (before voting opens)."""
    query = (
        db.select(PbBallot)
        .join(Process)
        .where(
            Process.type == ProcessType.PRESUPUESTO,
            Process.status.in_(pb_projects.BEFORE_VOTING),
        )
        .order_by(Process.id.desc(), PbBallot.id)
    )
    return list(db.session.execute(query).scalars())


@dataclass(frozen=True)
class Conversion:
    ballot_id: int | None
    estimated_cost: int | None
    text: str


def convert_to_pb(actor, proposal: Proposal, conversion: Conversion, now: datetime):
    """Turn an accepted proposal into a PB project waiting for review; link both ways."""
    if proposal.status is not ProposalStatus.ACCEPTED:
        raise DomainError(_l("Only accepted proposals can be converted."))
    ballot = next((b for b in target_ballots() if b.id == conversion.ballot_id), None)
    if ballot is None:
        raise DomainError(_l("Choose a ballot of a budget that is not voting yet."), "ballot_id")
    text = _check_text(conversion.text)
    allowed = {c.id for c in pb_projects.zone_colonias(ballot.process, ballot)}
    data = pb_projects.ProjectData(
        title=proposal.title,
        description=proposal.body,
        category=proposal.category,
        estimated_cost=conversion.estimated_cost,
        colonia_id=proposal.colonia_id if proposal.colonia_id in allowed else None,
        location=proposal.location,
        latitude=proposal.latitude,
        longitude=proposal.longitude,
    )
    pb_projects.check_project(ballot, data)
    project = pb_projects.new_project(
        ballot, data, author_id=proposal.author_id, created_at=now, status=ProjectStatus.PROPOSED
    )
    db.session.add(project)
    db.session.flush()
    proposal.pb_project_id, proposal.status = project.id, ProposalStatus.CONVERTED
    proposal.answers.append(
        ProposalAnswer(
            status=ProposalStatus.CONVERTED, text=text, author_id=actor.id, created_at=now
        )
    )
    record(actor, "proposals.convert", proposal, pb_project=project.id, ballot=ballot.id, text=text)
    signals.proposal_converted.send(proposal, actor=actor, now=now)
    db.session.commit()
    return project


def convertible(proposal_id: int | None, text: str) -> tuple[Proposal, str]:
    """The accepted proposal a need/work may come from, and its checked public answer."""
    proposal = db.session.get(Proposal, proposal_id) if proposal_id else None
    if proposal is None or proposal.status is not ProposalStatus.ACCEPTED:
        raise DomainError(_l("Only accepted proposals can be converted."))
    return proposal, _check_text(text, field="answer")


def link_work(actor, proposal: Proposal, work_id: int, text: str, now: datetime) -> None:
    """Second conversion path: the proposal became council need/work `work_id`.

    Called by `works.services.create_work` inside its transaction (it commits); works keeps
    the link (`Work.source_proposal_id`), so proposals never imports works."""
    proposal.status = ProposalStatus.CONVERTED
    proposal.answers.append(
        ProposalAnswer(
            status=ProposalStatus.CONVERTED, text=text, author_id=actor.id, created_at=now
        )
    )
    record(actor, "proposals.convert", proposal, work=work_id, text=text)
    signals.proposal_converted.send(proposal, actor=actor, now=now)
