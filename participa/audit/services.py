"""Append audit events to the keyed chain, one writer at a time, and sign its checkpoints.

`record()` only queues the event on the session; the chain is extended when that session
commits (`before_commit`): the action's own rows are flushed first, then the chain's lock is
taken (PostgreSQL: a transaction-level advisory lock; SQLite: its single write lock), the tip
is read and the queued events are linked after it. The lock is held only for those few rows,
until the commit, so concurrent audited actions wait a moment for each other instead of
colliding on the tip, and the event commits with the action or not at all.
"""

import json

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import event as sa_event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from participa.audit.chain import GENESIS, checkpoint_signature, event_digest
from participa.audit.models import KEYED, AuditCheckpoint, AuditEvent
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db

PENDING = "audit_pending"
CHECKPOINT_WANTED = "audit_checkpoint_wanted"
# The PostgreSQL advisory lock of the chain's tip (one bigint key: "audit" in ASCII). Folds
# take two-integer keys, a separate key space.
CHAIN_LOCK = 0x6175646974


class AuditAppendFailed(DomainError):
    """The audit event could not be written, so the action it records was not stored either."""

    def __init__(self):
        super().__init__(
            _l("Nothing was saved: the audit log could not record it. Please try again.")
        )


def record(actor, action: str, obj=None, **details) -> AuditEvent:
    """Queue an event for `action` on `obj` by `actor`; the caller's commit writes it.

    `actor` is a user, or a user's id (a background job knows only the id, and a domain below
    auth cannot load the user)."""
    actor, obj = _real(actor), _real(obj)
    event = AuditEvent(
        at=utcnow().replace(microsecond=0),
        actor_id=actor if isinstance(actor, int) or actor is None else actor.id,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.id) if obj is not None else "",
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        scheme=KEYED,
    )
    db.session.info.setdefault(PENDING, []).append(event)
    return event


def _real(value):
    """The object behind a context proxy (`current_user`), so its type is the real one."""
    unwrap = getattr(value, "_get_current_object", None)
    return unwrap() if callable(unwrap) else value


def request_checkpoint() -> None:
    """Sign a checkpoint of the tip when the session's transaction commits."""
    db.session.info[CHECKPOINT_WANTED] = True


def checkpoint_now() -> AuditCheckpoint | None:
    """Sign a checkpoint of the tip now (its own commit); return the latest checkpoint."""
    request_checkpoint()
    db.session.commit()
    return latest_checkpoint()


def latest_checkpoint() -> AuditCheckpoint | None:
    query = db.select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)
    return db.session.execute(query).scalar()


def audit_key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


@sa_event.listens_for(Session, "before_commit")
def _extend_chain(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    wanted = session.info.pop(CHECKPOINT_WANTED, False)
    if not pending and not wanted:
        return
    session.flush()  # the action's rows, and their row locks, before the chain's lock
    try:
        _lock_chain(session)
        seq, tip = _tip(session)
        key = audit_key()
        every = current_app.config["AUDIT_CHECKPOINT_EVERY"]
        for event in pending:
            seq += 1
            event.seq, event.prev_hash = seq, tip
            event.hash = tip = event_digest(event, key)
            session.add(event)
        last = _last_checkpoint_count(session)
        if seq != last and (wanted or seq - last >= every):
            _add_checkpoint(session, seq, tip, key)
        session.flush()
    except SQLAlchemyError as error:
        raise AuditAppendFailed() from error


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_pending(session: Session, transaction) -> None:
    """A rolled-back (or closed) transaction takes its queued events with it."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(CHECKPOINT_WANTED, None)


def _lock_chain(session: Session) -> None:
    if session.connection().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK)))
    else:  # pysqlite begins at the first write: one that changes nothing takes the lock now
        table = AuditEvent.__table__
        session.execute(sa.update(table).where(sa.false()).values(id=table.c.id))


def _tip(session: Session) -> tuple[int, str]:
    query = sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    row = session.execute(query).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def _last_checkpoint_count(session: Session) -> int:
    query = sa.select(AuditCheckpoint.event_count).order_by(AuditCheckpoint.id.desc()).limit(1)
    return session.execute(query).scalar() or 0


def _add_checkpoint(session: Session, count: int, tip: str, key: bytes) -> None:
    at = utcnow().replace(microsecond=0)
    signature = checkpoint_signature(at, count, tip, key)
    session.add(AuditCheckpoint(at=at, event_count=count, tip_hash=tip, signature=signature))


def checkpoints(limit: int | None = None) -> list[AuditCheckpoint]:
    """The published checkpoints, newest first."""
    query = db.select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(limit)
    return list(db.session.execute(query).scalars())
