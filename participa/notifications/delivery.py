"""Delivering notices beyond the app: e-mail at once or in a daily digest, and SMS.

Both entry points are background jobs (module-level functions of plain arguments, see
core/jobs.py) that commit their own work. A notice is claimed for e-mail by setting
`mailed_at` where it is still empty, in the transaction that queues the mail (sent once it
commits), so however often a
job runs (or two run at once) a notice goes out by e-mail once at most."""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import update

from participa.auth.models import User
from participa.core.mailer import send_mail, site_url
from participa.core.sms import send_sms
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications import preferences
from participa.notifications.kinds import SMS_KINDS, sentence
from participa.notifications.models import MailMode, Notification

log = logging.getLogger("participa.notifications")

UNSUBSCRIBE_PATH = "/avisos/baja/{token}"  # notifications.views.unsubscribe
PREFERENCES_PATH = "/avisos/preferencias"
DIGEST_WINDOW = timedelta(days=2)  # older unmailed notices stay in the app only


def _url(path: str) -> str:
    return site_url() + path


def _claim(ids: list[int], now: datetime) -> bool:
    """Mark notices mailed, all or none; False (rolled back) when another job took any.

    The caller queues the mail and then commits: the claim and the queued mail (sent after
    the commit, `core/mailer.send_mail`) stand or fall together."""
    done = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.mailed_at.is_(None))
        .values(mailed_at=now)
    )
    if done.rowcount != len(ids):
        db.session.rollback()
        return False
    return True


def _mail(user: User, subject: str, lines: list[str], kinds) -> None:
    link = _url(UNSUBSCRIBE_PATH.format(token=preferences.unsubscribe_token(user.id, kinds)))
    body = "\n\n".join(
        [
            *lines,
            _("Choose how you hear from us: %(url)s", url=_url(PREFERENCES_PATH)),
            _("Stop these e-mails with one click: %(url)s", url=link),
        ]
    )
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    send_mail(user.email, subject, body, headers=headers)


def _line(notice: Notification) -> str:
    return f"{sentence(notice)}\n{_url(notice.link)}"


def deliver_notices(notice_ids: list[int]) -> None:
    """Send each new notice by e-mail (when its person wants it at once) and by SMS."""
    now = utcnow()
    notices = db.session.execute(
        db.select(Notification).where(
            Notification.id.in_(notice_ids), Notification.user_id.is_not(None)
        )
    ).scalars()
    for notice in list(notices):
        user = db.session.get(User, notice.user_id)
        choice = preferences.choices_of(user.id)[notice.kind]
        if choice.sms and notice.kind in SMS_KINDS and (phone := preferences.phone_of(user.id)):
            send_sms(phone, _line(notice))
        if choice.mail is MailMode.IMMEDIATE and user.email and _claim([notice.id], now):
            _mail(user, sentence(notice), [_line(notice)], [notice.kind])
            db.session.commit()


def send_digests(now: datetime) -> int:
    """Send each person one e-mail with their unmailed notices of the kinds they want in the
    daily digest; return how many were sent. Running it again sends nothing new."""
    waiting = db.session.execute(
        db.select(Notification)
        .where(
            Notification.user_id.is_not(None),
            Notification.mailed_at.is_(None),
            Notification.created_at >= now - DIGEST_WINDOW,
        )
        .order_by(Notification.user_id, Notification.id)
    ).scalars()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notice in waiting:
        by_user[notice.user_id].append(notice)
    sent = 0
    for user_id, notices in by_user.items():
        sent += _digest_for(db.session.get(User, user_id), notices, now)
    return sent


def _digest_for(user: User, notices: list[Notification], now: datetime) -> int:
    choices = preferences.choices_of(user.id)
    wanted = [n for n in notices if choices[n.kind].mail is MailMode.DIGEST]
    if not wanted or not user.email:
        return 0
    lines = [_line(n) for n in wanted]
    kinds = sorted({n.kind for n in wanted})
    if not _claim([n.id for n in wanted], now):
        return 0
    _mail(user, _("Your notices of the day (%(n)s)", n=len(lines)), lines, kinds)
    db.session.commit()
    return 1


def send_digests_job() -> None:
    """The daily digest as a job of no arguments (for a scheduler or queue)."""
    log.info("daily digest: %s e-mails sent", send_digests(utcnow()))
