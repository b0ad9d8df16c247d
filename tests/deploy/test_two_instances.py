"""The deployment of docs/deploy.md: two gunicorn instances on PostgreSQL and Redis.

Two `gunicorn -c gunicorn.conf.py` processes (two workers each) serve one PostgreSQL schema
with one SECRET_KEY and one Redis, configured only through environment variables, as the
systemd units of the guide do. A resident who registers and answers through the first is
seen through the second, and the login limit counts attempts made on both.
Skips when PostgreSQL or Redis is absent; fails instead where CI sets their URLs.
"""

import json
import os
import re
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from participa import create_app
from participa.consultations.models import Participation
from participa.extensions import db
from tests.conftest import TEST_CONFIG, postgres_url, schema_options
from tests.consultations.test_answering import Layout
from tests.deploy.servers import (
    Browser,
    free_port,
    start_gunicorn,
    start_worker,
    stop,
    wait_until_serving,
)
from tests.factories import PASSWORD, Factories, curp_for
from tests.hardening.test_rate_limits import redis_url
from tests.mailbox import text_part


@dataclass
class Deployment:
    urls: list[str]
    seeded: dict
    pg: str
    options: dict
    servers: list
    logs: list

    def stopped_logs(self) -> list[str]:
        """Stop both instances (gracefully, as systemd does) and read what they logged."""
        stop(self.servers)
        texts = []
        for log in self.logs:
            log.flush()
            log.seek(0)
            texts.append(log.read())
        return texts


@pytest.fixture
def deployment(tmp_path, smtp_sink, sms_gateway):
    """Base URLs of two gunicorn instances sharing one PostgreSQL schema and one Redis."""
    pg, redis = postgres_url(), redis_url()
    schema = f"deploy_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    options = schema_options(schema)
    setup = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": pg, "SQLALCHEMY_ENGINE_OPTIONS": options}
    )
    with setup.app_context():
        db.create_all()
        make = Factories()
        centro = make.territory()["Centro"]
        layout = Layout(make.consultation())
        seeded = {"colonia": centro.id, "layout": layout}
        db.session.remove()
        db.engine.dispose()

    env = {
        **os.environ,
        "DATABASE_URL": pg,
        "PARTICIPA_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(options),
        "REDIS_URL": redis,
        "SECRET_KEY": uuid.uuid4().hex,
        "PUBLIC_URL": "https://participa.example.mx",
        "PARTICIPA_RATELIMIT_KEY_PREFIX": schema,
        "PARTICIPA_RATELIMIT_LOGIN": "3/minute",
        "PARTICIPA_SESSION_COOKIE_SECURE": "false",  # plain HTTP on localhost, for the test
        "PARTICIPA_REMEMBER_COOKIE_SECURE": "false",
        "PARTICIPA_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "WEB_CONCURRENCY": "2",
        "PARTICIPA_TEST_DATABASE": "",
        "MAIL_SERVER": "127.0.0.1",  # a real SMTP server on this machine (tests/mailbox.py)
        "MAIL_PORT": str(smtp_sink.port),
        "SMS_API_URL": sms_gateway.url,
    }
    servers, urls, logs = [], [], []
    worker_log = (tmp_path / "worker.log").open("w+")
    try:
        for n in range(2):
            log = (tmp_path / f"gunicorn-{n}.log").open("w+")
            logs.append(log)
            port = free_port()
            servers.append(start_gunicorn(env, port, log))
            urls.append(f"http://127.0.0.1:{port}")
        # Jobs (the mails, the SMS codes) are queued on the shared Redis: one worker runs them.
        servers.append(start_worker(env, worker_log))
        for process, url in zip(servers, urls, strict=False):  # the worker serves no URL
            try:
                wait_until_serving(process, url)
            except RuntimeError as error:
                pytest.fail(str(error))
        yield Deployment(urls, seeded, pg, options, servers, logs)
    finally:
        stop(servers)
        for log in (*logs, worker_log):
            log.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_two_instances_share_residents_ballots_and_rate_limits(deployment, smtp_sink):
    first, second = deployment.urls
    seeded = deployment.seeded
    layout = seeded["layout"]
    resident = Browser()

    # Registering on the first instance logs the resident in on both (one SECRET_KEY).
    token = resident.token(first + "/cuenta/registro")
    status, _ = resident.open(
        first + "/cuenta/registro",
        {
            "csrf_token": token,
            "name": "Rosa Pérez López",
            "email": "rosa@example.mx",
            "curp": curp_for(date(1992, 8, 3), "M"),
            "colonia_id": seeded["colonia"],
            "password": PASSWORD,
            "confirm": PASSWORD,
            "accept_privacy": "y",
        },
    )
    assert status == 302
    status, page = resident.open(second + "/cuenta/")
    assert status == 200 and "Rosa Pérez López" in page

    # The confirmation mail of the first instance confirms the e-mail on the second.
    [mail] = smtp_sink.wait_for(1)
    link = re.search(
        r"https://participa\.example\.mx(/cuenta/confirmar/correo/\S+)", text_part(mail)
    )
    token = resident.token(second + link.group(1))
    assert resident.open(second + link.group(1), {"csrf_token": token})[0] == 302

    # Answering through the first instance: the second one knows it has been answered.
    path = f"/procesos/{layout.process.id}/responder"
    status, page = resident.open(second + path)
    assert status == 200 and "Ya respondiste" not in page
    form = layout.form(step="confirm", csrf_token=resident.token(first + path))
    status, _ = resident.open(first + path, form)
    assert status == 302
    status, page = resident.open(second + path)
    assert status == 200 and "Ya respondiste esta consulta" in page
    # ... and a second try through it stores nothing.
    form = layout.form(step="confirm", csrf_token=resident.token(first + "/cuenta/registro"))
    assert resident.open(second + path, form)[0] == 409
    engine = sa.create_engine(deployment.pg, **deployment.options)
    with engine.connect() as conn:
        count = conn.execute(sa.select(sa.func.count()).select_from(Participation)).scalar()
    engine.dispose()
    assert count == 1

    # The login limit (3/minute per address here) counts on Redis: attempts on both add up.
    attacker = Browser()
    for base in (first, second, first):
        token = attacker.token(base + "/cuenta/entrar")
        data = {"csrf_token": token, "email": "rosa@example.mx", "password": "equivocada"}
        assert attacker.open(base + "/cuenta/entrar", data)[0] == 400
    token = attacker.token(second + "/cuenta/entrar")
    data = {"csrf_token": token, "email": "rosa@example.mx", "password": PASSWORD}
    status, page = attacker.open(second + "/cuenta/entrar", data)
    assert status == 429 and "Demasiados intentos" in page

    # The access log keeps paths without their query strings; no start-up warning (Redis).
    assert resident.open(first + "/?token=secreto-de-prueba")[0] == 200
    for text in deployment.stopped_logs():
        assert '"GET /cuenta/entrar" 200' in text and "Booting worker" in text
        assert "secreto-de-prueba" not in text and "participa: " not in text
        assert "127.0.0.1 " not in text.replace("Listening at: http://127.0.0.1", "")
