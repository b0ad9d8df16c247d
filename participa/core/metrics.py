"""Prometheus metrics, off unless METRICS_ENABLED: requests, their latency, ballots cast.

Never served through the site: on a port of their own (METRICS_ADDRESS:METRICS_PORT, the
loopback interface by default), which the proxy does not forward. Under gunicorn
(gunicorn.conf.py) each worker writes its figures to files in PROMETHEUS_MULTIPROC_DIR and the
master serves their sum; a single process (`flask run`) serves its own.
"""

import logging
import os
import time
from dataclasses import dataclass

from flask import Flask, g, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client import start_http_server as _start_http_server

from participa.core import signals

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Metrics:
    requests: Counter
    latency: Histogram
    ballots: Counter


_metrics: Metrics | None = None  # one set per process: the registry refuses the same name twice
_server = None


def init_app(app: Flask) -> None:
    """Count requests and ballots when METRICS_ENABLED; serve them unless gunicorn's master does."""
    if not app.config["METRICS_ENABLED"]:
        return
    _create()
    app.before_request(_begin)
    app.after_request(_finish)
    signals.ballot_cast.connect(_count_ballot)
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:  # a single process: it serves its own
        serve(app.config)


def serve(config, registry=None) -> None:
    """Serve the metrics on METRICS_ADDRESS:METRICS_PORT, once per process."""
    global _server
    if _server is not None:
        return
    address, port = config["METRICS_ADDRESS"], int(config["METRICS_PORT"])
    try:
        _server, _thread = _start_http_server(port, address, registry or REGISTRY)
    except OSError as error:  # taken: another process of this instance serves them
        log.warning("metrics not served on %s:%s: %s", address, port, error)
        return
    log.info("metrics served on http://%s:%s/metrics", address, port)


def serve_workers(config) -> None:
    """Serve the sum of every worker's metrics (gunicorn's master, after the fork)."""
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    serve(config, registry)


def stop() -> None:
    """Stop serving (tests)."""
    global _server
    if _server is not None:
        _server.shutdown()
        _server.server_close()
        _server = None


def _create() -> Metrics:
    global _metrics
    if _metrics is None:
        _metrics = Metrics(
            requests=Counter(
                "participa_http_requests",
                "HTTP requests answered, by view (endpoint) and status.",
                ["method", "endpoint", "status"],
            ),
            latency=Histogram(
                "participa_http_request_duration_seconds",
                "Time to answer a request, by view (endpoint).",
                ["method", "endpoint"],
                buckets=LATENCY_BUCKETS,
            ),
            ballots=Counter(
                "participa_ballots_cast",
                "Ballots stored: consultation answers and PB votes, web and staff desk.",
                ["mechanism", "channel"],
            ),
        )
    return _metrics


def _begin() -> None:
    g.metrics_started = time.perf_counter()


def _finish(response):
    # The view's name, never the path: paths carry ids and would make a series per page.
    endpoint = request.url_rule.endpoint if request.url_rule else "none"
    metrics = _create()
    metrics.requests.labels(request.method, endpoint, str(response.status_code)).inc()
    started = g.get("metrics_started", time.perf_counter())
    metrics.latency.labels(request.method, endpoint).observe(time.perf_counter() - started)
    return response


def _count_ballot(_sender, mechanism: str, channel, **_) -> None:
    _create().ballots.labels(mechanism, str(channel)).inc()
