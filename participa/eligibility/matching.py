"""Attaching residents to roll entries: by CURP, by a key they type, and after an import.

An entry is attached by a conditional UPDATE (`... WHERE user_id IS NULL`), so of many
simultaneous claims exactly one account becomes the holder; every other claimant is recorded
as a conflict for staff, never shown an error page. The unique (roll, user) constraint keeps
one entry per account and roll.
"""

import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, insert, update
from sqlalchemy.exc import IntegrityError

from participa.auth.models import User
from participa.core.errors import DomainError
from participa.eligibility.keys import InvalidKey, normalise
from participa.eligibility.models import (
    KeyKind,
    ResidentKey,
    RollConflict,
    RollEntry,
)
from participa.extensions import db


class Claim(enum.StrEnum):
    ATTACHED = "attached"
    ALREADY_YOURS = "already_yours"
    CONFLICT = "conflict"
    OTHER_ENTRY = "other_entry"  # the account already holds another entry of that roll


@dataclass(frozen=True)
class KeyOutcome:
    value: str
    claims: tuple[Claim, ...]

    @property
    def found(self) -> bool:
        return bool(self.claims)

    @property
    def conflict(self) -> bool:
        return Claim.CONFLICT in self.claims


def _holds_in_roll(roll_id: int, user_id: int) -> int | None:
    query = db.select(RollEntry.id).where(
        RollEntry.roll_id == roll_id, RollEntry.user_id == user_id
    )
    return db.session.execute(query).scalar()


def _record_conflict(entry_id: int, claimant_id: int, holder_id: int | None, now) -> None:
    exists = db.session.execute(
        db.select(RollConflict.id).where(
            RollConflict.entry_id == entry_id, RollConflict.claimant_id == claimant_id
        )
    ).first()
    if not exists:
        db.session.add(
            RollConflict(
                entry_id=entry_id, claimant_id=claimant_id, holder_id=holder_id, created_at=now
            )
        )


def claim(entry_id: int, roll_id: int, user, now: datetime) -> Claim:
    """Attach entry `entry_id` to `user` if nobody holds it; else record a conflict (flushes)."""
    held = _holds_in_roll(roll_id, user.id)
    if held == entry_id:
        return Claim.ALREADY_YOURS
    if held is not None:
        return Claim.OTHER_ENTRY
    attached = db.session.execute(
        update(RollEntry)
        .where(RollEntry.id == entry_id, RollEntry.user_id.is_(None))
        .values(user_id=user.id, attached_at=now)
        .execution_options(synchronize_session=False)
    )
    if attached.rowcount == 1:
        return Claim.ATTACHED
    holder = db.session.execute(
        db.select(RollEntry.user_id).where(RollEntry.id == entry_id)
    ).scalar()
    if holder == user.id:
        return Claim.ALREADY_YOURS
    _record_conflict(entry_id, user.id, holder, now)
    db.session.flush()
    return Claim.CONFLICT


def _claim_all(kind: KeyKind, value: str, user, now) -> tuple[Claim, ...]:
    query = db.select(RollEntry.id, RollEntry.roll_id).where(
        RollEntry.key_kind == kind, RollEntry.key_value == value
    )
    return tuple(claim(eid, rid, user, now) for eid, rid in db.session.execute(query).all())


def _commit_claims() -> None:
    try:
        db.session.commit()
    except IntegrityError as error:  # the same account claimed twice at the same moment
        db.session.rollback()
        raise DomainError(
            _l("Your key is being checked already. Please reload the page.")
        ) from error
    db.session.expire_all()


def match_user(user, now: datetime) -> tuple[Claim, ...]:
    """Attach `user` to every roll entry of their CURP (at registration); commit."""
    if not user.curp:
        return ()
    claims = _claim_all(KeyKind.CURP, user.curp, user, now)
    _commit_claims()
    return claims


def add_key(user, kind: KeyKind, text: str, now: datetime) -> KeyOutcome:
    """Keep the voter key or property-tax account `user` typed and claim its entries; commit."""
    if kind not in (KeyKind.VOTER, KeyKind.PREDIAL):
        raise DomainError(_l("Choose the kind of key."), field="kind")
    try:
        value = normalise(kind, text)
    except InvalidKey as error:
        raise DomainError(error.message, field="value") from error
    stored = db.session.execute(
        db.select(ResidentKey).where(ResidentKey.user_id == user.id, ResidentKey.kind == kind)
    ).scalar_one_or_none()
    if stored is None:
        db.session.add(ResidentKey(user_id=user.id, kind=kind, value=value, created_at=now))
    elif stored.value != value:
        stored.value, stored.created_at = value, now
    db.session.flush()  # the first write: on SQLite it takes the lock before any read below
    claims = _claim_all(kind, value, user, now)
    _commit_claims()
    return KeyOutcome(value, claims)


def match_roll(roll_id: int, now: datetime) -> tuple[int, int]:
    """Attach the roll's free entries to the accounts whose CURP or typed key they name.

    Runs inside an import (flushes, no commit); return (attached, conflicts). Several
    accounts naming one entry: the one that typed its key first holds it, the rest conflict.
    """
    free = and_(RollEntry.roll_id == roll_id, RollEntry.user_id.is_(None))
    from_curp = db.session.execute(
        db.select(RollEntry.id, User.id)
        .join(User, User.curp == RollEntry.key_value)
        .where(free, RollEntry.key_kind == KeyKind.CURP)
    ).all()
    from_keys = db.session.execute(
        db.select(RollEntry.id, ResidentKey.user_id)
        .join(
            ResidentKey,
            and_(ResidentKey.kind == RollEntry.key_kind, ResidentKey.value == RollEntry.key_value),
        )
        .where(free)
        .order_by(ResidentKey.created_at, ResidentKey.id)
    ).all()
    holders = set(
        db.session.execute(
            db.select(RollEntry.user_id).where(
                RollEntry.roll_id == roll_id, RollEntry.user_id.is_not(None)
            )
        ).scalars()
    )
    taken: dict[int, int] = {}
    conflicts: list[tuple[int, int, int]] = []
    for entry_id, user_id in [*from_curp, *from_keys]:
        if entry_id in taken:
            if taken[entry_id] != user_id:
                conflicts.append((entry_id, user_id, taken[entry_id]))
        elif user_id not in holders:
            taken[entry_id] = user_id
            holders.add(user_id)
    if taken:
        db.session.execute(
            update(RollEntry),
            [{"id": e, "user_id": u, "attached_at": now} for e, u in taken.items()],
        )
    unique_conflicts = {(e, c): h for e, c, h in conflicts}
    if unique_conflicts:
        db.session.execute(
            insert(RollConflict),
            [
                {"entry_id": e, "claimant_id": c, "holder_id": h, "created_at": now}
                for (e, c), h in unique_conflicts.items()
            ],
        )
    return len(taken), len(unique_conflicts)
