"""Write audit events and verify the chain."""

import hashlib
import json
from dataclasses import dataclass

from participa.audit.models import AuditEvent
from participa.core.timeutil import utcnow
from participa.extensions import db

GENESIS = "0" * 64


def _digest(prev_hash: str, at: str, actor_id, action, object_type, object_id, details) -> str:
    payload = json.dumps(
        [prev_hash, at, actor_id, action, object_type, object_id, details],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _event_digest(event: AuditEvent) -> str:
    return _digest(
        event.prev_hash,
        event.at.isoformat(),
        event.actor_id,
        event.action,
        event.object_type,
        event.object_id,
        event.details,
    )


def record(actor, action: str, obj=None, **details) -> AuditEvent:
    """Append an event for `action` on `obj` by `actor`; the caller's transaction commits it."""
    tip = db.session.execute(
        db.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).scalar()
    event = AuditEvent(
        at=utcnow().replace(microsecond=0),
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.id) if obj is not None else "",
        details=json.dumps(details, ensure_ascii=False, sort_keys=True, default=str),
        prev_hash=tip or GENESIS,
    )
    event.hash = _event_digest(event)
    db.session.add(event)
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_id: int | None


def verify_chain() -> ChainReport:
    """Walk the log in order and report the first event whose hash or link does not hold."""
    expected_prev = GENESIS
    checked = 0
    events = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()
    for event in events:
        if event.prev_hash != expected_prev or event.hash != _event_digest(event):
            return ChainReport(checked, event.id)
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked, None)
