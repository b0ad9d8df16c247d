"""Sync or gthread workers for the ballot POST: gunicorn.conf.py's choice, measured.

Run: .venv/bin/python bench/gunicorn_workers.py [BALLOTS] [CLIENTS]   (default: 300 20)
Needs the local PostgreSQL (PARTICIPA_TEST_POSTGRES_URL or postgres@127.0.0.1/test): a
schema of its own is created and dropped. For each worker setting, gunicorn serves the app,
BALLOTS residents who are already logged in confirm a PB ballot (the POST that stores it),
CLIENTS at a time; prints ballots per second and the POST's median and p95. Asserts nothing.
"""

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from participa import create_app  # noqa: E402
from participa.budgets.models import BallotRule  # noqa: E402
from participa.extensions import db  # noqa: E402
from tests.budgets.test_voting import open_ballot  # noqa: E402
from tests.conftest import DEFAULT_PG_URL, TEST_CONFIG, schema_options  # noqa: E402
from tests.deploy.servers import (  # noqa: E402
    Browser,
    free_port,
    start_gunicorn,
    stop,
    wait_until_serving,
)
from tests.factories import PASSWORD, Factories  # noqa: E402

SETTINGS = [  # (label, WEB_CONCURRENCY, GUNICORN_THREADS)
    ("sync, 5 workers (2 x cores + 1)", 5, 1),
    ("gthread, 5 workers x 4 threads", 5, 4),
    ("gthread, 2 workers x 8 threads", 2, 8),
    ("sync, 2 workers", 2, 1),
]


def seed(url: str, options: dict, residents: int) -> tuple[int, int, list[int], list[str]]:
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **options})
    with app.app_context():
        db.create_all()
        make = Factories()
        centro = make.territory()["Centro"]
        process, ballot, projects = open_ballot(make, BallotRule.KNAPSACK)
        emails = [
            make.user(colonia=centro, birth=date(1960 + n % 40, 1, 1 + n % 28)).email
            for n in range(residents)
        ]
        ids = (process.id, ballot.id, [p.id for p in projects[:2]])
        db.session.remove()
        db.engine.dispose()
    return (*ids, emails)


def run(label: str, env: dict, seeded, clients: int) -> None:
    process_id, ballot_id, chosen, emails = seeded
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        server = start_gunicorn(env, port, log)
        try:
            wait_until_serving(server, base)
            path = f"{base}/procesos/{process_id}/boletas/{ballot_id}/votar"

            def ready(email: str):  # logged in, with the ballot's token: not timed
                browser = Browser()
                token = browser.token(base + "/cuenta/entrar")
                data = {"csrf_token": token, "email": email, "password": PASSWORD}
                assert browser.open(base + "/cuenta/entrar", data)[0] == 302
                return browser, browser.token(path)

            with ThreadPoolExecutor(clients) as pool:
                people = list(pool.map(ready, emails))

            def vote(person) -> float:
                browser, token = person
                data = {"csrf_token": token, "step": "confirm", "projects": chosen}
                start = time.perf_counter()
                status, _ = browser.open(path, data)
                elapsed = time.perf_counter() - start
                assert status == 302, status
                return elapsed

            start = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                times = sorted(pool.map(vote, people))
            wall = time.perf_counter() - start
        finally:
            stop([server])
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"| {label} | {len(times) / wall:.0f}/s | {statistics.median(times) * 1000:.0f} ms "
        f"| {p95 * 1000:.0f} ms |"
    )


def main() -> None:
    ballots = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    url = os.environ.get("PARTICIPA_TEST_POSTGRES_URL", DEFAULT_PG_URL)
    admin = sa.create_engine(url)
    print(f"{ballots} ballots, {clients} clients at a time, {os.cpu_count()} cores")
    print("| workers | ballots/s | POST median | POST p95 |\n|---|---:|---:|---:|")
    for label, workers, threads in SETTINGS:
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        try:
            options = {"SQLALCHEMY_ENGINE_OPTIONS": schema_options(schema)}
            seeded = seed(url, options, ballots)
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "PARTICIPA_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(schema_options(schema)),
                "SECRET_KEY": "bench",
                "PUBLIC_URL": "https://participa.example.mx",
                "PARTICIPA_RATELIMIT_ENABLED": "false",
                "PARTICIPA_SESSION_COOKIE_SECURE": "false",
                "PARTICIPA_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                "GUNICORN_ACCESS_LOG": "",
                "WEB_CONCURRENCY": str(workers),
                "GUNICORN_THREADS": str(threads),
            }
            run(label, env, seeded, clients)
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


if __name__ == "__main__":
    main()
