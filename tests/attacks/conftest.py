"""Attack tests run against a real gunicorn server (tests/liveserver.py), on SQLite and
PostgreSQL; each module is marked `attacks`, so `-m attacks` selects them all."""

from contextlib import nullcontext

import pytest

from tests.conftest import postgres_url
from tests.liveserver import postgres_server, sqlite_server

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _server(backend: str, workdir):
    if backend == "sqlite":
        return nullcontext(sqlite_server(workdir))
    return postgres_server(workdir, postgres_url())


@pytest.fixture(scope="module", params=BACKENDS)
def live(request, tmp_path_factory):
    """One running server per module and database kind; tests create their own residents."""
    with _server(request.param, tmp_path_factory.mktemp("live")) as server:
        server.start()
        try:
            yield server
        finally:
            server.stop()
            server.dispose()


@pytest.fixture(params=BACKENDS)
def fresh_live(request, tmp_path):
    """A server of this test's own, not started: for tests that kill and restart it."""
    with _server(request.param, tmp_path) as server:
        try:
            yield server
        finally:
            server.stop()
            server.dispose()
