"""Security defaults: CSRF on every POST, strict headers, safe cookies, SQLite integrity."""

import re

import pytest
import sqlalchemy as sa

from participa import create_app
from participa.auth.models import Role, User
from participa.extensions import db
from tests.factories import PASSWORD, Factories


def csrf_token(page: str) -> str:
    found = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "the form has no CSRF token"
    return found.group(1)


def user_by_email(email: str) -> User:
    return db.session.execute(db.select(User).where(User.email == email)).scalar_one()


@pytest.fixture
def csrf_client(csrf_app):
    Factories().user(email="vecina@example.mx")
    return csrf_app.test_client()


def test_login_without_csrf_token_is_refused(csrf_client):
    response = csrf_client.post(
        "/cuenta/entrar", data={"email": "vecina@example.mx", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert user_by_email("vecina@example.mx").last_login_at is None
    assert csrf_client.get("/cuenta/").status_code == 302  # still anonymous


def test_login_with_the_form_token_works(csrf_client):
    token = csrf_token(csrf_client.get("/cuenta/entrar").get_data(as_text=True))
    response = csrf_client.post(
        "/cuenta/entrar",
        data={"email": "vecina@example.mx", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert csrf_client.get("/cuenta/").status_code == 200


def test_a_token_from_another_session_is_refused(csrf_app, csrf_client):
    token = csrf_token(csrf_client.get("/cuenta/entrar").get_data(as_text=True))
    stranger = csrf_app.test_client()
    response = stranger.post(
        "/cuenta/entrar",
        data={"email": "vecina@example.mx", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 400
    assert stranger.get("/cuenta/").status_code == 302


def test_registration_without_csrf_token_creates_nothing(csrf_app):
    colonia = Factories().territory()["Centro"]
    client = csrf_app.test_client()
    response = client.post(
        "/cuenta/registro",
        data={
            "name": "Sin Token",
            "email": "sintoken@example.mx",
            "curp": "GOMA900517MJCRRN05",
            "colonia_id": colonia.id,
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 400
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 0


def test_logout_and_admin_buttons_need_the_token(csrf_app):
    factories = Factories()
    factories.user(Role.ADMIN, email="admin@example.mx")
    person = factories.user(email="vecina@example.mx")
    client = csrf_app.test_client()
    token = csrf_token(client.get("/cuenta/entrar").get_data(as_text=True))
    client.post(
        "/cuenta/entrar",
        data={"email": "admin@example.mx", "password": PASSWORD, "csrf_token": token},
    )

    assert client.post(f"/admin/usuarios/{person.id}/bloquear").status_code == 400
    db.session.refresh(person)
    assert person.active is True
    assert client.post("/cuenta/salir").status_code == 400
    assert client.get("/cuenta/").status_code == 200

    page = client.get("/admin/usuarios").get_data(as_text=True)
    response = client.post(
        f"/admin/usuarios/{person.id}/bloquear", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.active is False


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/"),
        ("get", "/cuenta/entrar"),
        ("get", "/cuenta/registro"),
        ("get", "/cuenta/"),  # redirect to log in
        ("get", "/admin/usuarios"),  # redirect to log in
        ("get", "/no-existe"),
        ("post", "/cuenta/entrar"),
        ("get", "/cuenta/salir"),  # 405
        ("get", "/static/css/participa.css"),
    ],
)
def test_every_response_has_strict_security_headers(client, method, path):
    response = getattr(client, method)(path)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts(client):
    """The CSP refuses inline scripts, so pages must not rely on any."""
    for path in ("/", "/cuenta/entrar", "/cuenta/registro"):
        page = client.get(path).get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+=", page), "inline event handler"


@pytest.fixture
def default_config_app(tmp_path):
    """The app with the production cookie and CSRF defaults (only the database is for tests)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
            "SECRET_KEY": "test-secret",
        }
    )
    with app.app_context():
        db.create_all()
        Factories().user(email="vecina@example.mx")
        yield app
        db.session.remove()
        db.engine.dispose()


def cookie_attributes(response, name: str) -> set[str]:
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_cookies_are_secure_httponly_and_lax_by_default(default_config_app):
    assert default_config_app.config["SESSION_COOKIE_SECURE"] is True
    client = default_config_app.test_client()
    page = client.get("/cuenta/entrar", base_url="https://localhost")
    assert {"secure", "httponly", "samesite=lax"} <= cookie_attributes(page, "session")

    response = client.post(
        "/cuenta/entrar",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/cuenta/entrar"},  # checked on HTTPS
        data={
            "email": "vecina@example.mx",
            "password": PASSWORD,
            "remember": "y",
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302
    assert {"secure", "httponly", "samesite=lax"} <= cookie_attributes(response, "session")
    assert {"secure", "httponly"} <= cookie_attributes(response, "remember_token")


def test_csrf_is_on_by_default(default_config_app):
    client = default_config_app.test_client()
    response = client.post(
        "/cuenta/entrar",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/cuenta/entrar"},
        data={"email": "vecina@example.mx", "password": PASSWORD},
    )
    assert response.status_code == 400


@pytest.mark.sqlite_only
def test_sqlite_uses_foreign_keys_and_wal(app):
    assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar().lower() == "wal"
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.text(
                "INSERT INTO colonia (name, delegacion_id, population) VALUES ('Fantasma', 999, 1)"
            )
        )
        db.session.flush()
    db.session.rollback()


@pytest.mark.sqlite_only
def test_every_new_sqlite_connection_gets_the_pragmas(app):
    with db.engine.connect() as first, db.engine.connect() as second:
        for connection in (first, second):
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(sa.text("PRAGMA journal_mode")).scalar().lower() == "wal"
