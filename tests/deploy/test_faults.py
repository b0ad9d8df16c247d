"""Faults do not stop voting: a Redis or PostgreSQL restart while residents log in and vote.

Each test runs real servers of its own: a throwaway redis-server on a free port, and a TCP
relay in front of the local PostgreSQL that is stopped and started as the server would be.
"""

import contextlib
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid

import pytest
import redis
import sqlalchemy as sa

from participa import create_app
from participa.extensions import db, limiter
from tests.conftest import TEST_CONFIG, postgres_url, schema_options
from tests.consultations.test_answering import Layout
from tests.deploy.servers import free_port
from tests.factories import Factories, login
from tests.hardening.conftest import SMALL_LIMITS
from tests.hardening.test_rate_limits import post_login


class ThrowawayRedis:
    """A redis-server on a port of its own, without persistence, to stop and start."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not self.answers():
            assert time.monotonic() < deadline, "the throwaway redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_timeout=1).ping()
        except redis.ConnectionError:
            return False

    def keys(self) -> int:
        return redis.Redis(port=self.port, socket_timeout=1).dbsize()


@pytest.fixture
def throwaway_redis():
    if shutil.which("redis-server") is None:
        if os.environ.get("PARTICIPA_TEST_REDIS_URL"):  # CI sets it: Redis must be tested
            pytest.fail("redis-server is not installed but PARTICIPA_TEST_REDIS_URL is set")
        pytest.skip("redis-server is not installed (CI installs it: .ci/run)")
    server = ThrowawayRedis()
    server.start()
    yield server
    server.stop()
    # The limiter is one object per process: never leave it counting in memory for later tests.
    limiter._storage_dead = False


@pytest.fixture
def redis_limited_app(database, throwaway_redis):
    """The app with small rate limits counted in the throwaway Redis."""
    app = database(**SMALL_LIMITS, RATELIMIT_STORAGE_URI=throwaway_redis.url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_with_redis_stopped_logging_in_and_voting_go_on(redis_limited_app, throwaway_redis, caplog):
    app = redis_limited_app
    make = Factories()
    centro = make.territory()["Centro"]
    voter, other = make.user(colonia=centro), make.user(colonia=centro)
    layout = Layout(make.consultation())
    client = app.test_client()
    assert login(client, voter.email).status_code == 302
    assert throwaway_redis.keys() > 0  # the limits count in Redis
    assert client.get("/salud").status_code == 200

    throwaway_redis.stop()
    with caplog.at_level(logging.INFO):
        assert login(app.test_client(), other.email).status_code == 302
        path = f"/procesos/{layout.process.id}/responder"
        assert client.post(path, data=layout.form("confirm")).status_code == 302
        health = client.get("/salud")
    assert "falling back to in-memory storage" in caplog.text
    assert health.status_code == 503 and health.json["failing"] == ["redis"]
    # The limits still hold meanwhile, counted in this process's memory.
    attacker = app.test_client()
    for _ in range(3):
        assert post_login(attacker, "nadie@example.mx", ip="10.0.0.66").status_code == 400
    assert post_login(attacker, "nadie@example.mx", ip="10.0.0.66").status_code == 429

    throwaway_redis.start()  # empty: it keeps nothing on disk
    deadline = time.monotonic() + 90  # Flask-Limiter retries Redis at growing intervals
    while throwaway_redis.keys() == 0:
        assert time.monotonic() < deadline, "the limits never went back to Redis"
        time.sleep(0.5)
        post_login(app.test_client(), f"{uuid.uuid4().hex}@example.mx", ip="10.0.0.67")
    assert client.get("/salud").status_code == 200


class Relay:
    """A TCP relay to a server; stopping it closes every connection, as a restart would."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = free_port()
        self.sockets: list[socket.socket] = []
        self.stopped = threading.Event()

    def start(self) -> None:
        self.stopped.clear()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.1)
        self.acceptor = threading.Thread(target=self._accept, daemon=True)
        self.acceptor.start()

    def stop(self) -> None:
        self.stopped.set()
        self.acceptor.join()  # out of accept(), so the port is free to listen on again
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):  # already closed by the other side
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


@pytest.fixture
def relayed_postgres():
    """The app on a fresh schema of the local PostgreSQL, reached through a `Relay`."""
    url = sa.engine.make_url(postgres_url())
    relay = Relay(url.host or "127.0.0.1", url.port or 5432)
    relay.start()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": relayed}
    app = create_app({**config, "SQLALCHEMY_ENGINE_OPTIONS": schema_options(schema)})
    try:
        with app.app_context():
            db.create_all()
            yield app, relay
            db.session.remove()
            db.engine.dispose()
    finally:
        relay.stop()
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.mark.postgres
def test_after_a_postgres_restart_the_next_request_works(relayed_postgres):
    app, relay = relayed_postgres
    make = Factories()
    centro = make.territory()["Centro"]
    voter, other = make.user(colonia=centro), make.user(colonia=centro)
    layout = Layout(make.consultation())
    client = app.test_client()
    assert login(client, voter.email).status_code == 302
    other_email, path = other.email, f"/procesos/{layout.process.id}/responder"
    ballot = layout.form("confirm")
    db.session.remove()  # as at the end of every request: its connection back to the pool

    relay.stop()  # the server restarts: every pooled connection is closed under the app
    relay.start()
    # The first requests after it find dead connections in the pool: pre-ping replaces them.
    assert login(app.test_client(), other_email).status_code == 302
    assert client.post(path, data=ballot).status_code == 302
    db.session.remove()

    relay.stop()  # down for a while: /salud says so, the process itself is alive
    response = client.get("/salud")
    assert response.status_code == 503 and response.json["failing"] == ["database"]
    assert client.get("/vivo").status_code == 200
    relay.start()
    assert client.get("/salud").status_code == 200
