"""Conflicts: a second account claimed a roll entry; staff keep the holder or move the entry."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.eligibility.models import ConflictStatus, RollConflict, RollEntry
from participa.extensions import db

MAX_NOTE = 300


def open_conflicts() -> list[RollConflict]:
    query = db.select(RollConflict).where(RollConflict.status == ConflictStatus.OPEN)
    return list(db.session.execute(query.order_by(RollConflict.id)).scalars())


def recent_resolved(limit: int = 20) -> list[RollConflict]:
    query = db.select(RollConflict).where(RollConflict.status != ConflictStatus.OPEN)
    return list(db.session.execute(query.order_by(RollConflict.id.desc()).limit(limit)).scalars())


def open_count() -> int:
    query = db.select(db.func.count(RollConflict.id)).where(
        RollConflict.status == ConflictStatus.OPEN
    )
    return db.session.execute(query).scalar_one()


def resolve(actor, conflict: RollConflict, move: bool, note: str, now: datetime) -> None:
    """Keep the entry with its holder, or move it to the claimant (audited)."""
    if conflict.status is not ConflictStatus.OPEN:
        raise DomainError(_l("This conflict was already resolved."))
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise DomainError(_l("The note is too long: at most %(n)s characters.", n=MAX_NOTE), "note")
    entry = conflict.entry
    previous = entry.user_id
    if move:
        other = db.session.execute(
            db.select(RollEntry.id).where(
                RollEntry.roll_id == entry.roll_id, RollEntry.user_id == conflict.claimant_id
            )
        ).scalar()
        if other is not None:
            raise DomainError(
                _l("The claimant already holds another entry of this roll: resolve that first.")
            )
        db.session.execute(
            update(RollEntry)
            .where(RollEntry.id == entry.id)
            .values(user_id=conflict.claimant_id, attached_at=now)
            .execution_options(synchronize_session=False)
        )
    conflict.status = ConflictStatus.MOVED if move else ConflictStatus.KEPT
    conflict.resolved_at, conflict.resolved_by_id, conflict.note = now, actor.id, note
    record(
        actor,
        "eligibility.conflict.move" if move else "eligibility.conflict.keep",
        conflict,
        entry=entry.id,
        holder=previous,
        claimant=conflict.claimant_id,
        note=note,
    )
    db.session.commit()
    db.session.expire_all()
