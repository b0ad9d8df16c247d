"""Read results as aggregates plus the unfolded rows counted live: exact at every moment.

Each read is ONE statement (a UNION ALL of the aggregate rows and the live count), so it sees
one snapshot: a fold committing meanwhile cannot make rows vanish or count twice. Before
reading, a fold runs when enough rows wait (`AGGREGATES_FOLD_AT`), keeping the live part small.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from participa.aggregates.fold import (
    ANSWERS,
    BALLOTS,
    HOURS,
    PARTICIPATION,
    PARTICIPATIONS,
    PB_PARTICIPATION,
    PB_PEOPLE,
    PROJECTS,
    RESPONSE,
    RESPONSES,
    VOTE,
    answer_count_query,
    fold_ballot,
    fold_process,
    item_counts,
)
from participa.aggregates.models import NO_COLONIA, NO_OPTION, NO_VALUE
from participa.eligibility.participants import Channel
from participa.extensions import db

DEFAULT_FOLD_AT = 1000


def _waiting(column, target_id: int, flag, limit: int) -> int:
    """How many unfolded rows of the target, counted up to `limit` (the partial index)."""
    rows = sa.select(sa.literal(1)).where(column == target_id, flag == sa.false()).limit(limit)
    return db.session.execute(sa.select(sa.func.count()).select_from(rows.subquery())).scalar()


def _fold_at() -> int:
    return int(current_app.config.get("AGGREGATES_FOLD_AT", DEFAULT_FOLD_AT))


def fold_if_needed_process(process_id: int) -> None:
    """Fold the consultation when enough responses or participations wait."""
    limit = _fold_at()
    waiting = max(
        _waiting(RESPONSE.c.process_id, process_id, RESPONSE.c.folded, limit),
        _waiting(PARTICIPATION.c.process_id, process_id, PARTICIPATION.c.folded, limit),
    )
    if waiting >= limit:
        fold_process(process_id)


def fold_if_needed_ballot(ballot_id: int) -> None:
    """Fold the PB ballot when enough votes or participations wait."""
    limit = _fold_at()
    waiting = max(
        _waiting(VOTE.c.ballot_id, ballot_id, VOTE.c.folded, limit),
        _waiting(PB_PARTICIPATION.c.ballot_id, ballot_id, PB_PARTICIPATION.c.folded, limit),
    )
    if waiting >= limit:
        fold_ballot(ballot_id)


@dataclass(frozen=True)
class AnswerCounts:
    """A consultation's answer counts: (question, option, value) -> answers, and respondents."""

    counts: dict[int, dict[tuple, int]]  # question -> (option_id | None, value | None) -> n
    respondents: dict[int, int]


def answer_counts(process_id: int) -> AnswerCounts:
    """Count the answers of every question of a consultation (every channel together)."""
    fold_if_needed_process(process_id)
    a = ANSWERS.c
    stored = sa.select(a.question_id, a.option_id, a.value, a.answers, a.respondents).where(
        a.process_id == process_id
    )
    live = answer_count_query(
        (RESPONSE.c.process_id == process_id) & (RESPONSE.c.folded == sa.false())
    ).subquery()
    names = ("question_id", "option_id", "value", "answers", "respondents")
    live = sa.select(*(live.c[name] for name in names))
    both = sa.union_all(stored, live).subquery()
    keys = (both.c.question_id, both.c.option_id, both.c.value)
    query = sa.select(*keys, sa.func.sum(both.c.answers), sa.func.sum(both.c.respondents))
    counts: dict[int, dict[tuple, int]] = defaultdict(dict)
    respondents: dict[int, int] = defaultdict(int)
    for qid, option_id, value, n, first in db.session.execute(query.group_by(*keys)):
        option = None if option_id == NO_OPTION else option_id
        counts[qid][(option, None if value == NO_VALUE else value)] = int(n)
        respondents[qid] += int(first)
    return AnswerCounts(dict(counts), dict(respondents))


def response_total(process_id: int) -> int:
    """How many responses a consultation has (every channel together)."""
    fold_if_needed_process(process_id)
    stored = sa.select(RESPONSES.c.ballots).where(RESPONSES.c.process_id == process_id)
    live = sa.select(sa.func.count()).where(
        RESPONSE.c.process_id == process_id, RESPONSE.c.folded == sa.false()
    )
    both = sa.union_all(stored, live).subquery()
    return int(db.session.execute(sa.select(sa.func.sum(both.c.ballots))).scalar() or 0)


class PeopleGroup(NamedTuple):
    """Participations sharing a snapshot (colonia, age band, sex) and channel."""

    colonia_id: int | None
    age_band: str | None
    sex: str | None
    channel: object
    people: int


@dataclass(frozen=True)
class PeopleCounts:
    groups: list[PeopleGroup]
    moments: list[tuple]  # (UTC hour, or a live row's own moment; people)


def participation_groups(process_id: int) -> PeopleCounts:
    """Who took part in a consultation: by snapshot and channel, and by hour.

    One statement: the snapshot tally (kind "s"), the hour tally ("h") and the unfolded
    rows ("l"), which count in both.
    """
    fold_if_needed_process(process_id)
    t, h, p = PARTICIPATIONS.c, HOURS.c, PARTICIPATION.c
    none = sa.null()
    snapshots = sa.select(
        sa.literal("s"), sa.cast(none, h.hour.type), t.colonia_id, t.age_band, t.sex,
        t.channel, t.people,
    ).where(t.process_id == process_id)  # fmt: skip
    hours = sa.select(
        sa.literal("h"), h.hour, sa.cast(none, t.colonia_id.type), sa.cast(none, t.age_band.type),
        sa.cast(none, t.sex.type), h.channel, h.people,
    ).where(h.process_id == process_id)  # fmt: skip
    live = sa.select(
        sa.literal("l"), p.created_at, p.colonia_id, p.age_band, p.sex, p.channel, sa.literal(1)
    ).where(p.process_id == process_id, p.folded == sa.false())
    counts = PeopleCounts([], [])
    for kind, at, colonia, band, sex, channel, n in db.session.execute(
        sa.union_all(snapshots, hours, live)
    ):
        if kind != "h":
            counts.groups.append(
                PeopleGroup(colonia or None, band or None, sex or None, channel, int(n))
            )
        if kind != "s":
            counts.moments.append((at, int(n)))
    return counts


@dataclass(frozen=True)
class ProjectSupport:
    """A PB project's support: ballots naming it, weights summed, rank points summed."""

    votes: int
    weight_sum: int
    rank_points: int


@dataclass(frozen=True)
class BallotSupport:
    projects: dict[int, ProjectSupport]
    ballots: int  # votes cast in the ballot, empty ones included


def ballot_support(ballot_id: int) -> BallotSupport:
    """Every project's support in a PB ballot and how many votes it has (every channel).

    The vote total comes back in the same statement, as project 0, so both share a snapshot.
    """
    fold_if_needed_ballot(ballot_id)
    t, b, zero = PROJECTS.c, BALLOTS.c, sa.literal(0)
    stored = sa.select(t.project_id, t.votes, t.weight_sum, t.rank_points).where(
        t.ballot_id == ballot_id
    )
    unfolded = (VOTE.c.ballot_id == ballot_id) & (VOTE.c.folded == sa.false())
    live = item_counts(unfolded).subquery()
    live = sa.select(live.c.project_id, live.c.votes, live.c.weight_sum, live.c.rank_points)
    stored_total = sa.select(zero, b.ballots, zero, zero).where(b.ballot_id == ballot_id)
    live_total = sa.select(zero, sa.func.count(), zero, zero).where(unfolded)
    both = sa.union_all(stored, live, stored_total, live_total).subquery()
    sums = [sa.func.sum(column) for column in list(both.c)[1:]]
    query = sa.select(both.c.project_id, *sums).group_by(both.c.project_id)
    projects = {
        pid: ProjectSupport(int(v), int(w), int(r)) for pid, v, w, r in db.session.execute(query)
    }
    total = projects.pop(0, None)
    return BallotSupport(projects, total.votes if total else 0)


def ballot_people(ballot_ids: list[int]) -> dict[int, dict[tuple, int]]:
    """Who voted in each PB ballot: ballot -> (colonia id or None, channel) -> people.

    One statement over the participation tally and the unfolded participations, so it reads
    a few rows per colonia and channel however many people voted.
    """
    for ballot_id in ballot_ids:
        fold_if_needed_ballot(ballot_id)
    t, p = PB_PEOPLE.c, PB_PARTICIPATION.c
    stored = sa.select(t.ballot_id, t.colonia_id, t.channel, t.people).where(
        t.ballot_id.in_(ballot_ids)
    )
    colonia = sa.func.coalesce(p.colonia_id, NO_COLONIA)
    live = (
        sa.select(p.ballot_id, colonia, p.channel, sa.func.count())
        .where(p.ballot_id.in_(ballot_ids), p.folded == sa.false())
        .group_by(p.ballot_id, colonia, p.channel)
    )
    both = sa.union_all(stored, live).subquery()
    keys = (both.c.ballot_id, both.c.colonia_id, both.c.channel)
    query = sa.select(*keys, sa.func.sum(both.c.people)).group_by(*keys)
    found: dict[int, dict[tuple, int]] = {ballot_id: {} for ballot_id in ballot_ids}
    for ballot_id, colonia_id, channel, n in db.session.execute(query):
        found[ballot_id][(colonia_id or None, Channel(channel))] = int(n)
    return found


def people_per_process(process_ids: list[int], narrowed) -> dict[int, int]:
    """Participations per consultation, after demographic conditions.

    `narrowed(columns)` turns (colonia_id, age_band, sex) columns into conditions; the
    tally's sentinels (colonia 0, "") never equal a real colonia, band or sex.
    """
    for process_id in process_ids:
        fold_if_needed_process(process_id)
    t, p = PARTICIPATIONS.c, PARTICIPATION.c
    stored = sa.select(t.process_id, t.people).where(
        t.process_id.in_(process_ids), *narrowed((t.colonia_id, t.age_band, t.sex))
    )
    live = sa.select(p.process_id, sa.literal(1)).where(
        p.process_id.in_(process_ids),
        p.folded == sa.false(),
        *narrowed((p.colonia_id, p.age_band, p.sex)),
    )
    both = sa.union_all(stored, live).subquery()
    query = sa.select(both.c.process_id, sa.func.sum(both.c.people)).group_by(both.c.process_id)
    return {pid: int(n) for pid, n in db.session.execute(query)}
