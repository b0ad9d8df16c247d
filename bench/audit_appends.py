"""Audited actions at once: how long an append waits for the chain's lock, and verifying.

Run: .venv/bin/python -m bench.audit_appends [--threads 16] [--each 25] [--events 20000]
PostgreSQL from PARTICIPA_TEST_POSTGRES_URL (or the local default, skipped when absent) in a
schema of its own, and SQLite in a temporary file. Each thread commits `each` actions (a row
changed, without and then with its audit event), as staff at many desks would; prints commits
per second and the commit's median and 95th percentile. Then `verify_chain` over `events`
events. Prints figures; asserts nothing.
"""

import argparse
import os
import statistics
import tempfile
import threading
import time
import uuid

import sqlalchemy as sa

from participa import create_app
from participa.audit.services import record
from participa.audit.verify import verify_chain
from participa.auth.models import Role, User
from participa.extensions import db
from tests.factories import Factories

PG_URL = os.environ.get(
    "PARTICIPA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SETTINGS = {
    "TESTING": True,
    "SECRET_KEY": "bench",
    "AUDIT_KEY": "bench",
    "SQLITE_SYNCHRONOUS": "FULL",
}


def appends(app, people: list[int], each: int, audited: bool) -> tuple[float, list[float]]:
    latencies: list[float] = []
    barrier = threading.Barrier(len(people))

    def staff(person_id: int) -> None:
        with app.app_context():
            barrier.wait()
            for n in range(each):
                started = time.perf_counter()
                person = db.session.get(User, person_id)
                person.name = f"Persona {n}"
                if audited:
                    record(person, "bench.rename", person, n=n)
                db.session.commit()
                latencies.append(time.perf_counter() - started)
            db.session.remove()

    workers = [threading.Thread(target=staff, args=(p,)) for p in people]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started, latencies


def report(name: str, app, threads: int, each: int, events: int) -> None:
    with app.app_context():
        make = Factories()
        people = [make.user(Role.STAFF).id for _ in range(threads)]
    for audited in (False, True):
        elapsed, latencies = appends(app, people, each, audited)
        median = statistics.median(latencies) * 1000
        p95 = statistics.quantiles(latencies, n=20)[18] * 1000
        print(
            f"{name}: {len(latencies)} {'audited' if audited else 'unaudited'} commits from "
            f"{threads} threads in {elapsed:.2f} s = {len(latencies) / elapsed:.0f}/s; "
            f"commit median {median:.1f} ms, p95 {p95:.1f} ms"
        )
    with app.app_context():
        for n in range(events):
            record(None, "bench.note", n=n)
            if n % 1000 == 999:
                db.session.commit()
        db.session.commit()
        started = time.perf_counter()
        checked = verify_chain()
        took = time.perf_counter() - started
        print(
            f"{name}: verify_chain, {checked.checked} events: {took:.2f} s, intact={checked.intact}"
        )
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--each", type=int, default=25)
    parser.add_argument("--events", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db"})
        with app.app_context():
            db.create_all()
        report("SQLite", app, args.threads, args.each, args.events)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError:
        print("PostgreSQL: no server, skipped")
        return
    options = {
        "connect_args": {"options": f"-csearch_path={schema}"},
        "pool_size": args.threads + 2,
    }
    try:
        app = create_app(
            {**SETTINGS, "SQLALCHEMY_DATABASE_URI": PG_URL, "SQLALCHEMY_ENGINE_OPTIONS": options}
        )
        with app.app_context():
            db.create_all()
        report("PostgreSQL", app, args.threads, args.each, args.events)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


if __name__ == "__main__":
    main()
