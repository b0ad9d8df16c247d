"""Voting in a PB ballot: eligibility, the ballot rule, one secret vote per eligibility key."""

import secrets
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError

from participa.budgets.ballot_rules import Selection, Totals, rule_for
from participa.budgets.ballots import ALREADY_VOTED, has_voted, voting_problem
from participa.budgets.models import (
    PbBallot,
    PbParticipation,
    PbProject,
    PbVote,
    PbVoteItem,
    ProjectStatus,
)
from participa.core import signals
from participa.core.errors import DomainError
from participa.eligibility.participants import Channel, participant
from participa.extensions import db
from participa.processes.models import Process
from participa.receipts.services import new_receipt_code, receipt_hash


class AlreadyVoted(DomainError):
    pass


def feasible_projects(ballot: PbBallot) -> list[PbProject]:
    """The projects on the ballot, in a stable order (by id)."""
    query = (
        db.select(PbProject)
        .where(PbProject.ballot_id == ballot.id, PbProject.status == ProjectStatus.FEASIBLE)
        .order_by(PbProject.id)
    )
    return list(db.session.execute(query).scalars())


def check_selection(ballot: PbBallot, projects: list[PbProject], selection: Selection) -> Totals:
    """Check `selection` against the ballot's rule; return its totals for the review step."""
    rule = rule_for(ballot)
    rule.validate(ballot, projects, selection)
    return rule.totals(ballot, projects, selection)


def vote_row(ballot: PbBallot, selection: Selection, channel: Channel):
    """The secret content of one vote and its receipt code; the caller adds and commits.

    Every channel (web, table, paper batches) writes its votes through here.
    """
    code = new_receipt_code()
    vote = PbVote(
        id=secrets.token_hex(16),
        ballot_id=ballot.id,
        receipt_hash=receipt_hash(code),
        channel=channel,
    )
    vote.items = [
        PbVoteItem(project_id=pid, weight=w) for pid, w in rule_for(ballot).items(selection)
    ]
    return vote, code


def cast_vote(
    ballot: PbBallot,
    user,
    selection: Selection,
    *,
    now: datetime,
    today: date,
    channel: Channel = Channel.WEB,
    projects: list[PbProject] | None = None,
) -> str:
    """Store who voted and, apart, what they chose; return the receipt code.

    `projects` are the ballot's feasible projects when the caller has just loaded them.

    `user` is a web account or, at a table, a looked-up `Voter`. Nothing is written unless
    the person may vote and the selection keeps every rule of the ballot. The unique
    (ballot, voter key) constraint decides between concurrent attempts.
    """
    if problem := voting_problem(ballot, user, today):
        raise AlreadyVoted(problem) if has_voted(ballot, user) else DomainError(problem)
    if projects is None:
        projects = feasible_projects(ballot)
    rule_for(ballot).validate(ballot, projects, selection)
    db.session.add(
        PbParticipation(
            ballot_id=ballot.id,
            **participant(user, process=ballot.process, now=now, today=today, channel=channel),
        )
    )
    vote, code = vote_row(ballot, selection, channel)
    db.session.add(vote)
    try:
        db.session.commit()
    except IntegrityError as error:  # a concurrent attempt of the same person won the race
        db.session.rollback()
        raise AlreadyVoted(ALREADY_VOTED) from error
    signals.ballot_cast.send(ballot, mechanism="pb", channel=channel)
    return code


def receipt_process(digest: str) -> Process | None:
    """The process whose PB votes include the receipt hash `digest`, or None."""
    query = (
        db.select(Process)
        .join(PbBallot, PbBallot.process_id == Process.id)
        .join(PbVote, PbVote.ballot_id == PbBallot.id)
        .where(PbVote.receipt_hash == digest)
    )
    return db.session.execute(query).scalar_one_or_none()
