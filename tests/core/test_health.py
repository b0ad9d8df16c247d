"""/salud looks at the database and Redis, names what fails and nothing more; /vivo is static.

Stopping real servers (Redis, PostgreSQL) and starting them again is in
tests/deploy/test_faults.py.
"""

import pytest

from participa import create_app
from participa.core import health
from tests.conftest import TEST_CONFIG
from tests.deploy.servers import free_port

CLOSED = f"127.0.0.1:{free_port()}"  # nothing listens there


def test_healthy_site_answers_200_naming_what_it_checked(client):
    response = client.get("/salud")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_database_that_does_not_answer_is_503_without_details():
    url = f"postgresql://participa:clave-secreta@{CLOSED}/x"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    client = app.test_client()
    response = client.get("/salud")
    assert response.status_code == 503
    assert response.json["status"] == "failing" and response.json["failing"] == ["database"]
    assert response.json["checks"]["database"].startswith("failing")
    for secret in ("clave-secreta", CLOSED, "participa:", "refused"):
        assert secret not in response.get_data(as_text=True)
    # The process itself is alive: restarting it would not bring the database back.
    assert client.get("/vivo").status_code == 200


@pytest.mark.parametrize("setting", ["RATELIMIT_STORAGE_URI", "REDIS_URL"])
def test_redis_that_does_not_answer_is_503_naming_redis(database, setting):
    app = database(RATELIMIT_ENABLED=True, **{setting: f"redis://:clave-secreta@{CLOSED}/3"})
    response = app.test_client().get("/salud")
    assert response.status_code == 503
    assert response.json["failing"] == ["redis"]
    assert response.json["checks"]["database"] == "ok"
    assert "clave-secreta" not in response.get_data(as_text=True)


def test_redis_is_checked_only_where_it_is_used(database):
    app = database(RATELIMIT_ENABLED=False, RATELIMIT_STORAGE_URI=f"redis://{CLOSED}")
    assert app.test_client().get("/salud").json["checks"] == {"database": "ok"}


def test_a_domain_adds_its_own_check(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "queue", lambda app: True)
    assert client.get("/salud").json["checks"] == {"database": "ok", "queue": "ok"}

    def stalled(app):
        raise TimeoutError("job queue at 10.0.0.5 did not answer")

    monkeypatch.setitem(health.CHECKS, "queue", stalled)
    response = client.get("/salud")
    assert response.status_code == 503 and response.json["failing"] == ["queue"]
    assert response.json["checks"]["queue"] == "failing (TimeoutError)"
    assert "10.0.0.5" not in response.get_data(as_text=True)


def test_the_job_queue_is_checked_when_jobs_go_to_redis(database):
    app = database(JOBS_MODE="rq", JOBS_REDIS_URL=f"redis://:clave-secreta@{CLOSED}/5")
    response = app.test_client().get("/salud")
    assert response.status_code == 503 and response.json["failing"] == ["queue"]
    assert "clave-secreta" not in response.get_data(as_text=True)
    fallback = database(JOBS_MODE="thread", JOBS_REDIS_URL=None)
    assert fallback.test_client().get("/salud").json["checks"] == {"database": "ok"}
