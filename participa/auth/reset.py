"""Password reset: a signed, expiring, single-use link sent to the account's e-mail.

The token carries the account id and a fingerprint of the current password hash: once the
password changes (by this link or otherwise) every earlier link dies. Asking for a link
answers the same whether or not the e-mail has an account (no account enumeration).
"""

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

from participa.audit.services import record
from participa.auth.models import User
from participa.auth.services import normalise_email
from participa.core.errors import DomainError
from participa.extensions import db

SALT = "participa.password-reset"


def _serializer(secret_key: str | list[str]) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def make_token(user: User, secret_key: str) -> str:
    return _serializer(secret_key).dumps({"u": user.id, "h": user.password_fingerprint})


def account_for_reset(email: str) -> User | None:
    """The active account with this e-mail, or None; the caller answers the same either way."""
    user = db.session.execute(
        db.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()
    return user if user is not None and user.active else None


def user_from_token(token: str, secret_key: str | list[str], max_age: int) -> User:
    """The account a valid, unexpired, unused token belongs to; DomainError otherwise."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise DomainError(_l("This link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise DomainError(_l("This link is not valid or was already used.")) from error
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("h") != user.password_fingerprint:
        raise DomainError(_l("This link is not valid or was already used."))
    return user


def reset_password(
    token: str, password: str, *, secret_key: str | list[str], max_age: int, hash_method: str
) -> User:
    user = user_from_token(token, secret_key, max_age)
    user.password_hash = generate_password_hash(password, method=hash_method)
    user.end_sessions()
    record(user, "auth.password_reset", user)
    db.session.commit()
    return user
