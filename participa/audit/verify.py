"""Check the chain against its key and against checkpoints, the stored ones and an outsider's.

`verify_chain` walks the events in chain order (`seq`) once and names every event where the
log was altered: an edited event (its keyed hash fails: content, actor, time or place), a
deletion (a gap in the positions), a broken link, a reordering (stored out of chain order),
an unkeyed event after keyed ones (a downgrade), and a tail cut short or rewritten (a
checkpoint's tip is missing or different). It reads every event: a command's work, never a
web request's. `verify_recent`, for the admin page, reads at most about PAGE_EVENTS.
"""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime

from participa.audit.chain import GENESIS, event_digest, signature_holds
from participa.audit.models import LEGACY, AuditCheckpoint, AuditEvent
from participa.audit.services import audit_key
from participa.core.timeutil import as_utc
from participa.extensions import db

PAGE_EVENTS = 1000  # the most events a page reads (`verify_recent`)


@dataclass(frozen=True)
class Problem:
    event_id: int | None
    kind: str  # edited, deleted, link, reordered, downgrade, truncated, checkpoint
    text: str


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as published: from the database or from an outsider's copy."""

    at: datetime
    event_count: int
    tip_hash: str
    signature: str
    source: str  # "database" or the file's name


@dataclass
class ChainReport:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    checked_tip: int = 0  # the last position walked
    from_checkpoint: bool = False  # only the events since the latest checkpoint were read
    window: bool = False  # no recent checkpoint: only the last PAGE_EVENTS events were read

    @property
    def first_broken_id(self) -> int | None:
        """The first altered event, if the problems name one."""
        ids = [p.event_id for p in self.problems if p.event_id is not None]
        return min(ids) if ids else None

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(outside: list[Checkpoint] = ()) -> ChainReport:
    """Walk the chain and check it against the stored checkpoints and `outside` ones."""
    key = audit_key()
    stored = stored_checkpoints()
    wanted = {c.event_count for c in (*stored, *outside)}
    tips: dict[int, tuple[int, str]] = {}  # seq -> (event id, hash), at checkpoint positions
    report = ChainReport()
    _walk(report, key, wanted, tips)
    for checkpoint in stored:
        _check_checkpoint(report, checkpoint, tips, report.checked_tip, key)
    stored_keys = {(c.event_count, c.tip_hash) for c in stored}
    for checkpoint in outside:
        if (checkpoint.event_count, checkpoint.tip_hash) not in stored_keys:
            report.problems.append(_missing_from_database(checkpoint))
        _check_checkpoint(report, checkpoint, tips, report.checked_tip, key)
    return report


def verify_recent(most: int = PAGE_EVENTS) -> ChainReport:
    """Check the chain's recent part for a page, reading at most about `most` events.

    Normally the latest stored checkpoint and the events from its tip on (a checkpoint is
    signed at least every AUDIT_CHECKPOINT_EVERY events). With no checkpoint, or none within
    `most` events of the tip (right after migrating a large unkeyed log), only the last `most`
    events (`window`); `flask audit-verify` checks the whole chain.
    """
    query = db.select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    latest = db.session.execute(query).scalar()
    tip = db.session.execute(db.select(db.func.max(AuditEvent.seq))).scalar() or 0
    if latest is not None and latest.event_count > 0 and tip - latest.event_count < most:
        return _verify_from(_published(latest))
    if tip <= most:
        return verify_chain()  # fewer events than a page may read: all of them
    report = ChainReport(window=True)
    _walk(report, audit_key(), set(), {}, first=tip - most + 1)
    return report


def _verify_from(checkpoint: Checkpoint) -> ChainReport:
    """The checkpoint, and the events from its tip on."""
    key = audit_key()
    report, tips = ChainReport(from_checkpoint=True), {}
    _walk(report, key, {checkpoint.event_count}, tips, first=checkpoint.event_count)
    _check_checkpoint(report, checkpoint, tips, report.checked_tip, key)
    return report


def _walk(report: ChainReport, key: bytes, wanted: set[int], tips: dict, first: int = 1) -> None:
    """Walk the events from position `first` on (the first one's link is taken as it is)."""
    expected_seq, expected_prev, last_id, keyed_seen = first, GENESIS, 0, False
    query = db.select(AuditEvent).where(AuditEvent.seq >= first).order_by(AuditEvent.seq)
    for event in db.session.execute(query.execution_options(yield_per=500)).scalars():
        if first > 1 and not report.checked:  # mid-chain: this event's own link is not read
            expected_prev, keyed_seen = event.prev_hash, event.scheme != LEGACY
        report.checked += 1
        for problem in _event_problems(event, expected_seq, expected_prev, last_id, keyed_seen):
            report.problems.append(problem)
        if event.hash != event_digest(event, key):
            report.problems.append(Problem(event.id, "edited", _EDITED.format(id=event.id)))
        if event.seq in wanted:
            tips[event.seq] = (event.id, event.hash)
        keyed_seen = keyed_seen or event.scheme != LEGACY
        expected_seq, expected_prev, last_id = event.seq + 1, event.hash, event.id
    report.checked_tip = expected_seq - 1


_EDITED = (
    "event {id} was edited: its content (action, actor, object, details or time) does not "
    "match its keyed hash"
)


def _event_problems(event, expected_seq, expected_prev, last_id, keyed_seen):
    if event.seq > expected_seq:
        yield Problem(
            event.id,
            "deleted",
            f"events at positions {expected_seq}-{event.seq - 1} were deleted before event "
            f"{event.id}",
        )
    elif event.prev_hash != expected_prev:
        yield Problem(event.id, "link", f"event {event.id} does not link to the event before it")
    if event.id < last_id:
        yield Problem(
            event.id,
            "reordered",
            f"event {event.id} is stored before event {last_id} but follows it in the chain "
            "(reordered)",
        )
    if keyed_seen and event.scheme == LEGACY:
        yield Problem(event.id, "downgrade", f"event {event.id} is unkeyed after keyed events")


def _check_checkpoint(report, checkpoint: Checkpoint, tips, tip_seq: int, key: bytes) -> None:
    when = checkpoint.at.isoformat()
    count, expected = checkpoint.event_count, checkpoint.tip_hash
    if not signature_holds(checkpoint.signature, checkpoint.at, count, expected, key):
        report.problems.append(
            Problem(
                None,
                "checkpoint",
                f"checkpoint of {when} ({checkpoint.source}) has an "
                "invalid signature: not made with this installation's key",
            )
        )
        return
    if count == 0:
        return
    if count > tip_seq:
        report.problems.append(
            Problem(
                None,
                "truncated",
                f"the log was cut short: the checkpoint of {when} "
                f"({checkpoint.source}) counted {count} events, the chain has {tip_seq}; "
                f"events at positions {tip_seq + 1}-{count} were deleted",
            )
        )
        return
    event_id, found = tips.get(count, (None, None))
    if found != expected:
        report.problems.append(
            Problem(
                event_id,
                "truncated",
                f"event {event_id} at position {count} differs from "
                f"the checkpoint of {when} ({checkpoint.source}): the chain was rewritten",
            )
        )


def _missing_from_database(checkpoint: Checkpoint) -> Problem:
    return Problem(
        None,
        "checkpoint",
        f"the checkpoint of {checkpoint.at.isoformat()} ({checkpoint.event_count} events, "
        f"{checkpoint.source}) is missing from the database: it was deleted",
    )


def stored_checkpoints() -> list[Checkpoint]:
    rows = db.session.execute(db.select(AuditCheckpoint).order_by(AuditCheckpoint.id)).scalars()
    return [_published(c) for c in rows]


def _published(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(row.at, row.event_count, row.tip_hash, row.signature, "database")


def read_checkpoint_file(text: str, source: str) -> list[Checkpoint]:
    """Checkpoints from a published file (JSON or CSV, as downloaded); ValueError if not one."""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith(("{", "[")):
        data = json.loads(text)
        rows = data["checkpoints"] if isinstance(data, dict) else data
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    try:
        return [
            Checkpoint(
                as_utc(datetime.fromisoformat(row["at"])),
                int(row["events"]),
                str(row["tip_hash"]),
                str(row["signature"]),
                source,
            )
            for row in rows
        ]
    except (KeyError, TypeError) as error:
        raise ValueError(f"{source} is not a file of audit checkpoints: {error}") from error
