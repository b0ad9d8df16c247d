"""Prometheus metrics: off by default; when on, requests, latencies and ballots are counted
and served on a port of their own, never through the site."""

import re
import urllib.request

import pytest

from participa.core import metrics
from participa.extensions import db
from tests.consultations.test_answering import Layout
from tests.deploy.servers import free_port
from tests.factories import Factories, login


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return response.read().decode()


def value(text: str, name: str, **labels) -> float:
    """The sample `name{labels}` of a scrape (0 when absent); counters are per process."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    found = re.search(rf"^{re.escape(name)}\{{{re.escape(wanted)}\}} (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


@pytest.fixture
def metrics_port():
    port = free_port()
    yield port
    metrics.stop()


@pytest.fixture
def metrics_app(database, metrics_port):
    app = database(METRICS_ENABLED=True, METRICS_PORT=metrics_port)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_metrics_count_requests_and_ballots_on_their_own_port(metrics_app, metrics_port):
    before = scrape(metrics_port)
    make = Factories()
    user = make.user(colonia=make.territory()["Centro"])
    layout = Layout(make.consultation())
    client = metrics_app.test_client()
    login(client, user.email)
    assert client.get("/").status_code == 200
    confirmed = client.post(f"/procesos/{layout.process.id}/responder", data=layout.form("confirm"))
    assert confirmed.status_code == 302
    # Not through the site, whatever the path.
    assert client.get("/metrics").status_code == 404

    after = scrape(metrics_port)
    home = {"method": "GET", "endpoint": "site.home", "status": "200"}
    assert value(after, "participa_http_requests_total", **home) == (
        value(before, "participa_http_requests_total", **home) + 1
    )
    timed = {"method": "GET", "endpoint": "site.home"}
    count = "participa_http_request_duration_seconds_count"
    assert value(after, count, **timed) == value(before, count, **timed) + 1
    ballot = {"mechanism": "consultation", "channel": "web"}
    assert value(after, "participa_ballots_cast_total", **ballot) == (
        value(before, "participa_ballots_cast_total", **ballot) + 1
    )


def test_metrics_are_off_by_default(app, metrics_port):
    assert app.config["METRICS_ENABLED"] is False
    with pytest.raises(OSError):
        scrape(metrics_port)
