"""Reports, hiding by reports, staff review (restore or hide) and blocking accounts.

Reportable targets are the kinds registered in moderation/registry.py by the domains that own
them (proposals, comments, event questions, citizen findings); each kind has its own nullable
column on `Report`.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError

from participa.audit.services import record
from participa.auth.models import Role, User
from participa.core.errors import DomainError
from participa.extensions import db
from participa.moderation import registry
from participa.moderation.models import Report, Visibility
from participa.moderation.registry import Location
from participa.notifications.models import NoticeKind
from participa.notifications.services import notify_staff

MAX_REASON = 500
ALREADY_REPORTED = _l("You have already reported this. The office will review it.")


def _column(target):
    return getattr(Report, registry.kind_of(target).column)


def _name(target) -> str:
    return registry.kind_of(target).name


def location(target) -> Location:
    """Where the target is shown and the process it belongs to."""
    return registry.kind_of(target).locate(target)


def link_to(target) -> str:
    """The public path where the target is shown (built by hand: services run off requests)."""
    return location(target).link


def subject_of(target) -> str:
    return registry.kind_of(target).subject(target)


def reports_needed(target) -> int:
    """Distinct reports that hide `target`: its process's setting when one is stored (the
    proposal settings page), else the installation default `REPORTS_TO_HIDE` (config.py)."""
    needed = registry.reports_to_hide(location(target).process_id)
    return current_app.config["REPORTS_TO_HIDE"] if needed is None else needed


def has_reported(target, user) -> bool:
    query = db.select(Report.id).where(_column(target) == target.id, Report.reporter_id == user.id)
    return db.session.execute(query).first() is not None


def report_count(target) -> int:
    query = db.select(func.count(Report.id)).where(_column(target) == target.id)
    return db.session.execute(query).scalar_one()


def report(reporter, target, reason: str, now: datetime) -> bool:
    """Record `reporter`'s report; return whether it hid the target pending review."""
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_REASON), field="reason")
    if has_reported(target, reporter):
        raise DomainError(ALREADY_REPORTED)
    needed = reports_needed(target)
    model, target_id, link = type(target), target.id, link_to(target)
    subject = subject_of(target)
    column = _column(target)
    try:
        db.session.add(
            Report(
                reporter_id=reporter.id, created_at=now, reason=reason, **{column.key: target_id}
            )
        )
        db.session.flush()
        hidden = False
        if report_count(target) >= needed:
            moved = db.session.execute(
                update(model)
                .where(model.id == target_id, model.visibility == Visibility.VISIBLE)
                .values(visibility=Visibility.PENDING_REVIEW)
                .execution_options(synchronize_session=False)
            )
            hidden = moved.rowcount == 1
            if hidden:
                notify_staff(NoticeKind.CONTENT_HIDDEN, subject, link, now)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise DomainError(ALREADY_REPORTED) from error
    db.session.expire_all()
    return hidden


def restore(actor, target) -> None:
    """Show the target again and clear its reports: staff found nothing wrong."""
    cleared = report_count(target)
    target.visibility, target.hidden_reason = Visibility.VISIBLE, ""
    if on_restore := registry.kind_of(target).on_restore:
        on_restore(target)
    db.session.execute(delete(Report).where(_column(target) == target.id))
    record(actor, f"moderation.{_name(target)}.restore", target, reports=cleared)
    db.session.commit()


def hide(actor, target, reason: str) -> None:
    """Keep the target hidden, with a reason the author and the public read."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Write why it is hidden."), field="reason")
    if len(reason) > MAX_REASON:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_REASON), field="reason")
    target.visibility, target.hidden_reason = Visibility.HIDDEN, reason
    record(
        actor,
        f"moderation.{_name(target)}.hide",
        target,
        reason=reason,
        reports=report_count(target),
    )
    db.session.commit()


@dataclass(frozen=True)
class QueueItem:
    target: object
    kind: str  # a registered kind's name: "proposal", "comment", "question", "finding"…
    heading: str
    reports: int
    reasons: list[str]
    link: str
    author: User | None  # a finding's author may have been removed


def _reasons(target) -> list[str]:
    query = db.select(Report.reason).where(_column(target) == target.id, Report.reason != "")
    return list(db.session.execute(query.order_by(Report.id)).scalars())


def queue() -> list[QueueItem]:
    """Everything reported or hidden by reports, waiting ones first."""
    items = []
    for kind in registry.kinds():
        model, column = kind.model, getattr(Report, kind.column)
        reported = db.select(column).where(column.is_not(None))
        query = db.select(model).where(
            (model.visibility == Visibility.PENDING_REVIEW)
            | (model.id.in_(reported) & (model.visibility == Visibility.VISIBLE))
        )
        for target in db.session.execute(query.order_by(model.id)).scalars():
            items.append(
                QueueItem(
                    target,
                    kind.name,
                    kind.heading(target),
                    report_count(target),
                    _reasons(target),
                    link_to(target),
                    target.author,
                )
            )
    items.sort(key=lambda i: (i.target.visibility is not Visibility.PENDING_REVIEW, -i.reports))
    return items


def set_blocked(actor, user: User, blocked: bool) -> None:
    """Block (or unblock) a resident's account: a blocked account cannot log in."""
    if user.role is not Role.CITIZEN:
        raise DomainError(_l("Only residents' accounts can be blocked here."))
    if user.active == (not blocked):
        return
    user.active = not blocked
    if blocked:
        user.end_sessions()
    record(actor, "moderation.block" if blocked else "moderation.unblock", user)
    db.session.commit()


def blocked_accounts() -> list[User]:
    query = db.select(User).where(User.active.is_(False), User.role == Role.CITIZEN)
    return list(db.session.execute(query.order_by(User.name)).scalars())
