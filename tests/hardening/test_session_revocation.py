"""Sessions end on the server: a copied cookie dies with log-out, a new password or a block.

Sessions are signed cookies, so ending one in the browser alone would leave any copy alive.
Each account has a session epoch (`User.session_epoch`) that its sessions and remember-me
cookies carry; log-out, a password reset, an administrator's or a moderator's block and an
administrator's two-step reset raise it, and the user loader refuses every older cookie.
"""

import pytest

from participa.auth.models import Role, User
from participa.extensions import db
from tests.factories import PASSWORD, Factories, login
from tests.hardening.test_password_reset import NEW, ask, open_link

EMAIL = "vecina@example.mx"
COOKIES = ("session", "remember_token")


@pytest.fixture
def vecina(app):
    return Factories().user(email=EMAIL).id


def logged_in(app, email=EMAIL, remember=True):
    client = app.test_client()
    data = {"email": email, "password": PASSWORD, "remember": "y" if remember else ""}
    assert client.post("/cuenta/entrar", data=data).status_code == 302
    assert client.get("/cuenta/").status_code == 200
    return client


def copy_of(app, client, names=COOKIES):
    """Another browser holding a copy of `client`'s cookies (as a thief would)."""
    thief = app.test_client()
    for name in names:
        if cookie := client.get_cookie(name):
            thief.set_cookie(name, cookie.value)
    assert thief.get("/cuenta/").status_code == 200  # the copy works until the session ends
    return thief


def is_logged_out(client) -> bool:
    response = client.get("/cuenta/")
    return response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]


def test_a_copied_cookie_stops_working_after_log_out(app, vecina):
    owner = logged_in(app)
    session_copy = copy_of(app, owner, ["session"])
    remember_copy = copy_of(app, owner, ["remember_token"])
    assert owner.post("/cuenta/salir").status_code == 302
    assert is_logged_out(owner)
    assert is_logged_out(session_copy)
    assert is_logged_out(remember_copy)
    assert login(app.test_client(), EMAIL).status_code == 302  # logging in again works


def test_log_out_ends_the_other_sessions_of_the_account_too(app, vecina):
    phone, laptop = logged_in(app), logged_in(app, remember=False)
    phone.post("/cuenta/salir")
    assert is_logged_out(laptop)


def test_a_password_reset_in_another_client_ends_the_copied_sessions(app, vecina, outbox):
    owner = logged_in(app)
    thief = copy_of(app, owner)
    remember_copy = copy_of(app, owner, ["remember_token"])
    resetting = app.test_client()
    ask(resetting, EMAIL)
    page = open_link(resetting, outbox[-1][2])
    assert resetting.post(page, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert is_logged_out(thief)
    assert is_logged_out(remember_copy)
    assert is_logged_out(owner)


def test_an_admin_block_ends_every_session_of_the_account(app, vecina):
    Factories().user(Role.ADMIN, email="admin@example.mx")
    owner = logged_in(app)
    thief = copy_of(app, owner)
    admin = logged_in(app, "admin@example.mx")
    assert admin.post(f"/admin/usuarios/{vecina}/bloquear").status_code == 302
    assert is_logged_out(owner)
    assert is_logged_out(thief)
    # Unblocking does not bring the old sessions back: the person logs in again.
    assert admin.post(f"/admin/usuarios/{vecina}/desbloquear").status_code == 302
    assert is_logged_out(thief)
    assert login(app.test_client(), EMAIL).status_code == 302


def test_a_moderator_block_ends_every_session_of_the_resident(app, vecina):
    Factories().user(Role.STAFF, email="personal@example.mx")
    owner = logged_in(app)
    staff = logged_in(app, "personal@example.mx")
    response = staff.post(f"/gestion/moderacion/cuentas/{vecina}/bloquear")
    assert response.status_code == 302
    assert is_logged_out(owner)


def test_a_blocked_account_is_refused_even_if_its_epoch_were_unchanged(app, vecina):
    owner = logged_in(app)
    user = db.session.get(User, vecina)
    user.active = False  # as a direct database edit would: no epoch raised
    db.session.commit()
    assert is_logged_out(owner)


def test_an_old_style_cookie_without_the_epoch_is_refused(app, vecina):
    owner = logged_in(app, remember=False)
    user = db.session.get(User, vecina)
    with owner.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{user.password_fingerprint}"
    assert is_logged_out(owner)
