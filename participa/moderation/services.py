"""Reports, hiding by reports, staff review (restore or hide) and blocking accounts."""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError

from participa.audit.services import record
from participa.auth.models import Role, User
from participa.comments.models import Comment
from participa.core.errors import DomainError
from participa.extensions import db
from participa.moderation.models import Report, Visibility
from participa.notifications.models import NoticeKind
from participa.notifications.services import notify_staff
from participa.proposals.models import Proposal
from participa.proposals.services import proposal_link, settings_for

MAX_REASON = 500
ALREADY_REPORTED = _l("You have already reported this. The office will review it.")


def _column(target):
    return Report.proposal_id if isinstance(target, Proposal) else Report.comment_id


def owner_proposal(target) -> Proposal:
    """The proposal a target is or belongs to (its thread's owner)."""
    if isinstance(target, Proposal):
        return target
    query = db.select(Proposal).where(Proposal.thread_id == target.thread_id)
    return db.session.execute(query).scalar_one()


def link_to(target) -> str:
    url = proposal_link(owner_proposal(target))
    return url if isinstance(target, Proposal) else f"{url}#comentario-{target.id}"


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
    needed = settings_for(owner_proposal(target).process).reports_to_hide
    kind, target_id, link = type(target), target.id, link_to(target)
    subject = target.title if isinstance(target, Proposal) else target.body[:120]
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
                update(kind)
                .where(kind.id == target_id, kind.visibility == Visibility.VISIBLE)
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


def _name(target) -> str:
    return "proposal" if isinstance(target, Proposal) else "comment"


def restore(actor, target) -> None:
    """Show the target again and clear its reports: staff found nothing wrong."""
    cleared = report_count(target)
    target.visibility, target.hidden_reason = Visibility.VISIBLE, ""
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
    kind: str  # "proposal" or "comment"
    reports: int
    reasons: list[str]
    link: str
    author: User


def _reasons(target) -> list[str]:
    query = db.select(Report.reason).where(_column(target) == target.id, Report.reason != "")
    return list(db.session.execute(query.order_by(Report.id)).scalars())


def queue() -> list[QueueItem]:
    """Everything reported or hidden by reports, waiting ones first."""
    items = []
    for model, column in ((Proposal, Report.proposal_id), (Comment, Report.comment_id)):
        reported = db.select(column).where(column.is_not(None))
        query = db.select(model).where(
            (model.visibility == Visibility.PENDING_REVIEW)
            | (model.id.in_(reported) & (model.visibility == Visibility.VISIBLE))
        )
        for target in db.session.execute(query.order_by(model.id)).scalars():
            items.append(
                QueueItem(
                    target,
                    _name(target),
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
    record(actor, "moderation.block" if blocked else "moderation.unblock", user)
    db.session.commit()


def blocked_accounts() -> list[User]:
    query = db.select(User).where(User.active.is_(False), User.role == Role.CITIZEN)
    return list(db.session.execute(query.order_by(User.name)).scalars())
