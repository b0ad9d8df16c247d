"""The keyed-chain migration (d521a33a8895) on a large log written before the key.

Run: .venv/bin/python -m bench.audit_migration [--events 200000] [--old 20000]
Builds a database at the revision before the key (SQLite in a temporary file; PostgreSQL from
PARTICIPA_TEST_POSTGRES_URL, or the local default, in a schema of its own, skipped when
absent), writes `events` legacy events (one per desk vote, say) and times the upgrade that
numbers them. With `--old N`, also times the former numbering (a correlated COUNT per row,
quadratic) on N events, for comparison. Prints figures; asserts nothing.
"""

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

import flask_migrate
import sqlalchemy as sa

from participa import create_app
from participa.core.timeutil import utcnow
from participa.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
BEFORE_THE_KEY = "4f985dda2cb0"
THE_KEY = "d521a33a8895"
PG_URL = os.environ.get(
    "PARTICIPA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SETTINGS = {"TESTING": True, "SECRET_KEY": "bench", "AUDIT_KEY": "bench"}
OLD_NUMBERING = (
    "UPDATE audit_event SET seq = "
    "(SELECT COUNT(*) FROM audit_event AS earlier WHERE earlier.id <= audit_event.id)"
)
BATCH = 10_000


def write_legacy_log(count: int) -> None:
    """`count` events in the schema before the key (their hashes are not what is timed)."""
    table = sa.Table("audit_event", sa.MetaData(), autoload_with=db.engine)
    at = utcnow().replace(microsecond=0)
    for start in range(0, count, BATCH):
        rows = [
            {
                "at": at,
                "actor_id": None,
                "action": "desk.vote",
                "object_type": "",
                "object_id": str(n),
                "details": "{}",
                "prev_hash": f"{n:064x}",
                "hash": f"{n + 1:064x}",
            }
            for n in range(start, min(start + BATCH, count))
        ]
        with db.engine.begin() as conn:
            conn.execute(table.insert(), rows)


def time_upgrade(name: str, url: str, events: int, **overrides) -> None:
    app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": url, **overrides})
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, revision=BEFORE_THE_KEY)
        write_legacy_log(events)
        started = time.perf_counter()
        flask_migrate.upgrade(directory=MIGRATIONS, revision=THE_KEY)
        took = time.perf_counter() - started
        with db.engine.connect() as conn:
            top = conn.execute(sa.text("SELECT MAX(seq) FROM audit_event")).scalar()
        print(f"{name}: upgrade numbering {events} legacy events: {took:.2f} s (last seq {top})")
        db.engine.dispose()


def time_old_numbering(name: str, url: str, events: int, **overrides) -> None:
    """The former statement, on a log already migrated (it only rewrites `seq`)."""
    app = create_app({**SETTINGS, "SQLALCHEMY_DATABASE_URI": url, **overrides})
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, revision=BEFORE_THE_KEY)
        write_legacy_log(events)
        flask_migrate.upgrade(directory=MIGRATIONS, revision=THE_KEY)
        started = time.perf_counter()
        with db.engine.begin() as conn:
            conn.execute(sa.text(OLD_NUMBERING))
        took = time.perf_counter() - started
        print(f"{name}: former correlated-COUNT numbering of {events} events: {took:.2f} s")
        db.engine.dispose()


def on_sqlite(events: int, old: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        time_upgrade("SQLite", f"sqlite:///{folder}/new.db", events)
        if old:
            time_old_numbering("SQLite", f"sqlite:///{folder}/old.db", old)


def on_postgres(events: int, old: int) -> None:
    admin = sa.create_engine(PG_URL)
    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError:
        print("PostgreSQL: no server, skipped")
        return
    runs = [(time_upgrade, events)] + ([(time_old_numbering, old)] if old else [])
    for run, count in runs:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        try:
            run("PostgreSQL", PG_URL, count, SQLALCHEMY_ENGINE_OPTIONS=options)
        finally:
            with admin.begin() as conn:
                conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--old", type=int, default=0, help="also time the former numbering")
    args = parser.parse_args()
    on_sqlite(args.events, args.old)
    on_postgres(args.events, args.old)


if __name__ == "__main__":
    main()
