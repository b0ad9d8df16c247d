"""Rate limits of the views that attackers hammer: login, registration, reset, votes, supports.

Each limit reads its value from the settings (RATELIMIT_*) when the request comes, so an
installation or a test changes them without touching code. Over the limit Flask-Limiter
raises 429, shown by the friendly error page of participa/web.py.
"""

from flask import current_app, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user

from participa.extensions import limiter


def _setting(name: str):
    return lambda: current_app.config[name]


def phone_key(text: str) -> str:
    """A phone counts by its last ten digits, however it is written."""
    return "phone:" + "".join(c for c in text if c.isdigit())[-10:]


def typed_email() -> str:
    """The e-mail (or phone) typed in the form: limits per account, whichever address the
    attempts use. A phone counts by its last ten digits, however it is written."""
    typed = (request.form.get("email") or "").strip().lower()
    if "@" not in typed and any(c.isdigit() for c in typed):
        return phone_key(typed)
    return "email:" + typed


def account_key() -> str:
    """`user:<id>` of the session's account, read from the signed session (Flask-Login keeps
    "id:fingerprint" there, participa/web.py) without loading the account; the IP before login.

    A session whose password has changed since is refused by `login_required` right after;
    counting that attempt against the account it names is harmless (it can only be that one).
    """
    user_id, _, _fingerprint = str(session.get("_user_id") or "").partition(":")
    if user_id.isdigit():
        return f"user:{user_id}"
    if current_user.is_authenticated:  # logged in by the remember-me cookie on this request
        return f"user:{current_user.id}"
    return get_remote_address()


def per_ip_and_email(setting: str, scope: str):
    """The setting's limit twice, per IP address and per typed e-mail, on POSTs only."""
    by_ip = limiter.limit(_setting(setting), methods=["POST"], scope=f"{scope}-ip")
    by_email = limiter.limit(
        _setting(setting), key_func=typed_email, methods=["POST"], scope=f"{scope}-email"
    )
    return lambda view: by_ip(by_email(view))


def per_ip_and_phone(setting: str, scope: str):
    """The setting's limit per IP address, and `RATELIMIT_PER_PHONE` per phone typed (the
    `phone` field), on POSTs only: many addresses cannot text one phone many codes."""
    by_ip = limiter.limit(_setting(setting), methods=["POST"], scope=f"{scope}-ip")
    by_phone = limiter.limit(
        _setting("RATELIMIT_PER_PHONE"),
        key_func=lambda: phone_key(request.form.get("phone") or ""),
        methods=["POST"],
        scope=f"{scope}-phone",
    )
    return lambda view: by_ip(by_phone(view))


def session_phone_key(name: str) -> str:
    value = str(session.get(name) or "")
    return phone_key(value) if value else get_remote_address()


def per_ip_and_session_phone(setting: str, scope: str, name: str):
    """The setting's limit per IP address, and `RATELIMIT_CODES_PER_PHONE` per phone kept in
    the session under `name`, on POSTs only: codes typed for one phone from many addresses,
    whatever code is current, count together."""
    by_ip = limiter.limit(_setting(setting), methods=["POST"], scope=f"{scope}-ip")
    by_phone = limiter.limit(
        _setting("RATELIMIT_CODES_PER_PHONE"),
        key_func=lambda: session_phone_key(name),
        methods=["POST"],
        scope=f"{scope}-phone",
    )
    return lambda view: by_ip(by_phone(view))


def per_ip(setting: str, scope: str, methods: tuple[str, ...] = ("POST",)):
    """Per IP address, on POSTs only unless `methods` says (a mailed link is a GET)."""
    return limiter.limit(_setting(setting), methods=list(methods), scope=scope)


def per_account(setting: str, scope: str):
    """Per logged-in account (per IP address before login), on POSTs only."""
    return limiter.limit(_setting(setting), key_func=account_key, methods=["POST"], scope=scope)


def pending_login_key() -> str:
    """The account waiting for its second step (its code), whatever address tries codes."""
    pending = session.get("login_pending")
    return f"pending:{pending.get('id')}" if isinstance(pending, dict) else get_remote_address()


def per_pending_login(setting: str, scope: str):
    return limiter.limit(
        _setting(setting), key_func=pending_login_key, methods=["POST"], scope=scope
    )
