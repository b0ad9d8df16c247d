"""Fold ballot rows into the aggregate tables, each step in a transaction of its own.

A vote writes its participation and its content rows with `folded` false and touches no
counter. A fold step takes a lock (an advisory lock on PostgreSQL, skipped when another fold
holds it; SQLite's single write lock, taken first), picks a batch of unfolded rows by id,
adds what they count to the aggregates and marks exactly those rows folded, then commits.
Counter rows are therefore written only by fold transactions, which name no voter.

`recompute_process` and `recompute_ballot` throw the aggregates away and rebuild them from
every row in one transaction (`flask aggregates-recompute`).
"""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from participa.aggregates.models import (
    NO_COLONIA,
    NO_OPTION,
    NO_TEXT,
    NO_VALUE,
    AnswerTally,
    ParticipationHourTally,
    ParticipationTally,
    PbBallotTally,
    PbParticipationTally,
    PbProjectTally,
    ResponseTally,
)
from participa.budgets.models import PbBallot, PbParticipation, PbVote, PbVoteItem
from participa.consultations.models import Answer, Participation, Response
from participa.core.timeutil import to_hour
from participa.extensions import db
from participa.processes.models import Process

FOLD_BATCH = 5000
# Ballots a fold leaves unfolded, chosen at random: without them the ballot cast just after
# a fold would be the only unfolded one, and a copy of the database would pair it with the
# newest participation. With them a new ballot hides among FOLD_KEEP older ones.
FOLD_KEEP = 50
# Advisory-lock namespaces (PostgreSQL): one fold at a time per process or ballot.
LOCK_PROCESS, LOCK_BALLOT = 8101, 8102

ANSWERS = AnswerTally.__table__
RESPONSES = ResponseTally.__table__
PARTICIPATIONS = ParticipationTally.__table__
HOURS = ParticipationHourTally.__table__
PROJECTS = PbProjectTally.__table__
BALLOTS = PbBallotTally.__table__
PB_PEOPLE = PbParticipationTally.__table__
RESPONSE = Response.__table__
ANSWER = Answer.__table__
PARTICIPATION = Participation.__table__
VOTE = PbVote.__table__
ITEM = PbVoteItem.__table__
PB_PARTICIPATION = PbParticipation.__table__


def _lock(conn, namespace: int, table: sa.Table, target_id: int, wait: bool) -> bool:
    """Take the fold lock of one process or ballot for this transaction; False if busy."""
    if conn.dialect.name == "postgresql":
        name = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
        taken = conn.execute(sa.select(getattr(sa.func, name)(namespace, target_id))).scalar()
        return wait or bool(taken)
    # pysqlite opens the transaction at the first write: a write that changes nothing takes
    # SQLite's write lock now (as BEGIN IMMEDIATE would), so folds run one at a time and
    # every read after it is current.
    conn.execute(sa.update(table).where(table.c.id == target_id).values(id=table.c.id))
    return True


@contextmanager
def _fold_transaction(namespace, table, target_id, wait=False) -> Iterator:
    """A connection of its own (never the request's session) holding the fold lock, or None."""
    with db.engine.begin() as conn:
        yield conn if _lock(conn, namespace, table, target_id, wait) else None


def upsert(conn, table: sa.Table, rows: list[dict], sums: tuple[str, ...]) -> None:
    """Add `rows` to the counters of `table` (insert a key the first time)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    keys = [column.name for column in table.primary_key.columns]
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={name: table.c[name] + statement.excluded[name] for name in sums}
    )
    conn.execute(statement, rows)


def answer_count_query(where) -> sa.Select:
    """Answers grouped by question, option and value, for responses matching `where`."""
    first = sa.func.sum(sa.case((ANSWER.c.seq == 0, 1), else_=0))
    keys = (ANSWER.c.question_id, ANSWER.c.option_id, ANSWER.c.value)
    return (
        sa.select(
            ANSWER.c.question_id.label("question_id"),
            sa.func.coalesce(ANSWER.c.option_id, NO_OPTION).label("option_id"),
            sa.func.coalesce(ANSWER.c.value, NO_VALUE).label("value"),
            sa.func.count().label("answers"),
            first.label("respondents"),
        )
        .select_from(ANSWER.join(RESPONSE, RESPONSE.c.id == ANSWER.c.response_id))
        .where(where)
        .group_by(*keys)
    )


def _add_responses(conn, process_id: int, where) -> int:
    """Add the answers and totals of the responses matching `where`; return how many."""
    rows = [
        dict(row._mapping, process_id=process_id) for row in conn.execute(answer_count_query(where))
    ]
    upsert(conn, ANSWERS, rows, ("answers", "respondents"))
    total = conn.execute(sa.select(sa.func.count()).select_from(RESPONSE).where(where)).scalar()
    if total:
        upsert(conn, RESPONSES, [{"process_id": process_id, "ballots": total}], ("ballots",))
    return total


def _add_participations(conn, process_id: int, rows) -> None:
    """Add participation rows (created_at, colonia, age band, sex, channel) to the tallies."""
    snapshots, hours = Counter(), Counter()
    for at, colonia, band, sex, channel in rows:
        snapshots[(colonia or NO_COLONIA, band or NO_TEXT, sex or NO_TEXT, channel)] += 1
        hours[(to_hour(at), channel)] += 1
    keys = ("colonia_id", "age_band", "sex", "channel")
    tallies = [
        dict(zip(keys, key, strict=True), process_id=process_id, people=n)
        for key, n in snapshots.items()
    ]
    upsert(conn, PARTICIPATIONS, tallies, ("people",))
    per_hour = [
        {"process_id": process_id, "hour": hour, "channel": channel, "people": n}
        for (hour, channel), n in hours.items()
    ]
    upsert(conn, HOURS, per_hour, ("people",))


PARTICIPATION_COLUMNS = (
    PARTICIPATION.c.created_at,
    PARTICIPATION.c.colonia_id,
    PARTICIPATION.c.age_band,
    PARTICIPATION.c.sex,
    PARTICIPATION.c.channel,
)


def _pick(conn, table: sa.Table, key, target_id: int, batch: int, keep: int) -> list[str]:
    """Ids of up to `batch` unfolded ballots to fold, leaving `keep` of them, at random."""
    unfolded = sa.select(table.c.id).where(key == target_id, table.c.folded == sa.false())
    waiting = conn.execute(sa.select(sa.func.count()).select_from(unfolded.subquery())).scalar()
    take = min(batch, waiting - keep)
    if take <= 0:
        return []
    # Ids are random already; shuffling again when few wait keeps the rows left behind from
    # drifting to the largest ids. A bulk backlog is taken in id order, which is cheaper.
    order = sa.func.random() if waiting <= 4 * batch else table.c.id
    return list(conn.execute(unfolded.order_by(order).limit(take)).scalars())


def _fold_process_step(conn, process_id: int, batch: int, keep: int) -> int:
    ids = _pick(conn, RESPONSE, RESPONSE.c.process_id, process_id, batch, keep)
    if ids:
        _add_responses(conn, process_id, RESPONSE.c.id.in_(ids))
        conn.execute(sa.update(RESPONSE).where(RESPONSE.c.id.in_(ids)).values(folded=True))
    people = conn.execute(
        sa.select(PARTICIPATION.c.id, *PARTICIPATION_COLUMNS)
        .where(PARTICIPATION.c.process_id == process_id, PARTICIPATION.c.folded == sa.false())
        .limit(batch)
    ).all()
    if people:
        _add_participations(conn, process_id, [row[1:] for row in people])
        done = [row[0] for row in people]
        conn.execute(
            sa.update(PARTICIPATION).where(PARTICIPATION.c.id.in_(done)).values(folded=True)
        )
    return max(len(ids), len(people))


def fold_process(process_id: int, batch: int = FOLD_BATCH, keep: int = FOLD_KEEP) -> int:
    """Fold a consultation's unfolded rows, a batch per transaction; return the rows folded.

    Returns early when another fold of the same process holds the lock: it is doing the work.
    """
    folded = 0
    while True:
        with _fold_transaction(LOCK_PROCESS, Process.__table__, process_id) as conn:
            if conn is None:
                return folded
            step = _fold_process_step(conn, process_id, batch, keep)
        folded += step
        if step < batch:
            return folded


def _rank_length():
    """How many projects the item's vote names (k of a ranking ballot), per item."""
    other = ITEM.alias("other")
    return (
        sa.select(sa.func.count())
        .where(other.c.vote_id == ITEM.c.vote_id)
        .correlate(ITEM)
        .scalar_subquery()
    )


def item_counts(where) -> sa.Select:
    """Votes, weights and rank points per project, for votes matching `where`."""
    return (
        sa.select(
            ITEM.c.project_id.label("project_id"),
            sa.func.count().label("votes"),
            sa.func.sum(ITEM.c.weight).label("weight_sum"),
            sa.func.sum(_rank_length() + 1 - ITEM.c.weight).label("rank_points"),
        )
        .select_from(ITEM.join(VOTE, VOTE.c.id == ITEM.c.vote_id))
        .where(where)
        .group_by(ITEM.c.project_id)
    )


def _add_votes(conn, ballot_id: int, where) -> int:
    rows = [dict(row._mapping, ballot_id=ballot_id) for row in conn.execute(item_counts(where))]
    upsert(conn, PROJECTS, rows, ("votes", "weight_sum", "rank_points"))
    total = conn.execute(sa.select(sa.func.count()).select_from(VOTE).where(where)).scalar()
    if total:
        upsert(conn, BALLOTS, [{"ballot_id": ballot_id, "ballots": total}], ("ballots",))
    return total


def _add_pb_people(conn, ballot_id: int, rows) -> None:
    """Add PB participation rows (colonia, channel) to the ballot's people tally."""
    counts = Counter((colonia or NO_COLONIA, channel) for colonia, channel in rows)
    tallies = [
        {"ballot_id": ballot_id, "colonia_id": colonia, "channel": channel, "people": n}
        for (colonia, channel), n in counts.items()
    ]
    upsert(conn, PB_PEOPLE, tallies, ("people",))


def _fold_pb_people(conn, ballot_id: int, batch: int) -> int:
    """Fold a batch of the ballot's participations, whole: who voted is not secret."""
    p = PB_PARTICIPATION.c
    people = conn.execute(
        sa.select(p.id, p.colonia_id, p.channel)
        .where(p.ballot_id == ballot_id, p.folded == sa.false())
        .limit(batch)
    ).all()
    if people:
        _add_pb_people(conn, ballot_id, [row[1:] for row in people])
        done = [row[0] for row in people]
        conn.execute(sa.update(PB_PARTICIPATION).where(p.id.in_(done)).values(folded=True))
    return len(people)


def fold_ballot(ballot_id: int, batch: int = FOLD_BATCH, keep: int = FOLD_KEEP) -> int:
    """Fold a PB ballot's unfolded votes and participations, a batch of each per transaction;
    return the votes folded."""
    folded = 0
    while True:
        with _fold_transaction(LOCK_BALLOT, PbBallot.__table__, ballot_id) as conn:
            if conn is None:
                return folded
            ids = _pick(conn, VOTE, VOTE.c.ballot_id, ballot_id, batch, keep)
            if ids:
                _add_votes(conn, ballot_id, VOTE.c.id.in_(ids))
                conn.execute(sa.update(VOTE).where(VOTE.c.id.in_(ids)).values(folded=True))
            people = _fold_pb_people(conn, ballot_id, batch)
        folded += len(ids)
        if len(ids) < batch and people < batch:
            return folded


def _mark_all_but_residue(conn, table: sa.Table, key, target_id: int, keep: int) -> None:
    """Mark every ballot of the target folded except `keep` chosen at random."""
    of_target = key == target_id
    residue = sa.select(table.c.id).where(of_target).order_by(sa.func.random()).limit(keep)
    residue_ids = list(conn.execute(residue).scalars())
    conn.execute(sa.update(table).where(of_target).values(folded=True))
    if residue_ids:
        conn.execute(sa.update(table).where(table.c.id.in_(residue_ids)).values(folded=False))


def recompute_process(process_id: int, keep: int = FOLD_KEEP) -> int:
    """Rebuild a consultation's aggregates from all its rows in one transaction."""
    with _fold_transaction(LOCK_PROCESS, Process.__table__, process_id, wait=True) as conn:
        for table in (ANSWERS, RESPONSES, PARTICIPATIONS, HOURS):
            conn.execute(sa.delete(table).where(table.c.process_id == process_id))
        # Mark first, then count what is marked: a vote committed in between stays unfolded
        # and is counted live, never lost or counted twice.
        of_process = RESPONSE.c.process_id == process_id
        _mark_all_but_residue(conn, RESPONSE, RESPONSE.c.process_id, process_id, keep)
        total = _add_responses(conn, process_id, of_process & (RESPONSE.c.folded == sa.true()))
        people = PARTICIPATION.c.process_id == process_id
        conn.execute(sa.update(PARTICIPATION).where(people).values(folded=True))
        after = 0
        while chunk := conn.execute(
            sa.select(PARTICIPATION.c.id, *PARTICIPATION_COLUMNS)
            .where(people, PARTICIPATION.c.folded == sa.true(), PARTICIPATION.c.id > after)
            .order_by(PARTICIPATION.c.id)
            .limit(FOLD_BATCH)
        ).all():
            _add_participations(conn, process_id, [row[1:] for row in chunk])
            after = chunk[-1][0]
    return total


def recompute_ballot(ballot_id: int, keep: int = FOLD_KEEP) -> int:
    """Rebuild a PB ballot's aggregates from all its votes and participations in one
    transaction; return the votes counted."""
    with _fold_transaction(LOCK_BALLOT, PbBallot.__table__, ballot_id, wait=True) as conn:
        for table in (PROJECTS, BALLOTS, PB_PEOPLE):
            conn.execute(sa.delete(table).where(table.c.ballot_id == ballot_id))
        of_ballot = VOTE.c.ballot_id == ballot_id
        _mark_all_but_residue(conn, VOTE, VOTE.c.ballot_id, ballot_id, keep)
        total = _add_votes(conn, ballot_id, of_ballot & (VOTE.c.folded == sa.true()))
        p = PB_PARTICIPATION.c
        of_ballot = p.ballot_id == ballot_id
        conn.execute(sa.update(PB_PARTICIPATION).where(of_ballot).values(folded=True))
        colonia = sa.func.coalesce(p.colonia_id, NO_COLONIA)
        people = conn.execute(
            sa.select(colonia, p.channel, sa.func.count())
            .where(of_ballot, p.folded == sa.true())
            .group_by(colonia, p.channel)
        ).all()
        rows = [
            {"ballot_id": ballot_id, "colonia_id": c, "channel": ch, "people": n}
            for c, ch, n in people
        ]
        upsert(conn, PB_PEOPLE, rows, ("people",))
    return total
