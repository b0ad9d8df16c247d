"""Ballot rules of a PB process: configuration by staff, and who may vote in which ballot."""

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, exists, or_
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.budgets import counts
from participa.budgets.models import (
    BallotRule,
    CountingRule,
    GreedyVariant,
    MesCompletion,
    PbBallot,
    PbParticipation,
    pb_ballot_colonia,
)
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.eligibility.participants import voter_key
from participa.eligibility.standing import Wording, climb, place_columns, place_from
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.territory.models import Colonia


@dataclass(frozen=True)
class BallotData:
    name: str
    amount: int
    rule: BallotRule = BallotRule.APPROVAL
    min_choices: int = 1
    max_choices: int | None = None
    min_share_percent: int = 0
    points: int | None = None
    proposals_open: bool = False
    colonia_ids: tuple[int, ...] = field(default=())
    counting_rule: CountingRule = CountingRule.GREEDY
    greedy_variant: GreedyVariant = GreedyVariant.PLAIN
    greedy_threshold: int = 0
    mes_completion: MesCompletion = MesCompletion.ADD1
    mes_exhaustive_stop: bool = False
    mes_comparison: bool = False


# What can change once voting has opened: only how the result is counted.
COUNTING_FIELDS = (
    "counting_rule",
    "greedy_variant",
    "greedy_threshold",
    "mes_completion",
    "mes_exhaustive_stop",
    "mes_comparison",
)


def ballots(process) -> list[PbBallot]:
    query = (
        db.select(PbBallot)
        .where(PbBallot.process_id == process.id)
        .options(selectinload(PbBallot.colonias), selectinload(PbBallot.projects))
        .order_by(PbBallot.id)
    )
    return list(db.session.execute(query).scalars())


def _check(data: BallotData) -> None:
    if data.amount <= 0:
        raise DomainError(_l("The amount must be more than zero pesos."), field="amount")
    if data.rule is BallotRule.APPROVAL and data.max_choices is None:
        raise DomainError(_l("Say how many projects a person may choose."), field="max_choices")
    if data.max_choices is not None and data.min_choices > data.max_choices:
        raise DomainError(_l("The minimum cannot be more than the maximum."), field="min_choices")
    if data.rule is BallotRule.CUMULATIVE and not data.points:
        raise DomainError(_l("Say how many points each person distributes."), field="points")
    if data.rule is BallotRule.RANKING and not data.max_choices:
        raise DomainError(_l("Say how many projects a person ranks."), field="max_choices")
    if not 0 <= data.min_share_percent <= 100:
        raise DomainError(_l("The share must be between 0 and 100 %."), field="min_share_percent")


def _apply(ballot: PbBallot, data: BallotData, *, voting_started: bool) -> None:
    names = COUNTING_FIELDS if voting_started else tuple(BallotData.__dataclass_fields__)
    for name in names:
        if name != "colonia_ids":
            setattr(ballot, name, getattr(data, name))
    if not voting_started:
        query = db.select(Colonia).where(Colonia.id.in_(data.colonia_ids))
        ballot.colonias = list(db.session.execute(query).scalars())


def save_ballot(actor, process, ballot: PbBallot | None, data: BallotData) -> PbBallot:
    """Create or change a ballot; once voting opens only the counting settings may change."""
    if process.type is not ProcessType.PRESUPUESTO:
        raise DomainError(_l("Only participatory-budgeting processes have ballots."))
    if process.status is ProcessStatus.ARCHIVED:
        raise DomainError(_l("An archived process cannot change."))
    _check(data)
    voting_started = process.status not in (ProcessStatus.DRAFT, ProcessStatus.PUBLISHED)
    if ballot is None and voting_started:
        raise DomainError(_l("Ballots cannot be added once voting has opened."))
    ballot = ballot or PbBallot(process_id=process.id)
    _apply(ballot, data, voting_started=voting_started)
    db.session.add(ballot)
    db.session.flush()
    record(
        actor,
        "pb.ballot.save",
        process,
        ballot=ballot.id,
        name=ballot.name,
        amount=ballot.amount,
        rule=ballot.rule,
        counting=ballot.counting_rule,
    )
    db.session.commit()
    if process.status is ProcessStatus.CLOSED:  # the stored count follows the settings
        # After the commit: its fingerprint may fold waiting votes on a connection of its
        # own, which on SQLite would wait for this transaction's write lock.
        counts.recount_if_changed(ballot, utcnow())
        db.session.commit()
    return ballot


def readiness_problems(process, opening: bool) -> list:
    """What keeps a PB process from being announced (a ballot) or opening its vote (projects)."""
    found = ballots(process)
    if not found:
        return [_l("Add at least one ballot with its amount.")]
    if not opening:
        return []
    return [
        # gettext, not lazy: a lazy string renders as safe HTML, and the name is staff input.
        gettext("The ballot “%(name)s” has no feasible project yet.", name=b.name)
        for b in found
        if not any(p.status.value == "feasible" for p in b.projects)
    ]


def has_voted(ballot: PbBallot, person) -> bool:
    """Tell whether `person` (a User or a Voter) voted in `ballot` on any channel."""
    query = db.select(PbParticipation.id).where(
        PbParticipation.ballot_id == ballot.id,
        PbParticipation.voter_key == voter_key(person, ballot.process),
    )
    return db.session.execute(query).first() is not None


WORDING = Wording(
    not_open=_l("Voting is not open."),
    unidentified=_l("Only residents registered with their CURP and colonia can vote."),
    out_of_scope=_l("This vote is for residents of other zones of the municipality."),
    too_young=lambda age: _l("This vote is for people aged %(age)s or more.", age=age),
    unconfirmed=_l("Confirm your e-mail or phone to vote."),
)
ALREADY_VOTED = _l("You have already voted in this ballot. Thank you for taking part.")


OTHER_ZONE = _l("This ballot is for residents of another zone.")


def standing_columns(colonia_id: int | None) -> tuple:
    """What the ladder and the zone rung read, as columns of a statement reading the ballot
    and its process: `place_columns` and whether the ballot is for `colonia_id`'s zone."""
    zoned = exists().where(pb_ballot_colonia.c.ballot_id == PbBallot.id)
    in_zone = exists().where(
        pb_ballot_colonia.c.ballot_id == PbBallot.id, pb_ballot_colonia.c.colonia_id == colonia_id
    )
    return (*place_columns(colonia_id), or_(~zoned, in_zone).label("in_zone"))


@cache
def _standing_query():
    return (
        db.select(*standing_columns(bindparam("colonia_id", type_=Integer)))
        .select_from(PbBallot)
        .join(Process, Process.id == PbBallot.process_id)
        .where(PbBallot.id == bindparam("ballot_id"))
    )


def standing_from(ballot: PbBallot, process, person, row, today: date):
    """(problem, voter) of `person` in `ballot`, from a row read with `standing_columns`."""
    problem, voter = climb(process, person, place_from(process, row), today, WORDING)
    if problem is None and not row.in_zone:
        problem = OTHER_ZONE
    return problem, voter


def voting_problem(ballot: PbBallot, person, today: date):
    """Why `person` (a User or a looked-up Voter) cannot vote in `ballot` now, or None."""
    process = ballot.process
    if process.status is not ProcessStatus.OPEN:
        return WORDING.not_open
    keys = {"colonia_id": person.colonia_id, "ballot_id": ballot.id}
    row = db.session.execute(_standing_query(), keys).one()
    problem, voter = standing_from(ballot, process, person, row, today)
    if problem is None and has_voted(ballot, voter):
        return ALREADY_VOTED
    return problem


def ballots_for(process, user, today: date) -> list[tuple[PbBallot, object]]:
    """Each ballot with why `user` (None: anonymous) cannot vote in it, None when they can."""
    if user is None:
        return [(b, _l("Log in to vote.")) for b in ballots(process)]
    return [(b, voting_problem(b, user, today)) for b in ballots(process)]
