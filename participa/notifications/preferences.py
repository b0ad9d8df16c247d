"""How each person wants to hear: e-mail at once, in a daily digest or not at all; SMS or not.

In-app notices always arrive. Texts go only to the account's own confirmed phone (`User.phone`
with `phone_confirmed_at`, confirmed on /cuenta/confirmar). One-click unsubscribe links carry a
signed token (user and kinds), so they work from a mail without logging in."""

from collections.abc import Collection
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from participa.auth.models import User
from participa.auth.services import signing_keys
from participa.core.errors import DomainError
from participa.extensions import db
from participa.notifications.kinds import RESIDENT_KINDS, SMS_KINDS, default_mail
from participa.notifications.models import MailMode, NoticeKind, NoticePreference

TOKEN_SALT = "notice-unsubscribe"
TOKEN_MAX_AGE = 180 * 24 * 3600  # a mail may be read months later


@dataclass(frozen=True)
class Choice:
    mail: MailMode
    sms: bool


def choices_of(user_id: int) -> dict[NoticeKind, Choice]:
    """Every kind's choice for a person, defaults filled in."""
    return choices_of_many([user_id])[user_id]


def choices_of_many(user_ids: Collection[int]) -> dict[int, dict[NoticeKind, Choice]]:
    """Every kind's choice for each of these people, defaults filled in, in one query."""
    rows = db.session.execute(
        db.select(NoticePreference).where(NoticePreference.user_id.in_(list(user_ids)))
    ).scalars()
    stored: dict[int, dict[NoticeKind, Choice]] = {user_id: {} for user_id in user_ids}
    for row in rows:
        stored[row.user_id][row.kind] = Choice(row.mail, row.sms)
    return {
        user_id: {k: mine.get(k, Choice(default_mail(k), False)) for k in NoticeKind}
        for user_id, mine in stored.items()
    }


def phone_of(user_id: int) -> str:
    """The account's confirmed phone, or "" (texts go nowhere else)."""
    return phones_of([user_id]).get(user_id, "")


def phones_of(user_ids: Collection[int]) -> dict[int, str]:
    """The confirmed phones of those of these people who have one, in one query."""
    query = db.select(User.id, User.phone).where(
        User.id.in_(list(user_ids)), User.phone.is_not(None), User.phone_confirmed_at.is_not(None)
    )
    return dict(db.session.execute(query).all())


def _store(user_id: int, kind: NoticeKind, choice: Choice) -> None:
    row = db.session.execute(
        db.select(NoticePreference).filter_by(user_id=user_id, kind=kind)
    ).scalar_one_or_none()
    if row is None:
        row = NoticePreference(user_id=user_id, kind=kind)
        db.session.add(row)
    row.mail, row.sms = choice.mail, choice.sms and kind in SMS_KINDS


def save(user_id: int, choices: dict[NoticeKind, Choice]) -> None:
    """Store a person's choices for the residents' kinds; one commit. Text messages need the
    account's confirmed phone: without it nothing is stored."""
    if any(c.sms for c in choices.values()) and not phone_of(user_id):
        raise DomainError(_l("Confirm a phone on your account before choosing text messages."))
    for kind in RESIDENT_KINDS:
        if kind in choices:
            _store(user_id, kind, choices[kind])
    db.session.commit()


def _serializer() -> URLSafeTimedSerializer:
    """Signs with SECRET_KEY and still reads links signed with an older one (a rotation)."""
    return URLSafeTimedSerializer(signing_keys(current_app.config), salt=TOKEN_SALT)


def unsubscribe_token(user_id: int, kinds: list[NoticeKind]) -> str:
    return _serializer().dumps({"u": user_id, "k": [k.value for k in kinds]})


class BadToken(DomainError):
    pass


def read_token(token: str) -> tuple[int, list[NoticeKind]]:
    """The person and kinds of an unsubscribe link; BadToken when forged, broken or expired."""
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
        return int(data["u"]), [NoticeKind(k) for k in data["k"]]
    except (BadSignature, KeyError, TypeError, ValueError) as error:
        raise BadToken(
            _l("This unsubscribe link is not valid or has expired. Nothing was changed.")
        ) from error


def unsubscribe(token: str) -> list[NoticeKind]:
    """Stop e-mail of the token's kinds for its person (SMS choices stay); one commit."""
    user_id, kinds = read_token(token)
    current = choices_of(user_id)
    for kind in kinds:
        _store(user_id, kind, Choice(MailMode.OFF, current[kind].sms))
    db.session.commit()
    return kinds
