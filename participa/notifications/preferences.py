"""How each person wants to hear: e-mail at once, in a daily digest or not at all; SMS or not.

In-app notices always arrive. One-click unsubscribe links carry a signed token (user and
kinds), so they work from a mail without logging in."""

import re
from collections.abc import Collection
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from participa.core.errors import DomainError
from participa.extensions import db
from participa.notifications.kinds import RESIDENT_KINDS, SMS_KINDS, default_mail
from participa.notifications.models import MailMode, NoticeContact, NoticeKind, NoticePreference

TOKEN_SALT = "notice-unsubscribe"
TOKEN_MAX_AGE = 180 * 24 * 3600  # a mail may be read months later
PHONE = re.compile(r"^\+?\d{10,15}$")


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
    contact = db.session.get(NoticeContact, user_id)
    return contact.phone if contact else ""


def phones_of(user_ids: Collection[int]) -> dict[int, str]:
    """The phones of those of these people who gave one, in one query."""
    query = db.select(NoticeContact.user_id, NoticeContact.phone).where(
        NoticeContact.user_id.in_(list(user_ids))
    )
    return {user_id: phone for user_id, phone in db.session.execute(query) if phone}


def _store(user_id: int, kind: NoticeKind, choice: Choice) -> None:
    row = db.session.execute(
        db.select(NoticePreference).filter_by(user_id=user_id, kind=kind)
    ).scalar_one_or_none()
    if row is None:
        row = NoticePreference(user_id=user_id, kind=kind)
        db.session.add(row)
    row.mail, row.sms = choice.mail, choice.sms and kind in SMS_KINDS


def clean_phone(phone: str) -> str:
    phone = re.sub(r"[\s().-]", "", phone or "")
    if phone and not PHONE.match(phone):
        raise DomainError(_l("Write a phone of 10 digits, e.g. 3312345678."), field="phone")
    return phone


def save(user_id: int, choices: dict[NoticeKind, Choice], phone: str) -> None:
    """Store a person's choices for the residents' kinds and their phone; one commit."""
    phone = clean_phone(phone)
    if not phone and any(c.sms for c in choices.values()):
        raise DomainError(_l("Write your phone to receive text messages."), field="phone")
    for kind in RESIDENT_KINDS:
        if kind in choices:
            _store(user_id, kind, choices[kind])
    contact = db.session.get(NoticeContact, user_id)
    if phone:
        contact = contact or NoticeContact(user_id=user_id)
        contact.phone = phone
        db.session.add(contact)
    elif contact is not None:
        db.session.delete(contact)
    db.session.commit()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=TOKEN_SALT)


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
