"""Logging in and out, without revealing which e-mails have accounts, and safe redirects."""

import re

import pytest

from participa.auth.models import Role
from participa.core.access import safe_next
from participa.extensions import db
from tests.factories import PASSWORD, login


def logged_in(client) -> bool:
    """Whether the client's session reaches the account page (anonymous is sent to log in)."""
    return client.get("/cuenta/").status_code == 200


def test_good_credentials_log_in_and_go_home(client, make):
    user = make.user(email="vecina@example.mx")
    assert not logged_in(client)

    response = login(client, "Vecina@Example.mx")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert logged_in(client)
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_remember_me_sets_a_lasting_cookie(client, make):
    make.user(email="vecina@example.mx")
    client.post(
        "/cuenta/entrar",
        data={"email": "vecina@example.mx", "password": PASSWORD, "remember": "y"},
    )
    assert client.get_cookie("remember_token") is not None


def _without_token(page: str, email: str) -> str:
    """The page with the e-mail typed and the CSRF token (which carries a time) blanked."""
    page = page.replace(email, "EMAIL")
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*', r"\1TOKEN", page)


def test_wrong_password_and_unknown_email_look_the_same(client, make):
    make.user(email="vecina@example.mx")

    wrong_password = login(client, "vecina@example.mx", "no-es-la-contraseña")
    unknown_email = login(client, "nadie@example.mx", "no-es-la-contraseña")

    assert wrong_password.status_code == unknown_email.status_code == 400
    first = _without_token(wrong_password.get_data(as_text=True), "vecina@example.mx")
    second = _without_token(unknown_email.get_data(as_text=True), "nadie@example.mx")
    assert first == second
    assert 'class="form-errors"' in first
    assert not logged_in(client)


def test_blocked_account_cannot_log_in(client, make):
    user = make.user(email="vecina@example.mx")
    user.active = False
    db.session.commit()

    response = login(client, "vecina@example.mx")

    assert response.status_code == 400
    assert 'class="form-errors"' in response.get_data(as_text=True)
    assert not logged_in(client)


def test_blocked_while_logged_in_loses_the_session(client, make):
    user = make.user(email="vecina@example.mx")
    login(client, "vecina@example.mx")
    assert logged_in(client)
    user.active = False
    db.session.commit()
    assert not logged_in(client)


def test_logout_needs_a_post(client, make):
    make.user(email="vecina@example.mx")
    login(client, "vecina@example.mx")

    assert client.get("/cuenta/salir").status_code == 405
    assert logged_in(client)

    response = client.post("/cuenta/salir")
    assert response.status_code == 302
    assert not logged_in(client)


def test_staff_log_in_like_anyone(client, make):
    make.user(Role.STAFF, email="personal@example.mx")
    assert login(client, "personal@example.mx").status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/procesos/", "/procesos/"),
        ("/procesos/3?pagina=2", "/procesos/3?pagina=2"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("\\\\evil", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_login_follows_only_a_local_next(client, make, next_url, expected):
    make.user(email="vecina@example.mx")
    response = client.post(
        "/cuenta/entrar",
        query_string={"next": next_url},
        data={"email": "vecina@example.mx", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_login_page_keeps_next_for_the_form(client):
    page = client.get("/cuenta/entrar?next=/procesos/").get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/procesos/">' in page


def test_protected_page_sends_anonymous_to_login_with_next(client):
    response = client.get("/cuenta/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/cuenta/entrar?next=")
    assert "%2Fcuenta%2F" in response.headers["Location"]


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/procesos/", "/procesos/"),
        ("/", "/"),
        ("/a/b?c=d#e", "/a/b?c=d#e"),
        (None, "/home"),
        ("", "/home"),
        ("procesos/", "/home"),
        ("https://evil.example/", "/home"),
        ("http://localhost/procesos/", "/home"),
        ("//evil.example", "/home"),
        ("///evil.example", "/home"),
        ("\\\\evil", "/home"),
        ("/\\evil", "/home"),
        ("/\t/evil.example", "/home"),
        ("/\n/evil.example", "/home"),
        (" //evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
        ("mailto:a@b.mx", "/home"),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target, "/home") == expected


def test_login_session_expires_after_the_configured_lifetime(client, make):
    user = make.user(Role.STAFF)
    response = login(client, user.email)
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and "session=" in v)
    assert "Expires=" in cookie  # a permanent session, bounded by PERMANENT_SESSION_LIFETIME


def test_logging_out_says_it_closes_every_device_and_does(app, make):
    make.user(email="vecina@example.mx")
    tablet, phone = app.test_client(), app.test_client()
    login(tablet, "vecina@example.mx")
    login(phone, "vecina@example.mx")
    account = tablet.get("/cuenta/").get_data(as_text=True)
    assert "Cerrar sesión en todos los dispositivos" in account
    assert "este, tu teléfono y cualquier otra computadora" in account
    page = tablet.post("/cuenta/salir", follow_redirects=True).get_data(as_text=True)
    assert "Cerraste sesión en todos los dispositivos donde tenías tu cuenta abierta." in page
    assert not logged_in(tablet) and not logged_in(phone)
