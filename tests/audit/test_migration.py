"""The migration to the keyed chain keeps an existing log verifiable and anchors it."""

import uuid
from contextlib import contextmanager

import flask_migrate
import pytest
import sqlalchemy as sa

from participa.audit.chain import GENESIS, event_digest
from participa.audit.models import KEYED, LEGACY, AuditEvent
from participa.audit.services import record
from participa.audit.verify import verify_chain
from participa.core.timeutil import utcnow
from participa.extensions import db
from tests.conftest import postgres_url
from tests.test_migrations import MIGRATIONS, keep_logging, migrated_app  # noqa: F401

BEFORE_THE_KEY = "4f985dda2cb0"


def write_unkeyed_log(count: int) -> list[str]:
    """Events as the code before the key wrote them, in the schema of then; their hashes."""
    table = sa.Table("audit_event", sa.MetaData(), autoload_with=db.engine)
    prev, hashes = GENESIS, []
    with db.engine.begin() as conn:
        for n in range(count):
            event = AuditEvent(
                at=utcnow().replace(microsecond=0),
                actor_id=None,
                action=f"old.action.{n}",
                object_type="",
                object_id="",
                details=f'{{"n": {n}}}',
                scheme=LEGACY,
                prev_hash=prev,
            )
            event.hash = prev = event_digest(event, b"")
            columns = ("at", "actor_id", "action", "object_type", "object_id", "details")
            values = {c: getattr(event, c) for c in (*columns, "prev_hash", "hash")}
            conn.execute(table.insert().values(**values))
            hashes.append(event.hash)
    return hashes


@contextmanager
def old_database(backend: str, tmp_path):
    """An app on a database migrated up to the revision before the key: SQLite or PostgreSQL."""
    if backend == "sqlite":
        yield migrated_app(f"sqlite:///{tmp_path / 'old.db'}", BEFORE_THE_KEY)
        return
    url, schema = postgres_url(), f"m_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        yield migrated_app(url, BEFORE_THE_KEY, SQLALCHEMY_ENGINE_OPTIONS=options)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_an_unkeyed_log_is_numbered_verified_and_anchored(backend, tmp_path):
    with old_database(backend, tmp_path) as app, app.app_context():
        hashes = write_unkeyed_log(3)
        flask_migrate.upgrade(directory=MIGRATIONS)
        events = list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.seq)).scalars())
        assert [(e.seq, e.scheme, e.hash) for e in events] == [
            (1, LEGACY, hashes[0]),
            (2, LEGACY, hashes[1]),
            (3, LEGACY, hashes[2]),
        ]
        assert verify_chain().intact
        record(None, "after.the.key")
        db.session.commit()
        tip = db.session.execute(db.select(AuditEvent).where(AuditEvent.seq == 4)).scalar_one()
        assert (tip.scheme, tip.prev_hash) == (KEYED, hashes[2])
        assert verify_chain().intact and verify_chain().checked == 4
        with pytest.raises(sa.exc.IntegrityError):  # the place in the chain stays unique
            db.session.execute(sa.text("UPDATE audit_event SET seq = 1 WHERE seq = 2"))
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
