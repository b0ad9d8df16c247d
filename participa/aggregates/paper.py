"""Paper ballots counted apart, so that results can still show the paper channel on its own.

Ballot content carries no channel. Paper ballots are the one channel whose content is written
in a transaction of its own, with no voter in it (a committed batch of typed papers, or an
imported Pabulib file), so that transaction may add them to the `paper_*` tallies: a counter
written there names no voter. The content rows are folded into the shared tallies as usual.

A group of fewer than MIN_BALLOTS valid papers (a small batch, a small import) is not counted
apart, only with the rest: in a copy of the database a paper tally of one ballot, beside one
paper participation, would be that person's vote. Hiding the split on the page is not enough,
the tally itself must never hold a small group. So the paper tallies may count fewer ballots
than the paper participations; every ballot is in the shared tallies and the results.
"""

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from participa.aggregates.channels import MIN_BALLOTS
from participa.aggregates.fold import upsert
from participa.aggregates.models import (
    NO_OPTION,
    NO_VALUE,
    PaperAnswerTally,
    PaperBallotTally,
    PaperProjectTally,
    PaperResponseTally,
)
from participa.extensions import db

PAPER_ANSWERS = PaperAnswerTally.__table__
PAPER_RESPONSES = PaperResponseTally.__table__
PAPER_PROJECTS = PaperProjectTally.__table__
PAPER_BALLOTS = PaperBallotTally.__table__


def add_paper_responses(process_id: int, responses) -> None:
    """Count `responses` (Response rows with answers) as paper, in the caller's transaction,
    when they are at least MIN_BALLOTS."""
    if len(responses) < MIN_BALLOTS:
        return
    counts = Counter(
        (a.question_id, a.option_id or NO_OPTION, NO_VALUE if a.value is None else a.value)
        for response in responses
        for a in response.answers
    )
    keys = ("question_id", "option_id", "value")
    rows = [
        dict(zip(keys, key, strict=True), process_id=process_id, answers=n)
        for key, n in counts.items()
    ]
    conn = db.session.connection()
    upsert(conn, PAPER_ANSWERS, rows, ("answers",))
    total = [{"process_id": process_id, "ballots": len(responses)}]
    upsert(conn, PAPER_RESPONSES, total, ("ballots",))


def add_paper_votes(ballot_id: int, project_lists: list[list[int]]) -> None:
    """Count PB votes (each a list of project ids) as paper, in the caller's transaction, when
    they are at least MIN_BALLOTS."""
    if len(project_lists) < MIN_BALLOTS:
        return
    counts = Counter(pid for projects in project_lists for pid in projects)
    rows = [{"ballot_id": ballot_id, "project_id": pid, "votes": n} for pid, n in counts.items()]
    conn = db.session.connection()
    upsert(conn, PAPER_PROJECTS, rows, ("votes",))
    total = [{"ballot_id": ballot_id, "ballots": len(project_lists)}]
    upsert(conn, PAPER_BALLOTS, total, ("ballots",))


@dataclass(frozen=True)
class PaperCounts:
    """Paper ballots stored, and what they count per key (an option, a value, a project)."""

    ballots: int
    counts: dict


def paper_answers(process_id: int) -> PaperCounts:
    """A consultation's paper ballots: (question, option or None, value or None) -> answers."""
    t = PAPER_ANSWERS.c
    rows = db.session.execute(
        sa.select(t.question_id, t.option_id, t.value, t.answers).where(t.process_id == process_id)
    )
    counts = {
        (qid, None if o == NO_OPTION else o, None if v == NO_VALUE else v): int(n)
        for qid, o, v, n in rows
    }
    total = db.session.execute(
        sa.select(PAPER_RESPONSES.c.ballots).where(PAPER_RESPONSES.c.process_id == process_id)
    ).scalar()
    return PaperCounts(int(total or 0), counts)


def paper_votes(ballot_id: int) -> PaperCounts:
    """A PB ballot's paper votes: project id -> paper votes naming it."""
    t = PAPER_PROJECTS.c
    rows = db.session.execute(sa.select(t.project_id, t.votes).where(t.ballot_id == ballot_id))
    total = db.session.execute(
        sa.select(PAPER_BALLOTS.c.ballots).where(PAPER_BALLOTS.c.ballot_id == ballot_id)
    ).scalar()
    return PaperCounts(int(total or 0), {pid: int(n) for pid, n in rows})
