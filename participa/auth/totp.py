"""Two-factor login with TOTP (RFC 6238) for staff and administrators.

The secret is stored encrypted with Fernet under a key derived from SECRET_KEY: a copy of the
database alone does not reveal it. When SECRET_KEY changes, the old keys stay readable through
SECRET_KEY_FALLBACKS: a secret under one of them is re-encrypted under the current key at its
next successful login, or for every account at once by `flask rotate-keys`. A code is accepted
once: the time-step it belongs to is remembered, and older or equal steps are refused, so a
code seen over someone's shoulder cannot be replayed.
"""

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.auth.models import Role, User
from participa.core.errors import DomainError
from participa.extensions import db

TOTP_ROLES = (Role.STAFF, Role.COUNCIL, Role.ADMIN)
WRONG_CODE = _l("That code is not right or was already used. Wait for the next one.")


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"participa.totp:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _read(token: str, secret_key: str, fallbacks: Sequence[str]) -> tuple[str, str | None]:
    """The secret in `token`, and the token re-encrypted under the current key when it was
    under an old one (None when it already is current). InvalidToken if no key reads it."""
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode(), None
    except InvalidToken:
        keys = MultiFernet([_fernet(key) for key in (secret_key, *fallbacks)])
        secret = keys.decrypt(token.encode()).decode()
        return secret, keys.rotate(token.encode()).decode()


def new_secret() -> str:
    return pyotp.random_base32()


def can_enrol(user: User) -> bool:
    return user.role in TOTP_ROLES


def required_roles(setting: str | Sequence[str] | None) -> frozenset[Role]:
    """The roles the REQUIRE_TOTP_ROLES setting names ("admin,staff" or a list).

    ValueError names a word that is not a role that can enrol (a typo must not silently
    leave a role without its second factor).
    """
    words = setting.split(",") if isinstance(setting, str) else list(setting or [])
    names = {str(word).strip().lower() for word in words} - {""}
    allowed = {role.value for role in TOTP_ROLES}
    if unknown := sorted(names - allowed):
        raise ValueError(f"REQUIRE_TOTP_ROLES: {unknown} are not among {sorted(allowed)}")
    return frozenset(Role(name) for name in names)


def must_enrol(user: User, setting: str | Sequence[str] | None) -> bool:
    """Tell whether the account's role requires two-step login and it has none yet."""
    return user.role in required_roles(setting) and not user.has_totp


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The QR code of `uri` as an SVG data: URI, for an <img> (CSP allows data: images)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time-step (this one or a neighbour, for clock drift) whose code is `code`."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(candidate), code):
            return candidate
    return None


def enrol(user: User, secret: str, code: str, *, now: datetime, secret_key: str) -> None:
    """Turn on two-factor login once the person proves their app shows the right codes."""
    if not can_enrol(user):
        raise DomainError(
            _l("Two-step login is for staff, council members and administrators."), field="code"
        )
    step = _matching_step(secret, code, now)
    if step is None:
        raise DomainError(WRONG_CODE, field="code")
    user.totp_secret = _fernet(secret_key).encrypt(secret.encode()).decode()
    user.totp_last_step = step
    record(user, "auth.totp_enrol", user)
    db.session.commit()


def check_code(
    user: User, code: str, *, now: datetime, secret_key: str, fallbacks: Sequence[str] = ()
) -> None:
    """Accept a fresh code of the user's app (and use it up), or raise DomainError.

    A secret still under an old key (in `fallbacks`) is stored again under `secret_key`.
    """
    try:
        secret, current = _read(user.totp_secret, secret_key, fallbacks)
    except (InvalidToken, AttributeError) as error:
        raise DomainError(WRONG_CODE, field="code") from error
    step = _matching_step(secret, code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        raise DomainError(WRONG_CODE, field="code")
    # Only move forward: two simultaneous logins with one code cannot both pass.
    values = {"totp_last_step": step} | ({"totp_secret": current} if current else {})
    done = db.session.execute(
        db.update(User)
        .where(User.id == user.id)
        .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(**values)
    )
    db.session.commit()
    if done.rowcount != 1:
        raise DomainError(WRONG_CODE, field="code")
    db.session.refresh(user)


def reset(actor: User, user: User) -> None:
    """An administrator turns off a staff member's two-factor login (they enrol again)."""
    if actor.role != Role.ADMIN:
        raise DomainError(_l("Only an administrator can reset two-step login."))
    if actor.id == user.id:
        raise DomainError(_l("You cannot reset your own two-step login."))
    if not user.has_totp:
        raise DomainError(_l("This account does not use two-step login."))
    user.totp_secret = None
    user.totp_last_step = None
    user.end_sessions()  # whoever holds a session of the account logs in again, with a code
    record(actor, "auth.totp_reset", user)
    db.session.commit()


@dataclass
class Rotation:
    """What `rotate_secrets` did: accounts re-encrypted, already current, unreadable."""

    rewritten: int = 0
    current: int = 0
    unreadable: list[int] = field(default_factory=list)


def rotate_secrets(secret_key: str, fallbacks: Sequence[str]) -> Rotation:
    """Re-encrypt every two-factor secret still under an old key under `secret_key`.

    Secrets no key can read (their key was dropped from the fallbacks too early) are left
    as they are and reported: those accounts need an administrator's reset.
    """
    rotation = Rotation()
    enrolled = db.select(User).where(User.totp_secret.is_not(None)).order_by(User.id)
    for user in db.session.execute(enrolled).scalars():
        try:
            _, current = _read(user.totp_secret, secret_key, fallbacks)
        except InvalidToken:
            rotation.unreadable.append(user.id)
            continue
        if current is None:
            rotation.current += 1
        else:
            user.totp_secret = current
            rotation.rewritten += 1
    if rotation.rewritten or rotation.unreadable:
        record(
            None,
            "auth.totp_rotate",
            None,
            rewritten=rotation.rewritten,
            unreadable=rotation.unreadable,
        )
    db.session.commit()
    return rotation
