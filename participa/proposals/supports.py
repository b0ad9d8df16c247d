"""Supports (firmas): who may sign, the threshold, and one signature per person.

The unique (proposal, user) constraint decides between concurrent attempts of one person.
The count lives on the proposal and is raised by an UPDATE in the same transaction, which
also locks the row, so two supporters cannot both see the count just under the threshold;
the move to evaluation is a conditional UPDATE, so its notice is created exactly once.
"""

import math
from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from participa.core import signals
from participa.core.errors import DomainError
from participa.eligibility.rules import participation_problem
from participa.eligibility.standing import contact_problem
from participa.extensions import db
from participa.processes.types import Component, ProcessStatus
from participa.proposals.models import Proposal, ProposalStatus, Support, ThresholdKind
from participa.proposals.services import proposal_link, settings_for, zone_colonias
from participa.tally import age_on

ALREADY_SUPPORTED = _l("You have already supported this proposal. Thank you.")


class AlreadySupported(DomainError):
    pass


def threshold_base(process, kind: ThresholdKind) -> int:
    """The population a percentage threshold is taken of: the colonias of the scope.

    An imported roll (padrón) will be another base here, counted from its rows.
    """
    return sum(colonia.population for colonia in zone_colonias(process))


def threshold(process) -> int:
    """How many supports move a proposal of `process` to evaluation (at least 1)."""
    settings = settings_for(process)
    if settings.threshold_kind is ThresholdKind.NUMBER:
        return settings.threshold_number
    base = threshold_base(process, settings.threshold_kind)
    return max(1, math.ceil(Decimal(base) * Decimal(settings.threshold_percent) / 100))


def collects_supports(process) -> bool:
    return Component.SUPPORTS in process.components


def has_supported(proposal: Proposal, user) -> bool:
    query = db.select(Support.id).where(
        Support.proposal_id == proposal.id, Support.user_id == user.id
    )
    return db.session.execute(query).first() is not None


def collecting_problem(proposal: Proposal, today: date):
    process = proposal.process
    if not collects_supports(process):
        return _l("This process does not collect supports.")
    if process.status is not ProcessStatus.OPEN:
        return _l("Supports are collected only while the process is open.")
    if proposal.status is not ProposalStatus.PUBLISHED or not proposal.is_visible:
        return _l("This proposal is not collecting supports.")
    deadline = settings_for(process).support_deadline
    if deadline is not None and today > deadline:
        return _l(
            "The time to support proposals ended on %(day)s.", day=format_date(deadline, "long")
        )
    return None


def support_problem(proposal: Proposal, user, today: date):
    """Why `user` cannot support `proposal` now, or None if they can."""
    if problem := collecting_problem(proposal, today):
        return problem
    process = proposal.process
    if user.role.value != "citizen":
        return _l("Only residents can support proposals; staff and council accounts cannot.")
    if not user.curp or user.colonia is None:
        return _l("Only residents registered with their CURP and colonia can support proposals.")
    if problem := contact_problem(process, user, _l("Confirm your e-mail or phone to support.")):
        return problem
    if not process.covers(user.colonia):
        return _l("This process is for residents of other zones of the municipality.")
    if problem := participation_problem(process, user):
        return problem
    if process.min_age is not None and age_on(user.birth_date, today) < process.min_age:
        return _l("Supports are for people aged %(age)s or more.", age=process.min_age)
    if has_supported(proposal, user):
        return ALREADY_SUPPORTED
    return None


def support(proposal: Proposal, user, *, now: datetime, today: date) -> bool:
    """Add `user`'s support; return whether it made the proposal reach its threshold."""
    if problem := support_problem(proposal, user, today):
        raise AlreadySupported(problem) if problem is ALREADY_SUPPORTED else DomainError(problem)
    needed = threshold(proposal.process)
    proposal_id, title, link = proposal.id, proposal.title, proposal_link(proposal)
    try:
        db.session.add(Support(proposal_id=proposal_id, user_id=user.id, created_at=now))
        db.session.flush()
        counted = db.session.execute(
            update(Proposal)
            .where(Proposal.id == proposal_id, Proposal.status == ProposalStatus.PUBLISHED)
            .values(support_count=Proposal.support_count + 1)
            .execution_options(synchronize_session=False)
        )
        if counted.rowcount != 1:  # it reached its threshold or was answered meanwhile
            db.session.rollback()
            raise DomainError(_l("This proposal is not collecting supports."))
        count = db.session.execute(
            db.select(Proposal.support_count).where(Proposal.id == proposal_id)
        ).scalar_one()
        reached = False
        if count >= needed:
            moved = db.session.execute(
                update(Proposal)
                .where(Proposal.id == proposal_id, Proposal.status == ProposalStatus.PUBLISHED)
                .values(status=ProposalStatus.EVALUATION)
                .execution_options(synchronize_session=False)
            )
            reached = moved.rowcount == 1
            if reached:
                signals.proposal_threshold_reached.send(proposal, title=title, link=link, now=now)
        db.session.commit()
    except IntegrityError as error:  # a concurrent attempt of the same person won the race
        db.session.rollback()
        raise AlreadySupported(ALREADY_SUPPORTED) from error
    db.session.expire_all()
    return reached
