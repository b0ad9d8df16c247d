"""Account rules: registration with CURP, authentication, roles."""

from datetime import date, datetime
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from participa.auth.curp import InvalidCurp, parse_curp
from participa.auth.models import Role, User
from participa.auth.phones import looks_like_phone, normalise_phone
from participa.core import signals
from participa.core.errors import DomainError
from participa.extensions import db
from participa.territory.models import Colonia

CURP_MESSAGES = {
    "length": _l("A CURP has exactly 18 characters."),
    "format": _l("That is not the shape of a CURP: 4 letters, 6 digits, 6 letters, 2 characters."),
    "date": _l("The birth date or state inside this CURP is not valid."),
    "checksum": _l("The last digit of this CURP does not match: please check it."),
}


@cache
def _dummy_hash(method: str) -> str:
    """A hash made like real ones, checked when the e-mail is unknown: equal response times."""
    return generate_password_hash("participa-dummy", method=method)


class InvalidCredentials(DomainError):
    pass


def signing_keys(config) -> list[str]:
    """The keys a signed link (e-mail confirmation, password reset) is checked with: the old
    ones (SECRET_KEY_FALLBACKS) and the current one, which signs (itsdangerous: the last)."""
    return [*config["SECRET_KEY_FALLBACKS"], config["SECRET_KEY"]]


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def _contact_of(email: str | None, phone: str | None) -> tuple[str | None, str | None]:
    """The account's e-mail and phone (E.164) as given; one of them at least."""
    email = normalise_email(email) or None
    phone = normalise_phone(phone) if (phone or "").strip() else None
    if email is None and phone is None:
        raise DomainError(_l("Give an e-mail or a mobile phone, to confirm your account."))
    return email, phone


def register_resident(
    *,
    name: str,
    email: str | None,
    password: str,
    curp: str,
    colonia_id: int,
    hash_method: str,
    today: date,
    now: datetime,
    phone: str | None = None,
) -> User:
    """Create a citizen account with an e-mail, a phone or both, unconfirmed; a CURP, an
    e-mail and a phone can own only one account.

    Announces `user_registered` once stored (the eligibility roll claims the CURP's entries).
    """
    try:
        info = parse_curp(curp)
    except InvalidCurp as error:
        raise DomainError(CURP_MESSAGES[error.reason], field="curp") from error
    if info.birth_date > today:
        raise DomainError(CURP_MESSAGES["date"], field="curp")
    if db.session.get(Colonia, colonia_id) is None:
        raise DomainError(_l("Choose your colonia from the list."), field="colonia_id")
    email, phone = _contact_of(email, phone)
    user = User(
        name=name.strip(),
        email=email,
        phone=phone,
        password_hash=generate_password_hash(password, method=hash_method),
        role=Role.CITIZEN,
        curp=info.curp,
        birth_date=info.birth_date,
        sex=info.sex,
        colonia_id=colonia_id,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise _duplicate_error(info.curp, user.phone) from error
    signals.user_registered.send(user, now=now)
    return user


def _duplicate_error(curp: str, phone: str | None) -> DomainError:
    taken = db.session.execute(db.select(User.id).where(User.curp == curp)).first()
    if taken:
        return DomainError(
            _l("This CURP already has an account. Log in, or ask the office for help."),
            field="curp",
        )
    if phone and db.session.execute(db.select(User.id).where(User.phone == phone)).first():
        return DomainError(_l("This phone already has an account. Log in instead."), field="phone")
    return DomainError(_l("This e-mail already has an account. Log in instead."), field="email")


def account_by_login(login: str) -> User | None:
    """The account whose e-mail, or phone (as typed), is `login`."""
    if looks_like_phone(login):
        try:
            column, value = User.phone, normalise_phone(login)
        except DomainError:
            return None
    else:
        column, value = User.email, normalise_email(login)
    return db.session.execute(db.select(User).where(column == value)).scalar_one_or_none()


def check_credentials(login: str, password: str, hash_method: str) -> User:
    """The account for these credentials (an e-mail or a phone), or one message for every
    failure (unknown account, wrong password, blocked account), after the same work: no
    account enumeration."""
    user = account_by_login(login)
    stored = user.password_hash if user else _dummy_hash(hash_method)
    valid = check_password_hash(stored, password)
    if user is None or not valid or not user.active:
        raise InvalidCredentials(_l("Wrong e-mail, phone or password, or the account is blocked."))
    return user


def mark_logged_in(user: User, now: datetime) -> None:
    user.last_login_at = now
    db.session.commit()


def log_out_everywhere(user: User) -> None:
    """End every session of the account: this one and any copy of its cookies elsewhere."""
    user.end_sessions()
    db.session.commit()


def create_account(
    *, name: str, email: str, password: str, role: Role, hash_method: str, **fields
) -> User:
    """Create an account of any role (admin tools, demo data); the caller commits."""
    user = User(
        name=name,
        email=normalise_email(email) or None,
        password_hash=generate_password_hash(password, method=hash_method),
        role=role,
        **fields,
    )
    db.session.add(user)
    return user
