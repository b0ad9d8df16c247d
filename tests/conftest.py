"""Shared fixtures: a fresh database per test, a client, a CLI runner and factories.

Tests run on a real SQLite file (WAL, like production). Tests that are about concurrency or
scale also run on PostgreSQL through the `pg_app` fixture: it uses the server named by
PARTICIPA_TEST_POSTGRES_URL (CI sets it and then never skips), or the local default when one
answers, and skips with a reason otherwise.

With PARTICIPA_TEST_DATABASE=postgresql (`make test-postgres`) the `app` and `csrf_app`
fixtures, and the browser tests' live server, run on PostgreSQL instead: the tables are
created once per session in a schema of their own, and every test starts from empty tables
(DELETE from the tables that have rows, sequences restarted). Tests about SQLite itself are marked
`sqlite_only` and skipped in that run (the SQLite run covers them).
"""

import atexit
import functools
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient

from participa import create_app
from participa.extensions import db
from tests import factories, fastapps
from tests.mailbox import sms_gateway, smtp_sink  # noqa: F401 - fixtures for every test

fastapps.install()

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_DATABASE = os.environ.get("PARTICIPA_TEST_DATABASE", "sqlite")
ON_POSTGRES = TEST_DATABASE == "postgresql"
if TEST_DATABASE not in ("sqlite", "postgresql"):
    raise RuntimeError(f"PARTICIPA_TEST_DATABASE must be sqlite or postgresql, not {TEST_DATABASE}")

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "AUDIT_KEY": "test-audit-key",
    "WTF_CSRF_ENABLED": False,
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    # Turned on explicitly by tests/test_hardening_*.py.
    "RATELIMIT_ENABLED": False,
    "REQUIRE_TOTP_ROLES": "",
    "PUBLIC_URL": "http://localhost",
    # Background jobs run at once, in the test's thread; tests/budgets/test_background_counts.py
    # runs them in threads, as a server does.
    "JOBS_MODE": "inline",
    "JOBS_RETRY_BACKOFF": [0],  # a failed job is retried at once
    # Production syncs every commit (FULL); unit tests need no power-cut safety, only speed.
    # The attack tests (tests/attacks/, a real server) run with the production default.
    "SQLITE_SYNCHRONOUS": "NORMAL",
    # Mails and SMS of apps made outside the `database` fixture (which gives each test its
    # own): never into the checkout's instance/ folder.
    "MAIL_OUTBOX": tempfile.mkdtemp(prefix="participa-test-outbox-"),
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


def pytest_report_header(config):
    return f"participa test database: {TEST_DATABASE}"


def pytest_collection_modifyitems(config, items):
    if not ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="about SQLite itself: the SQLite run (`make test`) covers it")
    for item in items:
        if item.get_closest_marker("sqlite_only"):
            item.add_marker(skip)


@functools.cache
def _empty_sqlite() -> Path:
    """A SQLite file with every table and no rows, made once per test process.

    A test's new SQLite database starts as a copy of it: `create_all` issues some 230 DDL
    statements, a fixed cost that every test of the suite paid again."""
    path = Path(tempfile.mkdtemp(prefix="participa-test-template-")) / "empty.db"
    atexit.register(shutil.rmtree, path.parent, True)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        db.create_all()
        db.engine.dispose()  # the last connection closes: the WAL is folded into the file
    return path


def _make_app(database_url: str, create_tables: bool = True, **overrides):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **overrides})
    app.test_client_class = FreshRequestClient
    if create_tables:
        url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
        on_disk = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
        file = Path(url.database) if on_disk else None
        if file is not None and not file.exists():
            shutil.copyfile(_empty_sqlite(), file)
        else:
            with app.app_context():
                db.create_all()
    return app


def schema_options(schema: str, **options) -> dict:
    """Engine options that put every connection of the app in `schema`."""
    return {"connect_args": {"options": f"-csearch_path={schema}"}, **options}


def empty_all(engine) -> None:
    """Empty every table of the app and restart every sequence, as a fresh database.

    TRUNCATE gives each table new files and costs 1.5-2 s for the sixty tables here, every
    test; DELETE from the few tables that have rows (children first) takes milliseconds.
    """
    quote = engine.dialect.identifier_preparer.quote
    tables = db.metadata.sorted_tables
    probes = " UNION ALL ".join(
        f"(SELECT {n} FROM {quote(table.name)} LIMIT 1)" for n, table in enumerate(tables)
    )
    with engine.begin() as conn:
        conn.execute(sa.text("SET LOCAL lock_timeout = '10s'"))  # a leaked connection: fail
        filled = {n for (n,) in conn.execute(sa.text(probes))}
        for n in sorted(filled, reverse=True):
            conn.execute(sa.text(f"DELETE FROM {quote(tables[n].name)}"))
        conn.execute(
            sa.text(
                "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                "WHERE c.relkind = 'S' AND c.relnamespace = current_schema()::regnamespace"
            )
        )


@pytest.fixture(scope="session")
def suite_schema():
    """(URL, schema) of the session's PostgreSQL schema with every table, dropped at the end."""
    url = postgres_url()
    schema = f"suite_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        engine = sa.create_engine(url, **schema_options(schema))
        db.metadata.create_all(engine)
        engine.dispose()
        yield url, schema
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def database(request, tmp_path):
    """`database(**overrides)`: a fresh app on the test database (SQLite file or PostgreSQL)."""
    outbox = {"MAIL_OUTBOX": str(tmp_path / "outbox")}  # never the checkout's instance/
    if not ON_POSTGRES:
        return lambda **overrides: _make_app(
            f"sqlite:///{tmp_path / 'test.db'}", **{**outbox, **overrides}
        )
    url, schema = request.getfixturevalue("suite_schema")
    emptied = []

    def build(**overrides):
        overrides = {**outbox, **overrides}
        options = schema_options(schema, **overrides.pop("SQLALCHEMY_ENGINE_OPTIONS", {}))
        app = _make_app(url, False, SQLALCHEMY_ENGINE_OPTIONS=options, **overrides)
        if not emptied:  # once per test: a second app of the same test shares the data
            with app.app_context():
                empty_all(db.engine)
            emptied.append(True)
        return app

    return build


@pytest.fixture
def app(database):
    app = database()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(database):
    """The app with CSRF protection on, as in production."""
    app = database(WTF_CSRF_ENABLED=True)
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
    app = _make_app(url, SQLALCHEMY_ENGINE_OPTIONS=schema_options(schema, pool_size=60))
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


@pytest.fixture
def listen():
    """Record what a domain signal announces: `heard = listen(signals.x)` -> [(sender, kw)]."""
    connected = []

    def start(signal):
        heard = []

        def receiver(sender, **keywords):
            heard.append((sender, keywords))

        signal.connect(receiver)
        connected.append((signal, receiver))
        return heard

    yield start
    for signal, receiver in connected:
        signal.disconnect(receiver)
