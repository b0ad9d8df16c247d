"""Readiness checks behind /salud: the database, Redis when configured, and what domains add.

A check is a function of the app that returns True when its part answered, False when the
part is not used by this installation (left out of the answer), and raises when the part
does not answer. Checks register once, at import, under a short name: a domain adds its own
from its hooks.py (`health.register("queue", queue_answers)`).
"""

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask
from limits.storage import storage_from_string

from participa.core import jobqueue
from participa.extensions import db

Check = Callable[[Flask], bool]
CHECKS: dict[str, Check] = {}
OK = "ok"

log = logging.getLogger(__name__)


def register(name: str, check: Check) -> None:
    """Run `check` on every /salud request, reported under `name`."""
    CHECKS[name] = check


def run_checks(app: Flask) -> dict[str, str]:
    """Each applicable check's name and "ok", or a short reason without details or secrets."""
    results = {}
    for name, check in CHECKS.items():
        try:
            if check(app):
                results[name] = OK
        except Exception as error:  # noqa: BLE001 - whatever fails, the part does not answer
            # The details (host, port, driver message) go to the private log, not the answer.
            log.warning("health check %r failed: %s: %s", name, type(error).__name__, error)
            results[name] = f"failing ({type(error).__name__})"
    return results


def database(app: Flask) -> bool:
    with db.engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    return True


REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")


def redis_urls(config) -> list[str]:
    """The Redis servers this installation uses: the rate-limit storage, REDIS_URL if set."""
    urls = [config.get("REDIS_URL")]
    if config.get("RATELIMIT_ENABLED"):
        urls.append(config.get("RATELIMIT_STORAGE_URI"))
    found = [url for url in urls if url and urlsplit(url).scheme in REDIS_SCHEMES]
    return list(dict.fromkeys(found))


def redis(app: Flask) -> bool:
    urls = redis_urls(app.config)
    # One client per server and app, kept: its connection pool serves the next checks.
    clients = app.extensions.setdefault("participa-health-redis", {})
    for url in urls:
        if url not in clients:
            clients[url] = storage_from_string(url, **app.config["RATELIMIT_STORAGE_OPTIONS"])
        if not clients[url].check():
            raise ConnectionError("no answer to PING")
    return bool(urls)


def queue(app: Flask) -> bool:
    """The Redis of the background jobs answers (RQ mode); the embedded fallback needs none."""
    if not app.config.get("JOBS_REDIS_URL") or app.config.get("JOBS_MODE") not in ("auto", "rq"):
        return False
    if not jobqueue.connection(app).ping():
        raise ConnectionError("no answer to PING")
    return True


register("database", database)
register("redis", redis)
register("queue", queue)
