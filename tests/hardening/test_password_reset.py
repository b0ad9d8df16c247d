"""Password reset: the same answer for every e-mail; a signed link that expires and works once."""

import re
import time

import pytest

from participa.audit.models import AuditEvent
from participa.auth.models import User
from participa.extensions import db
from tests.factories import PASSWORD, Factories, login
from tests.mailbox import html_part, outbox_messages, text_part
from tests.test_security import csrf_token

NEW = "otra-clave-larga"


@pytest.fixture
def mailed(app, outbox):
    Factories().user(email="vecina@example.mx")
    return outbox


def ask(client, email):
    return client.post("/cuenta/recuperar", data={"email": email})


NEW_PASSWORD_PAGE = "/cuenta/recuperar/nueva"


def link_path(body: str) -> str:
    found = re.search(r"http://localhost(/cuenta/recuperar/\S+)", body)
    assert found, body
    return found.group(1)


def open_link(client, body: str) -> str:
    """Follow the mailed link as a browser: it moves the token out of the URL at once."""
    response = client.get(link_path(body))
    assert response.status_code == 303
    assert response.headers["Location"] == NEW_PASSWORD_PAGE
    return NEW_PASSWORD_PAGE


def test_the_answer_is_the_same_for_known_and_unknown_emails(app, mailed):
    known = ask(app.test_client(), "vecina@example.mx")
    unknown = ask(app.test_client(), "nadie@example.mx")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    pages = []
    for email in ("vecina@example.mx", "nadie@example.mx"):
        client = app.test_client()
        pages.append(client.post("/cuenta/recuperar", data={"email": email}, follow_redirects=True))
    # Equal but for each session's own CSRF token (the footer's language form has one).
    bodies = [re.sub(r'value="[^"]+"', "", page.get_data(as_text=True)) for page in pages]
    assert bodies[0] == bodies[1]
    assert "Si ese correo electrónico tiene una cuenta" in bodies[0]
    assert [to for to, _, _ in mailed] == ["vecina@example.mx", "vecina@example.mx"]


def test_the_link_sets_a_new_password_once(app, client, mailed):
    ask(client, "Vecina@example.mx ")
    path = open_link(client, mailed[0][2])
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    with client.session_transaction() as stored:
        assert "reset_token" not in stored  # the cookie is signed, not encrypted: token gone
    assert login(app.test_client(), "vecina@example.mx", NEW).status_code == 302
    assert login(app.test_client(), "vecina@example.mx", PASSWORD).status_code == 400
    assert db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "auth.password_reset")
    ).scalar_one()
    # Used once: the link is dead now, also for another attempt with another password.
    open_link(client, mailed[0][2])
    again = client.post(path, data={"password": "tercera-clave", "confirm": "tercera-clave"})
    assert again.status_code == 400
    assert "ya se usó" in again.get_data(as_text=True)
    assert login(app.test_client(), "vecina@example.mx", NEW).status_code == 302


def test_an_expired_link_is_refused(app, client, mailed, monkeypatch):
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 2 * 3600)  # asked two hours ago
    ask(client, "vecina@example.mx")
    monkeypatch.setattr(time, "time", real_time)
    response = client.post(open_link(client, mailed[0][2]), data={"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert "venció" in response.get_data(as_text=True)
    assert login(app.test_client(), "vecina@example.mx", PASSWORD).status_code == 302


def test_a_forged_link_is_refused(client, mailed):
    response = client.get("/cuenta/recuperar/eyJ1IjoxfQ.forjado.firma", follow_redirects=True)
    assert response.status_code == 400


def test_bad_new_password_changes_nothing(app, client, mailed):
    ask(client, "vecina@example.mx")
    path = open_link(client, mailed[0][2])
    before = db.session.execute(db.select(User.password_hash)).scalar_one()
    response = client.post(path, data={"password": NEW, "confirm": "distinta-clave"})
    assert response.status_code == 400
    assert "no coinciden" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(db.select(User.password_hash)).scalar_one() == before
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302


def test_a_blocked_account_gets_no_link(app, mailed):
    user = db.session.execute(db.select(User)).scalar_one()
    user.active = False
    db.session.commit()
    assert ask(app.test_client(), "vecina@example.mx").status_code == 302
    assert mailed == []


def test_without_a_mail_server_the_message_goes_to_the_outbox_folder(app):
    Factories().user(email="vecina@example.mx")
    ask(app.test_client(), "vecina@example.mx")
    [message] = outbox_messages(app)
    assert message["To"] == "vecina@example.mx"
    assert "/cuenta/recuperar/" in text_part(message) and "/cuenta/recuperar/" in html_part(message)


def test_with_a_mail_server_the_link_reaches_it(database, smtp_sink):
    app = database(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port, PUBLIC_URL=None)
    with app.app_context():
        Factories().user(email="vecina@example.mx")
        client = app.test_client()
        assert ask(client, "vecina@example.mx").status_code == 302
        [message] = smtp_sink.messages
        assert message.envelope_to == ["vecina@example.mx"]
        assert message["Subject"] == "Elige una nueva contraseña"
        assert re.search(r"http://localhost/cuenta/recuperar/\S+", text_part(message))
        page = open_link(client, text_part(message))
        response = client.post(page, data={"password": NEW, "confirm": NEW})
        assert response.status_code == 302
        assert login(app.test_client(), "vecina@example.mx", NEW).status_code == 302


def test_asking_without_the_csrf_token_is_refused(csrf_app, outbox):
    Factories().user(email="vecina@example.mx")
    client = csrf_app.test_client()
    assert ask(client, "vecina@example.mx").status_code == 400
    assert outbox == []
    token = csrf_token(client.get("/cuenta/recuperar").get_data(as_text=True))
    response = client.post(
        "/cuenta/recuperar", data={"email": "vecina@example.mx", "csrf_token": token}
    )
    assert response.status_code == 302
    assert len(outbox) == 1


def test_the_link_uses_the_public_address_not_the_host_header(app, mailed):
    app.config["PUBLIC_URL"] = "https://participa.example.gob.mx"
    client = app.test_client()
    client.post(
        "/cuenta/recuperar",
        data={"email": "vecina@example.mx"},
        headers={"Host": "evil.example"},
    )
    ((_, _, body),) = mailed
    assert "https://participa.example.gob.mx/cuenta/recuperar/" in body
    assert "evil.example" not in body


def test_a_new_password_logs_out_the_other_sessions(app, mailed):
    thief = app.test_client()
    assert login(thief, "vecina@example.mx").status_code == 302
    assert thief.get("/cuenta/").status_code == 200

    owner = app.test_client()
    ask(owner, "vecina@example.mx")
    path = open_link(owner, mailed[-1][2])
    owner.post(path, data={"password": NEW, "confirm": NEW})

    assert thief.get("/cuenta/").status_code == 302  # sent to log in again
    assert login(app.test_client(), "vecina@example.mx", NEW).status_code == 302
