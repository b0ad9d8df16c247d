"""Audit events, each holding the keyed hash of the one before it, and signed checkpoints."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from participa.core.dbtypes import UtcDateTime
from participa.core.timeutil import utcnow
from participa.extensions import db

# How an event's hash is computed: LEGACY events (written before the chain had a key) are a
# plain SHA-256 of their content; KEYED ones an HMAC-SHA256 under AUDIT_KEY, which someone
# with the database but not the key cannot recompute.
LEGACY = 0
KEYED = 1


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    # Its place in the chain (1, 2, 3 ...): a gap is a deletion, and the tip's is the count.
    # Unique, like prev_hash, so two writers that read the same tip cannot both extend it.
    seq: Mapped[int] = mapped_column(unique=True)
    scheme: Mapped[int] = mapped_column(default=KEYED, server_default=str(LEGACY))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    # Named, not imported: accounts (auth) record their own events here, so audit sits below.
    actor: Mapped["User | None"] = relationship()  # noqa: F821


class AuditCheckpoint(db.Model):
    """The chain's tip at a moment, signed with the key and published for outsiders to keep."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    event_count: Mapped[int]  # the seq of the tip
    tip_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(64))
