"""Paper ballots in batches: two independent typings, reconciliation, one commit.

Two different staff members type the same batch (slots 1 and 2); neither sees the other's.
When both have finished, equal typings are committed at once; different ones wait for a
supervisor (staff or admin who typed neither) to choose, paper by paper. Committing writes
every valid paper as ballot content (which says nothing of its channel) through the same row
builders as the web, and adds it to the paper tallies, in one transaction; spoiled and blank
papers are only counted.

Finishing a typing and resolving differences first take the batch's row (`lock_batch`) and
read the batch and its typings afresh: two typists finishing at once see each other's typing
(one of them commits), and two supervisors resolving at once commit the batch once.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from participa.audit.services import record
from participa.core import signals
from participa.core.errors import DomainError, NotAllowed
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.tables.ballots import dumps, loads
from participa.tables.models import (
    MAX_BATCH_SIZE,
    BatchEntry,
    BatchStatus,
    PaperBatch,
    PaperRecord,
    VotingTable,
)
from participa.tables.services import next_batch_number

Paper = tuple[bool, str]  # (spoiled, canonical content)


COUNTING_STATUSES = (ProcessStatus.OPEN, ProcessStatus.CLOSED)


def _check_counting(table: VotingTable) -> None:
    # Once results are published, paper content would change them behind the public's back.
    if table.process.status not in COUNTING_STATUSES:
        raise DomainError(
            _l("Paper ballots can be entered only while the process is open or closed.")
        )


def lock_batch(batch: PaperBatch) -> PaperBatch:
    """Take the batch's row for this transaction and read it and its typings afresh.

    PostgreSQL locks the row (SELECT ... FOR UPDATE) and reads what others committed before.
    SQLite has one write lock per database; pysqlite opens the transaction at the first write,
    so a write that changes nothing takes that lock now (as BEGIN IMMEDIATE would).
    """
    batch_id = batch.id
    if db.session.get_bind().dialect.name == "sqlite":
        table = PaperBatch.__table__
        db.session.execute(sa.update(table).where(table.c.id == batch_id).values(id=table.c.id))
    db.session.expire_all()  # the typings and papers read before the lock may be stale
    query = db.select(PaperBatch).where(PaperBatch.id == batch_id).with_for_update()
    return db.session.execute(query).scalar_one()


def _released_on_refusal(function):
    """Roll back (releasing the batch's lock) when `function` refuses, before the page renders."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except DomainError:
            db.session.rollback()
            raise

    return wrapper


def new_batch(actor, table: VotingTable, size: int, now: datetime) -> PaperBatch:
    _check_counting(table)
    if not 1 <= size <= MAX_BATCH_SIZE:
        raise DomainError(_l("A batch has from 1 to %(n)s papers.", n=MAX_BATCH_SIZE), field="size")
    batch = PaperBatch(
        table_id=table.id, number=next_batch_number(table), size=size, created_at=now
    )
    db.session.add(batch)
    db.session.flush()
    record(actor, "table.batch.new", table.process, table=table.id, batch=batch.number, size=size)
    db.session.commit()
    return batch


def entry_of(batch: PaperBatch, user) -> BatchEntry | None:
    return next((e for e in batch.entries if e.typist_id == user.id), None)


def start_entry(actor, batch: PaperBatch, now: datetime) -> BatchEntry:
    """Start the actor's typing of `batch`: the first or the second, never twice."""
    if batch.status is not BatchStatus.ENTERING:
        raise DomainError(_l("This batch is no longer being entered."))
    if (mine := entry_of(batch, actor)) is not None:
        return mine
    if len(batch.entries) >= 2:
        raise NotAllowed(_l("Two people are already entering this batch."))
    entry = BatchEntry(batch_id=batch.id, slot=len(batch.entries) + 1, typist_id=actor.id)
    entry.created_at = now
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError as error:  # someone took the slot at the same moment
        db.session.rollback()
        raise NotAllowed(_l("Two people are already entering this batch.")) from error
    return entry


def _open_entry(batch: PaperBatch, actor) -> BatchEntry:
    entry = entry_of(batch, actor)
    if entry is None:
        raise NotAllowed(_l("Start your own entry of this batch first."))
    if entry.finished_at is not None or batch.status is not BatchStatus.ENTERING:
        raise DomainError(_l("Your entry of this batch is finished and cannot change."))
    return entry


@_released_on_refusal
def save_paper(actor, ballot, batch: PaperBatch, position: int, content: dict | None) -> None:
    """Store the actor's reading of one paper; None means spoiled or blank."""
    entry = _open_entry(lock_batch(batch), actor)
    if not 1 <= position <= batch.size:
        raise DomainError(_l("That paper is not in this batch."))
    if content is not None:
        ballot.validate(content)
    found = next((p for p in entry.papers if p.position == position), None)
    paper = found or PaperRecord(position=position)
    paper.spoiled = content is None
    paper.content = "" if content is None else dumps(content)
    if found is None:
        entry.papers.append(paper)
    db.session.commit()


def papers_of(entry: BatchEntry) -> dict[int, Paper]:
    return {p.position: (p.spoiled, p.content) for p in entry.papers}


@dataclass(frozen=True)
class Difference:
    position: int
    first: Paper | None
    second: Paper | None


def differences(batch: PaperBatch) -> list[Difference]:
    """The papers the two finished typings read differently."""
    if len(batch.entries) < 2:
        return []
    first, second = (papers_of(e) for e in batch.entries)
    return [
        Difference(n, first.get(n), second.get(n))
        for n in range(1, batch.size + 1)
        if first.get(n) != second.get(n)
    ]


@_released_on_refusal
def finish_entry(actor, ballot, batch: PaperBatch, now: datetime) -> None:
    """Close the actor's typing; with both closed, commit if they agree."""
    batch = lock_batch(batch)
    entry = _open_entry(batch, actor)
    missing = [n for n in range(1, batch.size + 1) if n not in papers_of(entry)]
    if missing:
        raise DomainError(
            _l("Enter every paper first; missing: %(list)s.", list=", ".join(map(str, missing)))
        )
    entry.finished_at = now
    finished = [e for e in batch.entries if e.finished_at is not None]
    if len(finished) == 2:
        if differences(batch):
            batch.status = BatchStatus.DIFFERENT
        else:
            _commit(actor, ballot, batch, list(papers_of(entry).values()), now)
            return
    db.session.commit()


@_released_on_refusal
def resolve(actor, ballot, batch: PaperBatch, choices: dict[int, int], now: datetime) -> None:
    """A supervisor picks, for each differing paper, the typing (slot 1 or 2) that is right."""
    batch = lock_batch(batch)
    if batch.status is not BatchStatus.DIFFERENT:
        raise DomainError(_l("This batch has no differences to resolve."))
    if any(e.typist_id == actor.id for e in batch.entries):
        raise NotAllowed(_l("Someone who typed this batch cannot resolve its differences."))
    diffs = {d.position: d for d in differences(batch)}
    if set(choices) != set(diffs) or not set(choices.values()) <= {1, 2}:
        raise DomainError(_l("Choose the right reading for every difference."))
    papers = papers_of(batch.entries[0])
    for position, slot in choices.items():
        papers[position] = diffs[position].first if slot == 1 else diffs[position].second
    batch.resolved_by_id = actor.id
    _commit(actor, ballot, batch, list(papers.values()), now, resolved=sorted(choices.items()))


def _commit(actor, ballot, batch, papers: list[Paper], now: datetime, resolved=()) -> None:
    """Write the valid papers as ballot content, the paper tallies and the counts, in one go."""
    if len(papers) != batch.size:
        raise DomainError(_l("Every paper of the batch must be entered."))
    try:
        _check_counting(batch.table)
    except DomainError:
        db.session.rollback()
        raise
    valid = [loads(content) for spoiled, content in papers if not spoiled]
    try:
        for content in valid:
            ballot.validate(content)
    except DomainError as error:
        db.session.rollback()
        raise DomainError(
            _l("A paper of this batch breaks the ballot's rules; nothing was stored.")
        ) from error
    rows = [ballot.paper_row(content) for content in valid]
    db.session.add_all(rows)
    ballot.count_paper(rows)  # the paper tallies: this transaction names no voter
    batch.valid, batch.spoiled = len(valid), batch.size - len(valid)
    batch.status, batch.committed_at = BatchStatus.COMMITTED, now
    record(
        actor,
        "table.batch.commit",
        batch.table.process,
        table=batch.table_id,
        batch=batch.number,
        valid=batch.valid,
        spoiled=batch.spoiled,
        resolved=[{"paper": n, "slot": s} for n, s in resolved],
    )
    pb_ballot = ballot.ballot.id if ballot.kind == "pb" else None
    signals.paper_ballots_committed.send(batch.table.process, pb_ballot_id=pb_ballot, now=now)
    db.session.commit()
