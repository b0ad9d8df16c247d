"""The verification desk: find a person, see their roll entries, verify in person (ID seen)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from participa.audit.services import record
from participa.auth.models import Role, User
from participa.core.errors import DomainError
from participa.eligibility.keys import SEPARATORS, find_entries
from participa.eligibility.models import IdKind, PersonVerification, ResidentKey
from participa.extensions import db

MAX_NOTE = 300
MAX_PEOPLE = 50

ID_LABELS = {
    IdKind.INE: _l("Voter card (INE)"),
    IdKind.PASSPORT: _l("Passport"),
    IdKind.LICENCE: _l("Driving licence"),
    IdKind.CARTILLA: _l("Military service card"),
    IdKind.OTHER: _l("Other official ID"),
}


def active_verification(user) -> PersonVerification | None:
    query = db.select(PersonVerification).where(
        PersonVerification.user_id == user.id, PersonVerification.undone_at.is_(None)
    )
    return db.session.execute(query.order_by(PersonVerification.id.desc())).scalars().first()


def is_verified(user) -> bool:
    return active_verification(user) is not None


def history(user) -> list[PersonVerification]:
    query = db.select(PersonVerification).where(PersonVerification.user_id == user.id)
    return list(db.session.execute(query.order_by(PersonVerification.id.desc())).scalars())


def search_people(text: str) -> list[User]:
    """Residents by CURP, typed key, e-mail or name, and the holders of matching roll entries."""
    text = (text or "").strip()
    if len(text) < 3:
        return []
    key = SEPARATORS.sub("", text.upper())
    typed = db.select(ResidentKey.user_id).where(ResidentKey.value == key)
    query = db.select(User).where(
        User.role == Role.CITIZEN,
        or_(
            User.curp == key,
            User.id.in_(typed),
            User.email.ilike(f"%{text}%"),
            User.phone.ilike(f"%{text}%"),
            User.name.ilike(f"%{text}%"),
        ),
    )
    people = {u.id: u for u in db.session.execute(query.limit(MAX_PEOPLE)).scalars()}
    for entry in find_entries(text):
        if entry.user is not None:
            people.setdefault(entry.user.id, entry.user)
    return sorted(people.values(), key=lambda u: u.name)


def verify(actor, user, id_kind: IdKind, note: str, now: datetime) -> PersonVerification:
    """Mark `user` verified in person with the ID seen (audited)."""
    if user.role is not Role.CITIZEN:
        raise DomainError(_l("Only residents' accounts are verified at the desk."))
    if is_verified(user):
        raise DomainError(_l("This person is already verified in person."))
    if len(note or "") > MAX_NOTE:
        raise DomainError(_l("The note is too long: at most %(n)s characters.", n=MAX_NOTE), "note")
    verification = PersonVerification(
        user_id=user.id,
        id_kind=id_kind,
        note=(note or "").strip(),
        verified_at=now,
        verified_by_id=actor.id,
    )
    db.session.add(verification)
    db.session.flush()
    record(actor, "eligibility.verify", user, id_kind=id_kind, verification=verification.id)
    db.session.commit()
    return verification


def undo(actor, verification: PersonVerification, reason: str, now: datetime) -> None:
    """Withdraw an in-person verification, with the reason (audited; the record stays)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Write why the verification is undone."), field="reason")
    if len(reason) > MAX_NOTE:
        raise DomainError(
            _l("The reason is too long: at most %(n)s characters.", n=MAX_NOTE), field="reason"
        )
    if verification.undone_at is not None:
        raise DomainError(_l("This verification was already undone."))
    verification.undone_at, verification.undone_by_id = now, actor.id
    verification.undo_reason = reason
    user = db.session.get(User, verification.user_id)
    record(actor, "eligibility.verify.undo", user, verification=verification.id, reason=reason)
    db.session.commit()
