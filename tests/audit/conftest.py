"""A chain of real events, and a way to change stored rows as someone with the database."""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.audit.services import record
from participa.auth.models import Role
from participa.extensions import db


@pytest.fixture
def actor(make):
    return make.user(Role.ADMIN, email="admin@example.mx")


@pytest.fixture
def chain(actor, make):
    """Five events from real actions (two transactions), and their ids in chain order."""
    colonias = make.territory()
    record(actor, "territory.save_colonia", colonias["Centro"], population=1000)
    record(actor, "user.role", actor, before="staff", after="admin")
    record(None, "system.note", text="sin actor, con acentos: ñandú")
    db.session.commit()
    record(actor, "user.block", colonias["Lomas"])
    record(actor, "user.unblock", colonias["Lomas"])
    db.session.commit()
    return list(db.session.execute(db.select(AuditEvent.id).order_by(AuditEvent.seq)).scalars())


def tamper(event_id: int, **columns) -> None:
    """Change a stored event behind the application's back, as someone with the database."""
    sets = ", ".join(f"{name} = :{name}" for name in columns)
    db.session.execute(
        sa.text(f"UPDATE audit_event SET {sets} WHERE id = :id"), {"id": event_id, **columns}
    )
    db.session.commit()


def execute(sql: str, **params) -> None:
    db.session.execute(sa.text(sql), params)
    db.session.commit()


@contextmanager
def failing_writes(table: str, operation: str = "INSERT"):
    """Make every `operation` on `table` fail in the database (a disk, a constraint, a bug)
    until the block ends: a real failure of the database, not a mock of it."""
    if db.engine.dialect.name == "postgresql":
        execute(
            "CREATE FUNCTION refuse_write() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'refused for the test'; END $$ LANGUAGE plpgsql"
        )
        execute(
            f'CREATE TRIGGER refuse BEFORE {operation} ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION refuse_write()"
        )
        drops = [f'DROP TRIGGER refuse ON "{table}"', "DROP FUNCTION refuse_write()"]
    else:
        execute(
            f'CREATE TRIGGER refuse BEFORE {operation} ON "{table}" '
            "BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
        )
        drops = ["DROP TRIGGER refuse"]
    try:
        yield
    finally:
        db.session.rollback()
        for drop in drops:
            execute(drop)


@contextmanager
def app_with(database, **overrides):
    """A fresh app of the test with some settings changed, its context pushed."""
    app = database(**overrides)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
