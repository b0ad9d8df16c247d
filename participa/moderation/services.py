"""Reports, hiding by reports, staff review (restore or hide) and blocking accounts.

Reportable targets: proposals, comments (of a proposal's or an event's thread), event
questions and citizen findings. Each kind has its own nullable column on `Report`.
"""

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError

from participa.audit.services import record
from participa.auth.models import Role, User
from participa.comments.models import Comment
from participa.core.errors import DomainError
from participa.events.models import Event, EventQuestion
from participa.extensions import db
from participa.moderation.models import Report, Visibility
from participa.notifications.models import NoticeKind
from participa.notifications.services import notify_staff
from participa.oversight.models import Finding, WatchedWork
from participa.proposals.models import Proposal, ProposalSettings
from participa.proposals.services import proposal_link

MAX_REASON = 500
ALREADY_REPORTED = _l("You have already reported this. The office will review it.")


# Kind of target → (its column on Report, its name in audit actions and the queue).
KINDS = {
    Proposal: (Report.proposal_id, "proposal"),
    Comment: (Report.comment_id, "comment"),
    EventQuestion: (Report.question_id, "question"),
    Finding: (Report.finding_id, "finding"),
}


def _column(target):
    return KINDS[type(target)][0]


def _name(target) -> str:
    return KINDS[type(target)][1]


def owner(target) -> Proposal | Event | WatchedWork:
    """What a target is or belongs to: a proposal, an event (its questions and comments) or
    a watched work (its findings). A comment belongs to its thread's owner."""
    if isinstance(target, Proposal):
        return target
    if isinstance(target, EventQuestion):
        return db.session.get(Event, target.event_id)
    if isinstance(target, Finding):
        return db.session.get(WatchedWork, target.work_id)
    found = db.session.execute(
        db.select(Proposal).where(Proposal.thread_id == target.thread_id)
    ).scalar_one_or_none()
    if found is None:
        query = db.select(Event).where(Event.thread_id == target.thread_id)
        found = db.session.execute(query).scalar_one()
    return found


def owner_proposal(target) -> Proposal | None:
    """The proposal a target is or belongs to, if it belongs to one."""
    found = owner(target)
    return found if isinstance(found, Proposal) else None


def _owner_link(found) -> str:
    if isinstance(found, Proposal):
        return proposal_link(found)
    if isinstance(found, Event):
        return f"/procesos/{found.process_id}/eventos/{found.id}"
    return f"/procesos/{found.process_id}/obras/{found.id}"


def link_to(target) -> str:
    """The public path where the target is shown (built by hand: services run off requests)."""
    url = _owner_link(owner(target))
    anchor = {
        Proposal: "",
        Comment: f"#comentario-{target.id}",
        EventQuestion: f"#question-{target.id}",
        Finding: f"#finding-{target.id}",
    }[type(target)]
    return url + anchor


def subject_of(target) -> str:
    if isinstance(target, Proposal | Finding):
        return target.title
    return (target.body if isinstance(target, Comment) else target.text)[:120]


def reports_needed(target) -> int:
    """Distinct reports that hide `target`: its process's proposal setting when one is stored,
    else the installation default `REPORTS_TO_HIDE` (config.py)."""
    settings = db.session.get(ProposalSettings, owner(target).process_id)
    return settings.reports_to_hide if settings else current_app.config["REPORTS_TO_HIDE"]


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
    kind, target_id, link = type(target), target.id, link_to(target)
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


def restore(actor, target) -> None:
    """Show the target again and clear its reports: staff found nothing wrong."""
    cleared = report_count(target)
    target.visibility, target.hidden_reason = Visibility.VISIBLE, ""
    if isinstance(target, Finding):  # staff may also have hidden it from its oversight page
        target.hidden_at = None
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
    kind: str  # "proposal", "comment", "question" or "finding"
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
    for model, (column, _kind) in KINDS.items():
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
