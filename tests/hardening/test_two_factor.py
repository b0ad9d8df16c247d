"""Two-factor login (TOTP) for staff and administrators: enrolment, the second step, replay,
the admin rule, the admin reset, and its own rate limit. Codes come from pyotp, as an app's."""

import re
import time
from datetime import UTC, datetime

import pyotp
import pytest

from participa.audit.models import AuditEvent
from participa.auth import totp
from participa.auth.models import Role, User
from participa.core.errors import DomainError
from participa.extensions import db
from tests.factories import PASSWORD, Factories, login
from tests.hardening.conftest import SMALL_LIMITS
from tests.test_security import csrf_token


def code(secret: str, steps_ahead: int = 0) -> str:
    """The code the app shows now (0) or in the next time-step (1): the server accepts both."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def enrol(client) -> str:
    """Set up two-step login for the logged-in account; return the secret shown on the page."""
    page = client.get("/cuenta/dos-pasos").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, with no script
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    assert client.post("/cuenta/dos-pasos", data={"code": code(secret)}).status_code == 302
    return secret


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


@pytest.fixture
def staff(app):
    return Factories().user(Role.STAFF, email="personal@example.mx")


def test_staff_enrols_with_a_code_of_the_app(app, client, staff):
    login(client, staff.email)
    page = client.get("/cuenta/dos-pasos").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    wrong = client.post("/cuenta/dos-pasos", data={"code": "000000"})
    assert wrong.status_code == 400
    assert "no es correcto" in wrong.get_data(as_text=True)
    assert not reload(staff).has_totp
    assert client.post("/cuenta/dos-pasos", data={"code": code(secret)}).status_code == 302
    stored = reload(staff).totp_secret
    assert stored and secret not in stored  # encrypted at rest
    assert "activado" in client.get("/cuenta/dos-pasos").get_data(as_text=True)
    assert db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "auth.totp_enrol")
    ).scalar_one()


def test_residents_have_no_two_step_page(app, client):
    resident = Factories().user(colonia=Factories().territory()["Centro"])
    login(client, resident.email)
    assert client.get("/cuenta/dos-pasos").status_code == 404


def test_login_asks_for_the_code_and_refuses_a_replayed_one(app, client, staff):
    login(client, staff.email)
    secret = enrol(client)
    client.post("/cuenta/salir")

    enrolled_login = reload(staff).last_login_at
    first = app.test_client()
    response = login(first, staff.email)
    assert response.status_code == 302 and response.headers["Location"] == "/cuenta/entrar/codigo"
    assert first.get("/cuenta/").status_code == 302  # the password alone does not log in
    assert reload(staff).last_login_at == enrolled_login
    assert first.post("/cuenta/entrar/codigo", data={"code": "123456"}).status_code == 400
    assert first.get("/cuenta/").status_code == 302
    fresh = code(secret, 1)
    assert first.post("/cuenta/entrar/codigo", data={"code": fresh}).status_code == 302
    assert first.get("/cuenta/").status_code == 200
    assert reload(staff).last_login_at > enrolled_login

    # Someone who saw that code types it at once elsewhere: refused, it was used.
    second = app.test_client()
    login(second, staff.email)
    replay = second.post("/cuenta/entrar/codigo", data={"code": fresh})
    assert replay.status_code == 400
    assert second.get("/cuenta/").status_code == 302


def test_the_code_page_needs_the_password_first(client, staff):
    response = client.post("/cuenta/entrar/codigo", data={"code": "123456"})
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]


def test_older_or_equal_time_steps_are_refused(app, staff):
    secret = pyotp.random_base32()
    now = datetime.now(UTC)
    step = pyotp.TOTP(secret).timecode(now)
    key = app.config["SECRET_KEY"]
    totp.enrol(staff, secret, pyotp.TOTP(secret).generate_otp(step), now=now, secret_key=key)
    with pytest.raises(DomainError):  # the enrolment code, again
        totp.check_code(staff, pyotp.TOTP(secret).generate_otp(step), now=now, secret_key=key)
    with pytest.raises(DomainError):  # the step before it, still inside the drift window
        totp.check_code(staff, pyotp.TOTP(secret).generate_otp(step - 1), now=now, secret_key=key)
    totp.check_code(staff, pyotp.TOTP(secret).generate_otp(step + 1), now=now, secret_key=key)
    assert reload(staff).totp_last_step == step + 1


def test_admins_must_enrol_before_any_admin_page(app_with):
    app = app_with(REQUIRE_TOTP_ROLES="admin")
    admin = Factories().user(Role.ADMIN, email="admin@example.mx")
    client = app.test_client()
    response = login(client, admin.email)
    assert response.headers["Location"].startswith("/cuenta/dos-pasos")
    blocked = client.get("/admin/usuarios")
    assert blocked.status_code == 302 and blocked.headers["Location"].startswith(
        "/cuenta/dos-pasos"
    )
    assert client.post("/admin/usuarios/nuevo", data={}).status_code == 302  # not even a POST
    enrol(client)
    assert client.get("/admin/usuarios").status_code == 200


def test_create_admin_says_two_step_login_is_required(app_with):
    app = app_with(REQUIRE_TOTP_ROLES="admin")
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--name", "Ana", "--email", "ana@example.mx", "--password", "x" * 12]
    )
    assert result.exit_code == 0, result.output
    assert "/cuenta/dos-pasos" in result.output


def test_an_admin_resets_a_staff_members_two_step_login(app, staff):
    staff_client = app.test_client()
    login(staff_client, staff.email)
    enrol(staff_client)
    make = Factories()
    other_staff = make.user(Role.STAFF, email="otro@example.mx")
    admin = make.user(Role.ADMIN, email="admin@example.mx")

    # Staff cannot touch another's two-step login.
    other = app.test_client()
    login(other, other_staff.email)
    assert other.post(f"/admin/usuarios/{staff.id}/dos-pasos/restablecer").status_code == 403
    assert reload(staff).has_totp

    admin_client = app.test_client()
    login(admin_client, admin.email)
    page = admin_client.get("/admin/usuarios").get_data(as_text=True)
    assert "Restablecer acceso en dos pasos" in page
    response = admin_client.post(f"/admin/usuarios/{staff.id}/dos-pasos/restablecer")
    assert response.status_code == 302
    assert not reload(staff).has_totp
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "auth.totp_reset")
    ).scalar_one()
    assert event.actor_id == admin.id and event.object_id == str(staff.id)
    assert login(app.test_client(), staff.email).headers["Location"] == "/"  # no code now


def test_an_admin_cannot_reset_their_own(app):
    admin = Factories().user(Role.ADMIN)
    client = app.test_client()
    login(client, admin.email)
    enrol(client)
    client.post(f"/admin/usuarios/{admin.id}/dos-pasos/restablecer")
    assert reload(admin).has_totp


def test_the_code_step_has_its_own_rate_limit(app_with):
    app = app_with(**SMALL_LIMITS)
    staff = Factories().user(Role.STAFF)
    client = app.test_client()
    login(client, staff.email)
    secret = enrol(client)
    client.post("/cuenta/salir")
    attacker = app.test_client()
    login(attacker, staff.email)
    for _ in range(3):
        assert attacker.post("/cuenta/entrar/codigo", data={"code": "000000"}).status_code == 400
    blocked = attacker.post("/cuenta/entrar/codigo", data={"code": code(secret, 1)})
    assert blocked.status_code == 429
    assert attacker.get("/cuenta/").status_code == 302


def test_the_code_form_needs_the_csrf_token(csrf_app):
    staff = Factories().user(Role.STAFF)
    secret = pyotp.random_base32()
    now = datetime.now(UTC)
    totp.enrol(staff, secret, pyotp.TOTP(secret).now(), now=now, secret_key="test-secret")
    client = csrf_app.test_client()
    token = csrf_token(client.get("/cuenta/entrar").get_data(as_text=True))
    client.post(
        "/cuenta/entrar", data={"email": staff.email, "password": PASSWORD, "csrf_token": token}
    )
    assert client.post("/cuenta/entrar/codigo", data={"code": code(secret, 1)}).status_code == 400
    assert client.get("/cuenta/").status_code == 302
    token = csrf_token(client.get("/cuenta/entrar/codigo").get_data(as_text=True))
    response = client.post(
        "/cuenta/entrar/codigo", data={"code": code(secret, 1), "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/cuenta/").status_code == 200
