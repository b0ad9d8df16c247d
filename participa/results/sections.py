"""The council dashboard's sections per mechanism: consultations, PB, proposals, events.

Votes, answers and winners are always the whole count; only who took part follows the
demographic filters (see period.py).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import String, and_, cast, func

from participa.aggregates.reads import ballot_support, people_per_process
from participa.auth.models import User
from participa.budgets.models import PbBallot, PbParticipation, PbProject
from participa.budgets.outcomes import winners_of
from participa.events.models import Attendance, Event, Registration, RegistrationStatus
from participa.extensions import db
from participa.moderation.models import Visibility
from participa.processes.models import Process
from participa.processes.types import RESULTS_PUBLIC_STATUSES, Component
from participa.proposals.models import Proposal, ProposalStatus
from participa.proposals.supports import collects_supports, threshold
from participa.results.period import (
    Filters,
    Heard,
    age_band_of_birth,
    narrowed,
    period_processes,
    who_was_heard,
    zone_ids,
)


def turnout_by_process(processes, filters: Filters) -> dict[int, int]:
    """How many took part in each consultation, after the demographic filters."""
    zones = zone_ids(filters)
    return people_per_process(
        [p.id for p in processes], lambda keys: narrowed(keys, filters, zones)
    )


@dataclass(frozen=True)
class BallotLine:
    ballot: PbBallot
    votes: int  # every ballot cast: not narrowed by filters (votes carry no snapshot)
    voters: int  # participation records after the demographic filters
    winners: list  # PbProject of a published outcome, in funding order
    published: bool


def pb_lines(processes, filters: Filters) -> list[BallotLine]:
    """Per ballot of the period's PB processes: votes cast, filtered voters and winners."""
    ids = [p.id for p in processes]
    ballots = list(
        db.session.execute(
            db.select(PbBallot)
            .where(PbBallot.process_id.in_(ids))
            .order_by(PbBallot.process_id, PbBallot.id)
        ).scalars()
    )
    ballot_ids = [b.id for b in ballots]
    votes = {b.id: ballot_support(b.id).ballots for b in ballots}
    keys = (PbParticipation.colonia_id, PbParticipation.age_band, PbParticipation.sex)
    voters = dict(
        db.session.execute(
            db.select(PbParticipation.ballot_id, func.count())
            .where(
                PbParticipation.ballot_id.in_(ballot_ids),
                *narrowed(keys, filters, zone_ids(filters)),
            )
            .group_by(PbParticipation.ballot_id)
        ).all()
    )
    published = {
        b.id: winners_of(b.outcome)
        for b in ballots
        if b.outcome is not None
        and b.outcome.published
        and b.process.status in RESULTS_PUBLIC_STATUSES
    }
    wanted = sorted({w for ws in published.values() for w in ws})
    projects = {
        p.id: p
        for p in db.session.execute(db.select(PbProject).where(PbProject.id.in_(wanted))).scalars()
    }
    return [
        BallotLine(
            b,
            votes.get(b.id, 0),
            voters.get(b.id, 0),
            [projects[w] for w in published.get(b.id, ()) if w in projects],
            b.id in published,
        )
        for b in ballots
    ]


@dataclass(frozen=True)
class ProposalsLine:
    process: Process
    by_status: dict  # ProposalStatus -> proposals
    top: list  # the most supported public proposals
    needed: int | None  # supports a proposal needs, None without supports
    reached: int  # proposals at or over the threshold


def proposal_lines(processes, top: int = 3) -> list[ProposalsLine]:
    """Per proposals process: counts by status, the most supported, threshold reached."""
    ids = [p.id for p in processes]
    grouped = db.session.execute(
        db.select(Proposal.process_id, Proposal.status, func.count())
        .where(Proposal.process_id.in_(ids))
        .group_by(Proposal.process_id, Proposal.status)
    ).all()
    by_process: dict = defaultdict(dict)
    for process_id, status, n in grouped:
        by_process[process_id][status] = n
    lines = []
    for process in processes:
        if process.id not in by_process:
            continue
        public = and_(
            Proposal.process_id == process.id,
            Proposal.status != ProposalStatus.PENDING,
            Proposal.visibility == Visibility.VISIBLE,
        )
        best = list(
            db.session.execute(
                db.select(Proposal)
                .where(public)
                .order_by(Proposal.support_count.desc(), Proposal.id)
                .limit(top)
            ).scalars()
        )
        needed = threshold(process) if collects_supports(process) else None
        reached = 0
        if needed is not None:
            reached = db.session.execute(
                db.select(func.count()).where(public, Proposal.support_count >= needed)
            ).scalar_one()
        statuses = {s: by_process[process.id].get(s, 0) for s in ProposalStatus}
        lines.append(ProposalsLine(process, statuses, best, needed, reached))
    return lines


@dataclass(frozen=True)
class EventLine:
    event: Event
    registered: int  # confirmed registrations, after the demographic filters
    attended: int  # attendance records, after the demographic filters
    walk_ins: int  # of them, people who came without registering


def event_lines(processes, filters: Filters, today: date) -> list[EventLine]:
    """Per event of the period: registrations against attendance, and walk-ins."""
    ids = [p.id for p in processes]
    events = list(
        db.session.execute(
            db.select(Event).where(Event.process_id.in_(ids)).order_by(Event.starts_at, Event.id)
        ).scalars()
    )
    event_ids = [e.id for e in events]
    zones = zone_ids(filters)
    keys = (Attendance.colonia_id, Attendance.age_band, Attendance.sex)
    attended: dict = {}
    for event_id, walk_in, n in db.session.execute(
        db.select(Attendance.event_id, Attendance.walk_in, func.count())
        .where(Attendance.event_id.in_(event_ids), *narrowed(keys, filters, zones))
        .group_by(Attendance.event_id, Attendance.walk_in)
    ):
        attended[(event_id, bool(walk_in))] = n
    registered_people = (
        db.select(
            Registration.event_id,
            User.colonia_id,
            age_band_of_birth(User.birth_date, today).label("age_band"),
            cast(User.sex, String(1)).label("sex"),
        )
        .join(User, User.id == Registration.user_id)
        .where(
            Registration.event_id.in_(event_ids),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .subquery()
    )
    sub = registered_people.c
    registered = dict(
        db.session.execute(
            db.select(sub.event_id, func.count())
            .where(*narrowed((sub.colonia_id, sub.age_band, sub.sex), filters, zones))
            .group_by(sub.event_id)
        ).all()
    )
    return [
        EventLine(
            e,
            registered.get(e.id, 0),
            attended.get((e.id, False), 0) + attended.get((e.id, True), 0),
            attended.get((e.id, True), 0),
        )
        for e in events
    ]


@dataclass(frozen=True)
class Dashboard:
    filters: Filters
    processes: list
    heard: Heard | None  # None on a section page other than "who was heard"
    consultations: list = field(default_factory=list)  # processes with a questionnaire
    turnout: dict = field(default_factory=dict)
    ballots: list = field(default_factory=list)
    proposals: list = field(default_factory=list)
    events: list = field(default_factory=list)


def build_dashboard(filters: Filters, today: date) -> Dashboard:
    """Everything the council dashboard shows for the period and filters."""
    processes = period_processes(filters.year)

    def having(component):
        return [p for p in processes if component in p.components]

    consultations = having(Component.QUESTIONNAIRE)
    return Dashboard(
        filters=filters,
        processes=processes,
        heard=who_was_heard(processes, filters, today),
        consultations=consultations,
        turnout=turnout_by_process(consultations, filters),
        ballots=pb_lines(having(Component.PB_BALLOT), filters),
        proposals=proposal_lines(having(Component.PROPOSALS)),
        events=event_lines(having(Component.EVENT), filters, today),
    )


SECTIONS = ("heard", "consultations", "pb", "proposals", "events")


def build_section(filters: Filters, today: date, section: str) -> Dashboard:
    """Only what one section page of the dashboard shows (the others stay empty)."""
    processes = period_processes(filters.year)

    def having(component):
        return [p for p in processes if component in p.components]

    parts: dict = {"heard": None}
    if section == "heard":
        parts["heard"] = who_was_heard(processes, filters, today)
    elif section == "consultations":
        parts["consultations"] = having(Component.QUESTIONNAIRE)
        parts["turnout"] = turnout_by_process(parts["consultations"], filters)
    elif section == "pb":
        parts["ballots"] = pb_lines(having(Component.PB_BALLOT), filters)
    elif section == "proposals":
        parts["proposals"] = proposal_lines(having(Component.PROPOSALS))
    elif section == "events":
        parts["events"] = event_lines(having(Component.EVENT), filters, today)
    return Dashboard(filters=filters, processes=processes, **parts)
