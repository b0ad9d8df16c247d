"""Access control: role guards for blueprints and views, and a safe `next` redirect."""

from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user


def has_role(*roles: str) -> bool:
    """Tell whether the current user is logged in with one of `roles`."""
    return current_user.is_authenticated and current_user.role.value in roles


def require_roles(*roles: str) -> None:
    """Abort with 401 (anonymous) or 403 (wrong role) unless the user has one of `roles`."""
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role.value not in roles:
        abort(403)


def guard_blueprint(blueprint, *roles: str) -> None:
    """Let only `roles` reach any view of `blueprint`."""
    blueprint.before_request(lambda: require_roles(*roles))


def safe_next(target: str | None, default: str) -> str:
    """Return `target` only if it is a path on this site; otherwise `default`."""
    if not target or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return default
    return target


def next_param() -> str | None:
    """Return the `next` value of the request (query string or form)."""
    return request.values.get("next")
