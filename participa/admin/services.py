"""Account administration rules: every change is in the audit log."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError

from participa.audit.models import AuditEvent
from participa.audit.services import record
from participa.auth.models import Role, User
from participa.auth.services import create_account
from participa.core.errors import DomainError
from participa.extensions import db

PAGE_SIZE = 50


def _matching(text: str):
    """Accounts matching `text` in name, e-mail or CURP (all of them for no text)."""
    query = db.select(User)
    if text := text.strip():
        like = f"%{text.lower()}%"
        query = query.where(
            or_(
                func.lower(User.name).like(like),
                User.email.like(like),
                User.phone.like(like),
                func.lower(User.curp).like(like),
            )
        )
    return query


def count_users(text: str = "") -> int:
    query = db.select(func.count()).select_from(_matching(text).subquery())
    return db.session.execute(query).scalar_one()


def search_users(text: str = "", page: int = 1) -> list[User]:
    """One page of the accounts matching `text` (page: from 1, bounded by the caller)."""
    query = _matching(text).order_by(User.name)
    query = query.limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)
    return list(db.session.execute(query).scalars())


def _last_admin(user: User) -> bool:
    admins = db.select(func.count()).where(User.role == Role.ADMIN, User.active.is_(True))
    # A blocked admin is not among the active ones, so changing it cannot leave none.
    return user.role is Role.ADMIN and user.active and db.session.execute(admins).scalar_one() <= 1


def set_role(actor: User, user: User, role: Role) -> None:
    if user.id == actor.id:
        raise DomainError(_l("You cannot change your own role."))
    if role is not Role.ADMIN and _last_admin(user):
        raise DomainError(_l("The last administrator cannot lose the role."))
    before = user.role
    user.role = role
    record(actor, "user.role", user, before=before, after=role)
    db.session.commit()


def set_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id:
        raise DomainError(_l("You cannot block your own account."))
    if not active and _last_admin(user):
        raise DomainError(_l("The last administrator cannot be blocked."))
    user.active = active
    if not active:
        user.end_sessions()
    record(actor, "user.unblock" if active else "user.block", user)
    db.session.commit()


def add_account(actor: User, *, name, email, role: Role, password, hash_method) -> User:
    user = create_account(
        name=name, email=email, password=password, role=role, hash_method=hash_method
    )
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(_l("This e-mail already has an account."), field="email") from error
    record(actor, "user.create", user, role=role)
    db.session.commit()
    return user


def audit_events(limit: int = 200) -> list[AuditEvent]:
    query = db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    return list(db.session.execute(query).scalars())
