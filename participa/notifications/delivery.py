"""Delivering notices beyond the app: e-mail at once or in a daily digest, and SMS.

Both entry points are background jobs (module-level functions of plain arguments, see
core/jobs.py) that commit their own work. A notice is claimed for e-mail by setting
`mailed_at` (for SMS, `sms_at`) where it is still empty: a mail is queued in the claim's own
transaction (`core/mailer.send_mail` sends once it commits) and an SMS is sent once the claim is
committed, so however often a job runs (or two run at once) a notice goes out by each once at
most."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import update

from participa.auth.models import User
from participa.core.mailer import send_mail, site_url
from participa.core.sms import SmsError, send_sms
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.notifications import preferences
from participa.notifications.kinds import SMS_KINDS, sentence
from participa.notifications.models import MailMode, NoticeKind, Notification

log = logging.getLogger("participa.notifications")

UNSUBSCRIBE_PATH = "/avisos/baja/{token}"  # notifications.views.unsubscribe
PREFERENCES_PATH = "/avisos/preferencias"
DIGEST_WINDOW = timedelta(days=2)  # older unmailed notices stay in the app only
DIGEST_PAGE = 500  # people read at once by the digest


def _url(path: str, site: str = "") -> str:
    """`path` on `site` (the address captured in the request that queued the job), else on
    `site_url()` (PUBLIC_URL when set)."""
    return (site or site_url()).rstrip("/") + path


def _claim(ids: list[int], now: datetime) -> bool:
    """Mark notices mailed, all or none; False (rolled back) when another job took any. The
    caller queues the mail and commits: the claim and the mail stand or fall together."""
    done = db.session.execute(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.mailed_at.is_(None))
        .values(mailed_at=now)
    )
    if done.rowcount != len(ids):
        db.session.rollback()
        return False
    return True


def _claim_each(ids: list[int], column, now: datetime) -> set[int]:
    """Set `column` to `now` on those of the notices where it is still empty (one statement,
    not committed); the ids claimed, which no other run can claim again."""
    if not ids:
        return set()
    query = (
        update(Notification)
        .where(Notification.id.in_(ids), column.is_(None))
        .values({column.key: now})
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    )
    return set(db.session.execute(query).scalars())


def _mail(user_id: int, email: str, subject: str, lines: list[str], kinds, site="") -> None:
    token = preferences.unsubscribe_token(user_id, kinds)
    link = _url(UNSUBSCRIBE_PATH.format(token=token), site)
    body = "\n\n".join(
        [
            *lines,
            _("Choose how you hear from us: %(url)s", url=_url(PREFERENCES_PATH, site)),
            _("Stop these e-mails with one click: %(url)s", url=link),
        ]
    )
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    send_mail(email, subject, body, headers=headers)


def _line(notice: Notification, site: str = "") -> str:
    return f"{sentence(notice)}\n{_url(notice.link, site)}"


@dataclass(frozen=True)
class _Outgoing:
    """What one notice sends, read before the claim commits (and expires the rows)."""

    id: int
    user_id: int
    kind: NoticeKind
    sentence: str
    line: str


def _outgoing(notice_ids: list[int], site: str) -> list[_Outgoing]:
    notices = db.session.execute(
        db.select(Notification)
        .where(Notification.id.in_(notice_ids), Notification.user_id.is_not(None))
        .order_by(Notification.id)
    ).scalars()
    return [_Outgoing(n.id, n.user_id, n.kind, sentence(n), _line(n, site)) for n in notices]


def confirmed_emails(user_ids) -> dict[int, str]:
    """The e-mails of those of these people who confirmed theirs, in one query."""
    query = db.select(User.id, User.email).where(
        User.id.in_(list(user_ids)), User.email.is_not(None), User.email_confirmed_at.is_not(None)
    )
    return dict(db.session.execute(query).all())


def deliver_notices(notice_ids: list[int], site: str = "") -> None:
    """Send each new notice by e-mail (when its person wants it at once) and by SMS, only to
    a confirmed address or phone; links are built on `site` (captured by the request).

    A batch costs a fixed few statements: the notices, their people's addresses, choices and
    phones, then one claim per channel. Each notice is claimed for SMS (`sms_at`) and for
    e-mail (`mailed_at`) where still unclaimed; the mails are queued in that transaction and
    the texts sent once it commits: a re-run or concurrent job sends nothing twice."""
    outgoing = _outgoing(notice_ids, site)
    user_ids = {o.user_id for o in outgoing}
    if not user_ids:
        return
    emails = confirmed_emails(user_ids)
    choices, phones = preferences.choices_of_many(user_ids), preferences.phones_of(user_ids)
    texts = [
        o for o in outgoing
        if o.kind in SMS_KINDS and choices[o.user_id][o.kind].sms and o.user_id in phones
    ]  # fmt: skip
    mails = [
        o for o in outgoing
        if choices[o.user_id][o.kind].mail is MailMode.IMMEDIATE and emails.get(o.user_id)
    ]  # fmt: skip
    now = utcnow()
    texted = _claim_each([o.id for o in texts], Notification.sms_at, now)
    mailed = _claim_each([o.id for o in mails], Notification.mailed_at, now)
    for o in mails:
        if o.id in mailed:
            _mail(o.user_id, emails[o.user_id], o.sentence, [o.line], [o.kind], site)
    db.session.commit()
    _text_all([o for o in texts if o.id in texted], phones)


def _text_all(texts: list[_Outgoing], phones: dict[int, str]) -> None:
    """Send each claimed text; one the gateway refuses is logged and un-claimed (`sms_at`
    empty again) and the others still go; then SmsError, so the job's retry sends it again."""
    failed = 0
    for o in texts:
        try:
            send_sms(phones[o.user_id], o.line)
        except SmsError:
            log.exception("notice %s: SMS not sent, left for a later run", o.id)
            db.session.execute(
                update(Notification).where(Notification.id == o.id).values(sms_at=None)
            )
            db.session.commit()
            failed += 1
    if failed:
        raise SmsError(f"{failed} of {len(texts)} texts not sent")


def _waiting(now: datetime):
    return (
        Notification.user_id.is_not(None),
        Notification.mailed_at.is_(None),
        Notification.created_at >= now - DIGEST_WINDOW,
    )


def _waiting_people(now: datetime, after: int) -> list[int]:
    """The next page of people with unmailed notices in the window, by id (keyset paging)."""
    query = (
        db.select(Notification.user_id)
        .where(*_waiting(now), Notification.user_id > after)
        .distinct()
        .order_by(Notification.user_id)
        .limit(DIGEST_PAGE)
    )
    return list(db.session.execute(query).scalars())


def send_digests(now: datetime) -> int:
    """Send each person one e-mail with their unmailed notices of the kinds they want in the
    daily digest; return how many were sent. Running it again sends nothing new.

    People are read a page at a time and each person's notices on their own, so memory stays
    flat however many notices wait (a city-wide "voting opened" makes a million)."""
    sent, after = 0, 0
    while people := _waiting_people(now, after):
        for user_id in people:
            sent += _digest_for(user_id, now)
        after = people[-1]
    return sent


def _digest_for(user_id: int, now: datetime) -> int:
    user = db.session.get(User, user_id)
    notices = db.session.execute(
        db.select(Notification)
        .where(*_waiting(now), Notification.user_id == user_id)
        .order_by(Notification.id)
    ).scalars()
    choices = preferences.choices_of(user_id)
    wanted = [n for n in notices if choices[n.kind].mail is MailMode.DIGEST]
    if not wanted or not user.email or user.email_confirmed_at is None:
        return 0
    lines = [_line(n) for n in wanted]
    kinds = sorted({n.kind for n in wanted})
    email = user.email
    if not _claim([n.id for n in wanted], now):
        return 0
    _mail(user_id, email, _("Your notices of the day (%(n)s)", n=len(lines)), lines, kinds)
    db.session.commit()
    return 1


def send_digests_job() -> None:
    """The daily digest as a job of no arguments (for a scheduler or queue)."""
    log.info("daily digest: %s e-mails sent", send_digests(utcnow()))
