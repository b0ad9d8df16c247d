"""Security headers on every page, no inline scripts, safe cookies, stored text escaped."""

import re
from pathlib import Path

import pytest

from participa.auth.models import Role
from participa.core.maps import content_security_policy
from participa.extensions import db
from participa.web import CSP
from tests.factories import Factories, login

# A script element without src runs, unless it is a data block (charts carry their figures as
# type="application/json", which browsers never execute).
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/json\")[^>]*>", re.IGNORECASE
)


def get_routes(app) -> list[str]:
    """Every GET route of the URL map that needs no arguments (static files aside)."""
    paths = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    }
    return sorted(paths)


def check_page(path: str, response) -> None:
    headers = response.headers
    # The base policy, with the map tiles' server (MAP_TILE_URL) among the image sources.
    assert headers["Content-Security-Policy"] == content_security_policy(
        CSP, "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ), path
    assert "'unsafe-inline'" not in CSP.split("script-src")[1].split(";")[0]
    assert headers["X-Frame-Options"] == "DENY", path
    assert headers["X-Content-Type-Options"] == "nosniff", path
    assert "camera=()" in headers["Permissions-Policy"], path
    if response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(page), f"inline <script> on {path}"
        assert " onclick=" not in page and " onload=" not in page, path


@pytest.mark.parametrize("role", [None, Role.CITIZEN, Role.STAFF, Role.ADMIN])
def test_every_page_has_the_headers_and_no_inline_script(app, role):
    make = Factories()
    centro = make.territory()["Centro"]
    make.consultation()
    client = app.test_client()
    if role is not None:
        user = make.user(role, colonia=centro if role is Role.CITIZEN else None)
        assert login(client, user.email).status_code == 302
    routes = get_routes(app)
    assert "/cuenta/recuperar" in routes and "/admin/usuarios" in routes
    for path in routes:
        response = client.get(path)
        assert response.status_code < 500, path
        check_page(path, response)


def test_hsts_and_secure_cookies_when_served_over_https(app_with):
    app = app_with(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    user = Factories().user(email="vecina@example.mx")
    client = app.test_client()
    response = client.post(
        "/cuenta/entrar",
        data={"email": user.email, "password": "contraseña-segura", "remember": "y"},
        base_url="https://localhost",
    )
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        [cookie] = [c for c in cookies if c.startswith(name)]
        assert "Secure" in cookie and "HttpOnly" in cookie, cookie
    assert all("SameSite=Lax" in c for c in cookies if c.startswith(("session=", "remember_")))


def test_no_hsts_when_the_site_is_plain_http(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_the_defaults_are_the_safe_ones():
    from participa import config

    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE
    assert config.SESSION_COOKIE_HTTPONLY and config.REMEMBER_COOKIE_HTTPONLY
    assert config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.RATELIMIT_ENABLED and config.REQUIRE_TOTP_ROLES == "admin,staff,council"


def test_stored_text_is_escaped_where_it_is_shown(app):
    make = Factories()
    sneaky = make.user(email="sneaky@example.mx")
    sneaky.name = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    db.session.commit()
    admin = make.user(Role.ADMIN, email="admin@example.mx")
    for viewer, path in ((sneaky, "/cuenta/"), (admin, "/admin/usuarios")):
        client = app.test_client()
        login(client, viewer.email)
        page = client.get(path).get_data(as_text=True)
        assert "&lt;script&gt;alert" in page, path
        assert "<script>alert" not in page and "<img src=x" not in page, path


# richtext.py: nh3-cleaned HTML. numbers.py: the templates' ngettext, which marks only the
# translation safe and lets Markup's % escape every value, as Jinja's own newstyle ngettext.
TRUSTED_MARKUP = ("richtext.py", "numbers.py")


def test_no_template_marks_text_as_safe():
    """Escaping is never switched off: user text goes through `richtext` (nh3) or autoescape."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in (root / "templates").rglob("*.html")
        if re.search(r"\|\s*safe\b|autoescape\s+false", path.read_text(encoding="utf-8"))
    ]
    offenders += [
        str(path.relative_to(root))
        for path in (root / "participa").rglob("*.py")
        if "Markup(" in path.read_text(encoding="utf-8") and path.name not in TRUSTED_MARKUP
    ]
    assert offenders == []


def test_static_files_do_not_vary_with_the_session_cookie(app, client):
    """The session cookie is signed anew on each page: a `Vary: Cookie` on a stylesheet or a
    script would make the browser ask the server again for a file it has."""
    client.get("/cuenta/entrar")  # a session cookie now goes with every request
    assert client.get_cookie("session")
    response = client.get("/static/js/charts.js?v=1")
    assert response.status_code == 200
    assert "Cookie" not in response.vary
    assert response.headers.get("Set-Cookie") is None
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert "Cookie" in client.get("/cuenta/entrar").vary  # pages still do
