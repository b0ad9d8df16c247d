"""Changing SECRET_KEY: the old key in SECRET_KEY_FALLBACKS keeps sessions and two-step login
working, and the two-step secrets move to the new key (at login, or by `flask rotate-keys`)."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from participa.audit.models import AuditEvent
from participa.auth import contact, reset, totp
from participa.auth.models import Role, User
from participa.core.errors import DomainError
from participa.extensions import db
from tests.factories import Factories, login

OLD, NEW = "la-clave-de-antes", "la-clave-de-ahora"


def enrolled(secret_key: str, when: datetime, make=None) -> tuple[int, str]:
    """A staff account with two-step login under `secret_key`: (id, the app's secret)."""
    user = (make or Factories()).user(Role.STAFF)
    secret = totp.new_secret()
    totp.enrol(user, secret, pyotp.TOTP(secret).at(when), now=when, secret_key=secret_key)
    return user.id, secret


def passes(user_id: int, secret: str, when: datetime, secret_key: str, fallbacks=()) -> bool:
    """Whether a fresh code of the app at `when` is accepted."""
    user = db.session.get(User, user_id)
    code = pyotp.TOTP(secret).at(when)
    try:
        totp.check_code(user, code, now=when, secret_key=secret_key, fallbacks=fallbacks)
    except DomainError:
        return False
    return True


def test_a_session_signed_with_the_old_key_still_works_with_the_fallback(database):
    before = database(SECRET_KEY=OLD)
    with before.app_context():
        email = Factories().user(Role.STAFF).email
    client = before.test_client()
    assert login(client, email).status_code == 302
    cookie = client.get_cookie("session").value

    rotated = database(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
    dropped = database(SECRET_KEY=NEW)  # the old key forgotten: a stranger again
    for app, status in ((rotated, 200), (dropped, 302)):
        visitor = app.test_client()
        visitor.set_cookie("session", cookie)
        assert visitor.get("/cuenta/").status_code == status


def test_a_two_step_secret_under_the_old_key_verifies_and_moves_to_the_new_one(database):
    start = datetime.now(UTC)
    before = database(SECRET_KEY=OLD)
    with before.app_context():
        user_id, secret = enrolled(OLD, start)
        email = db.session.get(User, user_id).email
        under_old = db.session.get(User, user_id).totp_secret

    rotated = database(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
    client = rotated.test_client()
    assert login(client, email).headers["Location"] == "/cuenta/entrar/codigo"
    code = pyotp.TOTP(secret).at(start + timedelta(seconds=30))  # the next step: not a replay
    assert client.post("/cuenta/entrar/codigo", data={"code": code}).status_code == 302
    assert client.get("/cuenta/").status_code == 200

    with rotated.app_context():
        assert db.session.get(User, user_id).totp_secret != under_old
        # Under the new key alone now: the old one can be dropped.
        assert passes(user_id, secret, start + timedelta(seconds=60), NEW)
        db.engine.dispose()


def test_without_the_fallback_a_secret_under_the_old_key_is_refused(app):
    start = datetime.now(UTC)
    user_id, secret = enrolled(OLD, start)
    assert not passes(user_id, secret, start + timedelta(seconds=30), NEW)
    assert passes(user_id, secret, start + timedelta(seconds=30), NEW, [OLD])


def test_rotate_keys_re_encrypts_every_secret_and_names_the_unreadable(database):
    start = datetime.now(UTC)
    before = database(SECRET_KEY=OLD)
    with before.app_context():
        make = Factories()
        moved, moved_secret = enrolled(OLD, start, make)
        enrolled(NEW, start, make)
        lost, _ = enrolled("una-clave-olvidada", start, make)
    rotated = database(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
    with rotated.app_context():
        result = rotated.test_cli_runner().invoke(args=["rotate-keys"])
        assert result.exit_code == 1
        assert "1 re-encrypted under the current key, 1 already under it" in result.output
        assert f"(accounts {lost})" in result.output
        assert passes(moved, moved_secret, start + timedelta(seconds=30), NEW)
        audit = db.select(AuditEvent).where(AuditEvent.action == "auth.totp_rotate")
        assert db.session.execute(audit).scalar_one()

        db.session.get(User, lost).totp_secret = None  # an administrator reset it
        db.session.commit()
        again = rotated.test_cli_runner().invoke(args=["rotate-keys"])
        assert again.exit_code == 0, again.output
        assert "0 re-encrypted under the current key, 2 already under it" in again.output
        db.engine.dispose()


@pytest.mark.parametrize(("given", "kept"), [("una", ["una"]), (["a", "b"], ["a", "b"])])
def test_the_fallbacks_may_be_one_key_or_a_list(database, given, kept):
    assert database(SECRET_KEY_FALLBACKS=given).config["SECRET_KEY_FALLBACKS"] == kept


def test_a_leaked_key_is_given_to_the_command_alone(database):
    start = datetime.now(UTC)
    before = database(SECRET_KEY=OLD)
    with before.app_context():
        moved, moved_secret = enrolled(OLD, start, Factories())
    rotated = database(SECRET_KEY=NEW)  # no fallback: sessions under the leaked key are dead
    with rotated.app_context():
        runner = rotated.test_cli_runner()
        refused = runner.invoke(args=["rotate-keys"])
        assert refused.exit_code == 1 and f"(accounts {moved})" in refused.output
        result = runner.invoke(args=["rotate-keys", "--ask-old-key"], input=f"{OLD}\n")
        assert result.exit_code == 0, result.output
        assert "1 re-encrypted under the current key" in result.output
        assert OLD not in result.output  # typed, not echoed
        assert passes(moved, moved_secret, start + timedelta(seconds=30), NEW)
        db.engine.dispose()


def test_a_confirmation_and_a_reset_link_signed_with_the_old_key_work_after_rotation(database):
    before = database(SECRET_KEY=OLD)
    with before.app_context():
        user = Factories().user(confirmed=False)
        user_id, email = user.id, user.email
        confirm = contact.email_token(user, email, OLD)
        reset_link = reset.make_token(user, OLD)
    rotated = database(SECRET_KEY=NEW, SECRET_KEY_FALLBACKS=[OLD])
    dropped = database(SECRET_KEY=NEW)
    refused = dropped.test_client().post(f"/cuenta/confirmar/correo/{confirm}")
    assert "ya no es válido" in refused.get_data(as_text=True)
    assert rotated.test_client().post(f"/cuenta/confirmar/correo/{confirm}").status_code == 302
    for app, status in ((dropped, 400), (rotated, 200)):
        page = app.test_client().get(f"/cuenta/recuperar/{reset_link}", follow_redirects=True)
        assert page.status_code == status
    with rotated.app_context():
        assert db.session.get(User, user_id).email_confirmed_at is not None
