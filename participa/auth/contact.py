"""Confirmed contact: an e-mail confirmed by a signed link, a phone by a 6-digit SMS code.

The e-mail link carries the account id and the address it confirms, signed and expiring
(itsdangerous, CONFIRM_EMAIL_MAX_AGE): it confirms that address only, so a link sent to an
old address cannot confirm a newer one. A new address waits in `User.pending_email` and
becomes the account's e-mail when its link is followed; until then the old one keeps working.

A phone code is 6 random digits; only its HMAC (keyed with SECRET_KEY) is kept in `PhoneCode`,
with the number it confirms, an expiry and a count of wrong tries. The phone becomes the
account's (confirmed) when the code is typed; a new number waits in the code's row meanwhile.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

from participa.audit.services import record
from participa.auth.models import PhoneCode, User
from participa.auth.phones import normalise_phone
from participa.auth.services import normalise_email
from participa.core.errors import DomainError
from participa.core.timeutil import as_utc
from participa.extensions import db

EMAIL_SALT = "participa.confirm-email"
INVALID_LINK = _l("This confirmation link is not valid any more. Ask for a new one.")


def _serializer(secret_key: str | list[str]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=EMAIL_SALT)


def email_token(user: User, address: str, secret_key: str) -> str:
    return _serializer(secret_key).dumps({"u": user.id, "e": address})


def email_to_confirm(user: User) -> str | None:
    """The address a confirmation link should go to now: a pending one, else an unconfirmed."""
    if user.pending_email:
        return user.pending_email
    return user.email if user.email and user.email_confirmed_at is None else None


def user_for_email_token(token: str, secret_key: str | list[str], max_age: int) -> tuple[User, str]:
    """The account and the address a valid link confirms; DomainError otherwise."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise DomainError(_l("This confirmation link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise DomainError(INVALID_LINK) from error
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    address = data.get("e") if isinstance(data, dict) else None
    if user is None or not user.active or address not in (user.email, user.pending_email):
        raise DomainError(INVALID_LINK)
    return user, address


def confirm_email(token: str, *, secret_key: str | list[str], max_age: int, now: datetime) -> User:
    """Confirm the address in `token` (a pending one becomes the account's e-mail)."""
    user, address = user_for_email_token(token, secret_key, max_age)
    if address == user.pending_email and address != user.email:
        _refuse_taken(User.email, address, user, "email")
        user.email, user.pending_email = address, None
    user.email_confirmed_at = now
    db.session.commit()
    return user


def change_email(user: User, address: str) -> str:
    """Keep `address` pending on the account until its link is followed; return it."""
    address = normalise_email(address)
    if address == user.email:
        raise DomainError(_l("That is already your e-mail."), field="email")
    _refuse_taken(User.email, address, user, "email")
    user.pending_email = address
    db.session.commit()
    return address


def _refuse_taken(column, value: str, user: User, field: str) -> None:
    other = db.session.execute(db.select(User.id).where(column == value, User.id != user.id))
    if other.first() is not None:
        raise DomainError(_l("That address already belongs to another account."), field=field)


def _code_hash(secret_key: str, user_id: int, phone: str, code: str) -> str:
    message = f"{user_id}:{phone}:{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def new_phone_code(
    user: User, phone: str, *, secret_key: str, now: datetime, max_age: int
) -> tuple[str, PhoneCode]:
    """A fresh code for `phone` (as typed), replacing any earlier one; the caller commits.
    Return the code and its row (the number in E.164)."""
    phone = normalise_phone(phone)
    _refuse_taken(User.phone, phone, user, "phone")
    code = f"{secrets.randbelow(10**6):06d}"
    row = db.session.get(PhoneCode, user.id) or PhoneCode(user_id=user.id)
    row.phone, row.attempts, row.state = phone, 0, "sending"
    row.code_hash = _code_hash(secret_key, user.id, phone, code)
    row.expires_at = now + timedelta(seconds=max_age)
    db.session.add(row)
    return code, row


def pending_code(user: User) -> PhoneCode | None:
    return db.session.get(PhoneCode, user.id)


def record_sending(user_id: int, code_hash: str, state: str) -> None:
    """What the SMS job reports about a code (only if it is still the account's code)."""
    row = db.session.get(PhoneCode, user_id)
    if row is not None and row.code_hash == code_hash:
        row.state = state
        db.session.commit()


WRONG_CODE = _l("That code is not right. Check the SMS and try again.")


def check_code(
    user: User | None, code: str, *, secret_key: str, now: datetime, max_attempts: int
) -> PhoneCode:
    """The account's current code row when `code` is it; DomainError otherwise (a wrong try
    is counted and committed)."""
    row = pending_code(user) if user is not None else None
    if row is None:
        raise DomainError(_l("Ask for a code first."), field="code")
    if as_utc(row.expires_at) < now:
        raise DomainError(_l("This code has expired. Ask for a new one."), field="code")
    if row.attempts >= max_attempts:
        raise DomainError(_l("Too many wrong codes. Ask for a new one."), field="code")
    typed = "".join(c for c in code or "" if c.isdigit())
    if not hmac.compare_digest(row.code_hash, _code_hash(secret_key, user.id, row.phone, typed)):
        row.attempts += 1
        db.session.commit()
        raise DomainError(WRONG_CODE, field="code")
    return row


def confirm_phone(
    user: User, code: str, *, secret_key: str, now: datetime, max_attempts: int
) -> User:
    """Confirm the phone of the account's current code; DomainError for a wrong or dead one."""
    row = check_code(user, code, secret_key=secret_key, now=now, max_attempts=max_attempts)
    if row.phone != user.phone:
        _refuse_taken(User.phone, row.phone, user, "phone")
        user.phone = row.phone
    user.phone_confirmed_at = now
    db.session.delete(row)
    db.session.commit()
    return user


def account_by_phone(phone: str) -> User | None:
    """The active account whose (current) phone is `phone`, in E.164."""
    user = db.session.execute(db.select(User).where(User.phone == phone)).scalar_one_or_none()
    return user if user is not None and user.active else None


def reset_password_by_code(
    phone: str,
    code: str,
    password: str,
    *,
    secret_key: str,
    now: datetime,
    max_attempts: int,
    hash_method: str,
) -> User:
    """Set a new password for the account of `phone` with the code texted to that phone (a code
    for a new, pending number does not count); the phone is confirmed too."""
    user = account_by_phone(phone)
    row = check_code(user, code, secret_key=secret_key, now=now, max_attempts=max_attempts)
    if row.phone != user.phone:
        raise DomainError(WRONG_CODE, field="code")
    user.password_hash = generate_password_hash(password, method=hash_method)
    user.phone_confirmed_at = user.phone_confirmed_at or now
    db.session.delete(row)
    record(user, "auth.password_reset", user, channel="sms")
    db.session.commit()
    return user
