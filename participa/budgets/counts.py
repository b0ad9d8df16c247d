"""Counting PB ballots in the background, when voting closes or staff ask, and its state.

Equal Shares reads every vote (about a minute at a million), longer than a web request may
last, so no page counts: a count is *claimed* (its `pb_count` row set to "counting" by one
statement that only one of two simultaneous claims can win), then runs away from the request
as a background job (participa.core.jobs: queued again when its worker stops, so a count lost
with a restarted worker runs again), ballot by ballot, each stored in a transaction of its own
with the fingerprint of what it counted, or with its error. Pages read only what is stored
(`status`). A claim older than PB_COUNT_STALE_AFTER is taken for a count whose server
process stopped, and may be claimed again (`flask pb-count --force` takes it over at once);
only the latest claim may store its result. A count that sees the ballot change while it ran
(a paper batch, new settings) counts again, up to RECOUNTS times.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql, sqlite

from participa.audit.services import record
from participa.budgets.count_store import dumps, fingerprint, loads
from participa.budgets.counting import Comparison, compare
from participa.budgets.models import CountState, PbBallot, PbCount
from participa.budgets.turnout import store_turnout
from participa.core import jobs
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db

log = logging.getLogger("participa.budgets")

MAX_ERROR = 2000  # characters of an error kept for staff
RECOUNTS = 3  # counts of one claim while votes or settings change under it
COUNT_LABEL = jobs.N_("Count of the participatory budget")
ALREADY_COUNTING = _l("The count is already running; this page shows its result when it ends.")


@dataclass(frozen=True)
class CountStatus:
    """What staff and readers know of a ballot's count."""

    state: CountState | None  # None: never counted
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str = ""
    counted_at: datetime | None = None  # when the stored comparison was counted
    comparison: Comparison | None = None  # the last successful count, laid out
    current: bool = False  # the stored comparison is of today's votes and settings
    stopped: bool = False  # "counting" for longer than a count can take

    @property
    def counting(self) -> bool:
        return self.state is CountState.COUNTING and not self.stopped

    @property
    def failed(self) -> bool:
        return self.state is CountState.FAILED


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=current_app.config.get("PB_COUNT_STALE_AFTER", 900))


def status(ballot: PbBallot, now: datetime) -> CountStatus:
    """The ballot's stored count and the state of its last attempt (reads no vote)."""
    row = db.session.get(PbCount, ballot.id)
    if row is None:
        return CountStatus(None)
    comparison = loads(ballot, row.result) if row.result else None
    return CountStatus(
        state=row.state,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
        counted_at=row.counted_at,
        comparison=comparison,
        current=comparison is not None and row.fingerprint == fingerprint(ballot),
        stopped=row.state is CountState.COUNTING and row.started_at < _stale_before(now),
    )


def _claim(ballot_id: int, now: datetime, force: bool = False) -> int | None:
    """Mark the ballot "counting" unless a live count holds it (or `force`: take it over);
    the attempt number, or None."""
    table = PbCount.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    first = (
        dialect.insert(table)
        .values(ballot_id=ballot_id, state=CountState.COUNTING, attempt=1, started_at=now, error="")
        .on_conflict_do_nothing()
        .returning(table.c.attempt)
    )
    if (attempt := db.session.execute(first).scalar()) is not None:
        return attempt
    # A row exists: take it over when its count ended, or stopped long ago (or when forced: a
    # count killed with its worker; a count still running then cannot store its end, as only
    # the latest attempt may). Of two claims at once, the second waits for the first's row
    # lock and then no longer matches.
    free = (table.c.state != CountState.COUNTING) | (table.c.started_at < _stale_before(now))
    again = (
        sa.update(table)
        .where(table.c.ballot_id == ballot_id, sa.true() if force else free)
        .values(
            state=CountState.COUNTING,
            attempt=table.c.attempt + 1,
            started_at=now,
            finished_at=None,
            error="",
        )
        .returning(table.c.attempt)
    )
    return db.session.execute(again).scalar()  # None: counting already


def claim(ballot_ids: list[int], now: datetime, force: bool = False) -> list[list[int]]:
    """Claim each ballot not being counted; [ballot id, attempt] of those claimed (no commit)."""
    claims = []
    for ballot_id in ballot_ids:
        attempt = _claim(ballot_id, now, force)
        if attempt is not None:
            claims.append([ballot_id, attempt])
    return claims


def count_after_commit(process_id: int, ballot_ids: list[int], now: datetime) -> list[list[int]]:
    """Claim the ballots and count them in the background once the caller commits."""
    claims = claim(ballot_ids, now)
    if claims:
        jobs.after_commit(
            f"pb-count-{process_id}",
            run_counts,
            process_id,
            claims,
            label=COUNT_LABEL,
            subject=f"process:{process_id}",
        )
    return claims


def recount_if_changed(ballot: PbBallot, now: datetime) -> None:
    """Count a closed ballot again (after the caller commits) unless its count is current."""
    row = db.session.get(PbCount, ballot.id)
    if row is None or row.result is None or row.fingerprint != fingerprint(ballot):
        count_after_commit(ballot.process_id, [ballot.id], now)


def request_count(actor, process, ballot_ids: list[int], now: datetime) -> int:
    """Staff's "count now": claim and commit, then count in the background; how many started.

    Raises DomainError when every ballot is being counted already.
    """
    claims = count_after_commit(process.id, ballot_ids, now)
    if claims:
        record(actor, "pb.count.request", process, ballots=[ballot_id for ballot_id, _ in claims])
    db.session.commit()
    if not claims and ballot_ids:
        raise DomainError(ALREADY_COUNTING)
    return len(claims)


def count_here(
    process_id: int, ballot_ids: list[int], now: datetime, force: bool = False
) -> list[list[int]]:
    """Claim the ballots and count them in this thread (commands); the claims counted."""
    claims = claim(ballot_ids, now, force)
    db.session.commit()
    run_counts(process_id, claims)
    return claims


def _describe(error: Exception) -> str:
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:MAX_ERROR]


def _finish(ballot_id: int, attempt: int, **values) -> None:
    """Store the attempt's end, unless a later claim took the ballot over meanwhile."""
    table = PbCount.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.ballot_id == ballot_id, table.c.attempt == attempt)
        .values(finished_at=utcnow(), **values)
    )
    db.session.commit()


def count_ballot(ballot_id: int, attempt: int) -> None:
    """Count one claimed ballot and store the comparison, or the error."""
    try:
        ballot = db.session.get(PbBallot, ballot_id)
        if ballot is None:
            return  # deleted since: its pb_count row went with it
        for _round in range(RECOUNTS):
            key = fingerprint(ballot)  # before counting: votes added meanwhile make it stale
            stored = dumps(compare(ballot))
            db.session.rollback()  # end the read snapshot: see what others committed since
            if fingerprint(ballot) == key:
                break  # nothing changed while counting (a paper batch, new settings)
    except Exception as error:
        db.session.rollback()
        log.exception("PB count of ballot %s failed", ballot_id)
        _finish(ballot_id, attempt, state=CountState.FAILED, error=_describe(error))
        return
    _finish(
        ballot_id,
        attempt,
        state=CountState.DONE,
        error="",
        fingerprint=key,
        result=stored,
        counted_at=utcnow(),
    )


def run_counts(process_id: int, claims: list[list[int]]) -> None:
    """The background job: count each claimed ballot, then the process's turnout."""
    for ballot_id, attempt in claims:
        count_ballot(ballot_id, attempt)
    try:
        store_turnout(process_id)
    except Exception:
        db.session.rollback()  # the page falls back to the tallies, and says so
        log.exception("PB turnout of process %s not stored", process_id)
