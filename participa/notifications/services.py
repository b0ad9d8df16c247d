"""Create notices and read the inbox: staff notices shared by the team, residents' their own."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, or_

from participa.core import jobs
from participa.core.mailer import site_url
from participa.extensions import db
from participa.notifications import delivery
from participa.notifications.models import NoticeKind, Notification

STAFF_ROLES = frozenset({"staff", "admin"})
INBOX_SIZE = 100


def notify_staff(kind: NoticeKind, subject: str, link: str, now: datetime) -> Notification:
    """Add a notice for every staff account; the caller's transaction commits it."""
    notice = Notification(
        audience="staff", kind=kind, subject=subject[:200], link=link, created_at=now
    )
    db.session.add(notice)
    return notice


def notify(
    user_ids: Iterable[int],
    kind: NoticeKind,
    subject: str,
    link: str,
    now: datetime,
    *,
    dedupe: dict[int, str] | None = None,
    site: str = "",
) -> list[Notification]:
    """Add a notice for each person (once each) in the caller's transaction, and deliver them
    by e-mail or SMS, as each prefers, once it commits (never for a rolled-back action).

    `dedupe` maps a person's id to a key that makes the notice unique ("reminder:<id>").
    `site` is the address links are built on: a job passes the one its request captured;
    in a request it is the served one (`site_url()`, PUBLIC_URL when set)."""
    keys = dedupe or {}
    notices = [
        Notification(
            user_id=user_id,
            kind=kind,
            subject=subject[:200],
            link=link,
            created_at=now,
            dedupe=keys.get(user_id),
        )
        for user_id in sorted(set(user_ids))
    ]
    if not notices:
        return []
    db.session.add_all(notices)
    db.session.flush()
    ids, site = [n.id for n in notices], site or site_url()
    jobs.after_commit("notices-deliver", delivery.deliver_notices, ids, site)
    return notices


def _for(user):
    if user.role.value in STAFF_ROLES:
        return or_(Notification.audience == "staff", Notification.user_id == user.id)
    return Notification.user_id == user.id


def inbox(user) -> list[Notification]:
    query = db.select(Notification).where(_for(user))
    query = query.order_by(Notification.read_at.is_not(None), Notification.id.desc())
    return list(db.session.execute(query.limit(INBOX_SIZE)).scalars())


def unread_count(user) -> int:
    query = db.select(func.count(Notification.id)).where(_for(user), Notification.read_at.is_(None))
    return db.session.execute(query).scalar_one()


def mark_read(user, notice: Notification, now: datetime) -> None:
    """Mark a notice handled: a staff notice is shared, so it is read for the whole team."""
    if notice.user_id not in (None, user.id):
        return
    if notice.read_at is None:
        notice.read_at = now
        db.session.commit()


def get_for(user, notice_id: int) -> Notification | None:
    notice = db.session.get(Notification, notice_id)
    if notice is None:
        return None
    if notice.user_id == user.id or (notice.audience and user.role.value in STAFF_ROLES):
        return notice
    return None
