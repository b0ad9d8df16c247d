"""Shared fixtures: a fresh database per test, a client, a CLI runner and factories.

Tests run on a real SQLite file (WAL, like production). Tests that are about concurrency or
scale also run on PostgreSQL through the `pg_app` fixture: it uses the server named by
PARTICIPA_TEST_POSTGRES_URL (CI sets it and then never skips), or the local default when one
answers, and skips with a reason otherwise.
"""

import os
import uuid

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient

from participa import create_app
from participa.extensions import db
from tests import factories

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    # Turned on explicitly by tests/test_hardening_*.py.
    "RATELIMIT_ENABLED": False,
    "ADMIN_REQUIRE_TOTP": False,
    "PUBLIC_URL": "http://localhost",
    # Production syncs every commit (FULL); unit tests need no power-cut safety, only speed.
    # The attack tests (tests/attacks/, a real server) run with the production default.
    "SQLITE_SYNCHRONOUS": "NORMAL",
}


class FreshRequestClient(FlaskClient):
    """A test client whose every request starts with an empty `g`.

    The fixtures keep an app context pushed so tests can use `db.session`; Flask reuses it for
    the client's requests, and with it `g`, where Flask-Login caches the user and Flask-Babel
    the language. In production each request has its own; clearing `g` gives the same.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        return super().open(*args, **kwargs)


def _make_app(database_url: str, **overrides):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.test_client_class = FreshRequestClient
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path):
    app = _make_app(f"sqlite:///{tmp_path / 'test.db'}")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(tmp_path):
    """The app with CSRF protection on, as in production."""
    app = _make_app(f"sqlite:///{tmp_path / 'test.db'}", WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def postgres_url() -> str:
    """The PostgreSQL URL for tests, or skip (fail on CI) when no server answers."""
    url = os.environ.get("PARTICIPA_TEST_POSTGRES_URL")
    try:
        engine = sa.create_engine(url or DEFAULT_PG_URL)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure to connect means "no server"
        if url:
            pytest.fail(f"PARTICIPA_TEST_POSTGRES_URL is set but unreachable: {error}")
        pytest.skip(f"no PostgreSQL server at {DEFAULT_PG_URL} (set PARTICIPA_TEST_POSTGRES_URL)")
    return url or DEFAULT_PG_URL


@pytest.fixture
def pg_app():
    """The app on a fresh PostgreSQL schema of its own, dropped afterwards."""
    url = postgres_url()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    options = {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_size": 60}
    app = _make_app(url, SQLALCHEMY_ENGINE_OPTIONS=options)
    try:
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make(app):
    """Factories that create rows and return them (see tests/factories.py)."""
    return factories.Factories()
