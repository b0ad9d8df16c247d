"""Voting in a PB ballot: eligibility, the ballot rule, one secret vote per eligibility key."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import Integer, Row, bindparam
from sqlalchemy.exc import IntegrityError

from participa.budgets.ballot_rules import Selection, Totals, rule_for
from participa.budgets.ballots import ALREADY_VOTED, has_voted, standing_columns, standing_from
from participa.budgets.models import (
    PbBallot,
    PbParticipation,
    PbProject,
    PbVote,
    PbVoteItem,
    ProjectStatus,
)
from participa.core import signals
from participa.core.errors import DomainError, NotAllowed
from participa.core.inserts import insert_together
from participa.eligibility.participants import Channel, Voter, voter_columns
from participa.extensions import db
from participa.processes.models import Process
from participa.receipts.services import new_receipt_code, receipt_hash


class AlreadyVoted(DomainError):
    pass


def check_selection(ballot: PbBallot, projects: list[PbProject], selection: Selection) -> Totals:
    """Check `selection` against the ballot's rule; return its totals for the review step."""
    rule = rule_for(ballot)
    rule.validate(ballot, projects, selection)
    return rule.totals(ballot, projects, selection)


def vote_content(ballot: PbBallot, selection: Selection):
    """The secret content of one vote, as column values, and its receipt code.

    Every channel writes its votes from here: `cast` (web, desk) in bulk, the paper batches
    through `vote_row`. Every column is given: a random id, no timestamp, not yet folded.
    """
    code = new_receipt_code()
    vote = {
        "id": secrets.token_hex(16),
        "ballot_id": ballot.id,
        "receipt_hash": receipt_hash(code),
        "folded": False,
    }
    items = [
        {"vote_id": vote["id"], "project_id": pid, "weight": w}
        for pid, w in rule_for(ballot).items(selection)
    ]
    return vote, items, code


def vote_row(ballot: PbBallot, selection: Selection):
    """The content of one vote as a `PbVote` with its items, and its receipt code; the caller
    adds and commits."""
    vote, items, code = vote_content(ballot, selection)
    row = PbVote(**vote)
    row.items = [PbVoteItem(project_id=i["project_id"], weight=i["weight"]) for i in items]
    return row, code


@dataclass(frozen=True)
class Booth:
    """What one vote in a ballot needs, read by `open_booth` in two statements.

    `problem` says why the person may not vote (the eligibility ladder, the ballot's zone),
    None when they may. Whether they voted already is not in it: on the confirming POST the
    insert answers that, through the unique (ballot, voter key) constraint.
    """

    ballot: PbBallot
    process: Process
    projects: list[Row]  # feasible_projects; empty when there is a problem
    voter: Voter | None
    problem: object


@cache
def _booth_query():
    """The booth's one read, built once: a statement is costlier to build than to run."""
    return (
        db.select(PbBallot, Process, *standing_columns(bindparam("colonia_id", type_=Integer)))
        .join(Process, Process.id == PbBallot.process_id)
        .where(PbBallot.id == bindparam("ballot_id"), Process.id == bindparam("process_id"))
    )


@cache
def _projects_query():
    return (
        db.select(*PbProject.__table__.c)
        .where(
            PbProject.ballot_id == bindparam("ballot_id"),
            PbProject.status == ProjectStatus.FEASIBLE,
        )
        .order_by(PbProject.id)
    )


def feasible_projects(ballot: PbBallot) -> list[Row]:
    """The projects on the ballot, in a stable order (by id), as read-only rows.

    A row has every column of a `PbProject` (what the ballot's rule, form and page read) and
    no relationship: building eight ORM objects, and expiring them at the commit, cost a vote
    more than reading them (bench/profile_ballot.py).
    """
    return list(db.session.connection().execute(_projects_query(), {"ballot_id": ballot.id}))


def open_booth(process_id: int, ballot_id: int, person, today: date) -> Booth | None:
    """Read the ballot, its process, the person's standing and the projects; None: no ballot.

    One statement reads the ballot with its process, its eligibility rule, and the scope and
    zone facts of the person's colonia; a second one the feasible projects.
    """
    keys = {"colonia_id": person.colonia_id, "ballot_id": ballot_id, "process_id": process_id}
    row = db.session.execute(_booth_query(), keys).first()
    if row is None:
        return None
    ballot, process = row.PbBallot, row.Process
    problem, voter = standing_from(ballot, process, person, row, today)
    projects = feasible_projects(ballot) if problem is None else []
    return Booth(ballot, process, projects, voter, problem)


def already_voted(booth: Booth) -> bool:
    """Tell whether the booth's voter voted in its ballot (pages ask before the form)."""
    return booth.voter is not None and has_voted(booth.ballot, booth.voter)


def cast(booth: Booth, selection: Selection, *, now: datetime, channel: Channel = Channel.WEB):
    """Store who voted and, apart, what they chose; return the receipt code.

    Nothing is written unless the booth lets the person vote and the selection keeps every
    rule of the ballot. The participation and the content go in one round trip (one statement
    on PostgreSQL) and one commit; the unique (ballot, voter key) constraint refuses a second
    vote of the same key, also between concurrent attempts, and then nothing is stored.
    """
    if booth.problem is not None:
        raise NotAllowed(booth.problem)
    ballot = booth.ballot
    rule_for(ballot).validate(ballot, booth.projects, selection)
    vote, items, code = vote_content(ballot, selection)
    participation = voter_columns(booth.voter, now=now, channel=channel)
    participation = {"ballot_id": ballot.id, "folded": False, **participation}
    try:
        insert_together(
            (PbParticipation.__table__, [participation]),
            (PbVote.__table__, [vote]),
            (PbVoteItem.__table__, items),
        )
        db.session.commit()
    except IntegrityError as error:  # this key voted already, maybe a moment ago elsewhere
        db.session.rollback()
        raise AlreadyVoted(ALREADY_VOTED) from error
    signals.ballot_cast.send(ballot, mechanism="pb", channel=channel)
    return code


def cast_vote(
    ballot: PbBallot,
    user,
    selection: Selection,
    *,
    now: datetime,
    today: date,
    channel: Channel = Channel.WEB,
) -> str:
    """`cast` in the booth of `user` (a web account or, at a table, a looked-up `Voter`)."""
    booth = open_booth(ballot.process_id, ballot.id, user, today)
    return cast(booth, selection, now=now, channel=channel)


def receipt_process(digest: str) -> Process | None:
    """The process whose PB votes include the receipt hash `digest`, or None."""
    query = (
        db.select(Process)
        .join(PbBallot, PbBallot.process_id == Process.id)
        .join(PbVote, PbVote.ballot_id == PbBallot.id)
        .where(PbVote.receipt_hash == digest)
    )
    return db.session.execute(query).scalar_one_or_none()
