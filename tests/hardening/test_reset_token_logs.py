"""A password reset link's token never reaches a log: not the app's, not gunicorn's access log.

The mailed link `/cuenta/recuperar/<token>` moves the token into the session and answers
303 to `/cuenta/recuperar/nueva`, which has no secret in it; the link's own request is logged
as its URL rule (`core/logs.py`, `secret_url`), by the app and by gunicorn (gunicorn.conf.py).
"""

import email
import logging
import os
import re
import time
from email.policy import default
from pathlib import Path

from participa import create_app
from participa.extensions import db
from tests.conftest import TEST_CONFIG
from tests.deploy.servers import Browser, free_port, start_gunicorn, stop, wait_until_serving
from tests.factories import Factories, login
from tests.hardening.test_password_reset import NEW, NEW_PASSWORD_PAGE, ask, link_path
from tests.mailbox import text_part

TOKEN = re.compile(r"/cuenta/recuperar/([A-Za-z0-9_.-]{40,})")


def token_of(body: str) -> str:
    found = TOKEN.search(body)
    assert found, body
    return found.group(1)


def test_a_whole_reset_logs_no_token(app, client, outbox, caplog):
    Factories().user(email="vecina@example.mx")
    caplog.set_level(logging.DEBUG)
    ask(client, "vecina@example.mx")
    body = outbox[0][2]
    token = token_of(body)

    opened = client.get(link_path(body))
    assert opened.status_code == 303
    assert opened.headers["Location"] == NEW_PASSWORD_PAGE
    assert client.get(NEW_PASSWORD_PAGE).status_code == 200
    done = client.post(NEW_PASSWORD_PAGE, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert login(app.test_client(), "vecina@example.mx", NEW).status_code == 302

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET /cuenta/recuperar/<token> 303" in logged
    assert f"POST {NEW_PASSWORD_PAGE} 302" in logged
    assert token not in logged and token[:20] not in logged


def test_a_broken_link_is_logged_without_its_value_too(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/cuenta/recuperar/secreto-que-no-vale-nada")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "secreto-que-no-vale-nada" not in logged
    assert "/cuenta/recuperar/<token>" in logged


def _gunicorn_env(instance: Path) -> dict:
    foreign = ("DATABASE_URL", "SECRET_KEY", "REDIS_URL", "PUBLIC_URL")
    env = {k: v for k, v in os.environ.items() if k not in foreign and "PARTICIPA" not in k}
    return env | {
        "PARTICIPA_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "reset-log-test-key",
        "PARTICIPA_SESSION_COOKIE_SECURE": "false",  # plain HTTP on localhost, for the test
        "PARTICIPA_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "PARTICIPA_SQLITE_SYNCHRONOUS": "NORMAL",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
    }


def _seed(instance: Path) -> None:
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'participa.db'}"}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        Factories().user(email="vecina@example.mx")
        db.session.remove()
        db.engine.dispose()


def _first_mail(outbox: Path, timeout: float = 20) -> str:
    """The text of the first mail the server writes (a background job, after the response)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if outbox.exists() and (found := sorted(outbox.glob("*.eml"))):
            return text_part(email.message_from_bytes(found[0].read_bytes(), policy=default))
        time.sleep(0.1)
    raise AssertionError(f"no mail in {outbox} after {timeout} s")


def test_gunicorn_access_log_and_app_log_never_hold_the_token(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    _seed(instance)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "gunicorn.log").open("w+") as log:
        server = start_gunicorn(_gunicorn_env(instance), port, log)
        try:
            wait_until_serving(server, url)
            browser = Browser()
            token = browser.token(f"{url}/cuenta/recuperar")
            browser.open(
                f"{url}/cuenta/recuperar", {"email": "vecina@example.mx", "csrf_token": token}
            )
            secret = token_of(_first_mail(instance / "outbox"))
            status, _ = browser.open(f"{url}/cuenta/recuperar/{secret}")
            assert status == 303
            form = browser.token(f"{url}{NEW_PASSWORD_PAGE}")
            data = {"password": NEW, "confirm": NEW, "csrf_token": form}
            assert browser.open(f"{url}{NEW_PASSWORD_PAGE}", data)[0] == 302
        finally:
            stop([server])
        log.seek(0)
        text = log.read()
    assert '"GET /cuenta/recuperar/<token>" 303' in text  # gunicorn's access log line
    assert "GET /cuenta/recuperar/<token> 303" in text  # the app's request log line
    assert secret not in text and secret[:20] not in text
