"""The hashes of the chain and the signatures of its checkpoints: pure functions of a key."""

import hashlib
import hmac
import json
from datetime import datetime

from participa.audit.models import LEGACY, AuditEvent

GENESIS = "0" * 64


def _canonical(values: list) -> bytes:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def event_digest(event: AuditEvent, key: bytes) -> str:
    """The hash an event must carry: keyed (HMAC-SHA256) unless written before the key."""
    content = [
        event.prev_hash,
        event.at.isoformat(),
        event.actor_id,
        event.action,
        event.object_type,
        event.object_id,
        event.details,
    ]
    if event.scheme == LEGACY:  # the original chain, kept verifiable as it was written
        return hashlib.sha256(_canonical(content)).hexdigest()
    payload = _canonical([event.scheme, event.seq, *content])
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def checkpoint_signature(at: datetime, event_count: int, tip_hash: str, key: bytes) -> str:
    """The HMAC-SHA256 of a checkpoint: only the holder of the key can make a valid one."""
    payload = _canonical(["checkpoint", at.isoformat(), event_count, tip_hash])
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def signature_holds(signature: str, at: datetime, event_count: int, tip_hash: str, key) -> bool:
    expected = checkpoint_signature(at, event_count, tip_hash, key)
    return hmac.compare_digest(signature, expected)
