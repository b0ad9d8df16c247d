"""The audit log: hash-chained, and any change to a stored event is found."""

import json

import pytest
import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.audit.services import GENESIS, ChainReport, _event_digest, record, verify_chain
from participa.auth.models import Role
from participa.extensions import db
from tests.factories import login


@pytest.fixture
def actor(make):
    return make.user(Role.ADMIN, email="admin@example.mx")


@pytest.fixture
def chain(actor, make):
    """Five events from real actions, and their ids in order."""
    colonias = make.territory()
    record(actor, "territory.save_colonia", colonias["Centro"], population=1000)
    record(actor, "user.role", actor, before="staff", after="admin")
    record(None, "system.note", text="sin actor, con acentos: ñandú")
    db.session.commit()
    record(actor, "user.block", colonias["Lomas"])
    record(actor, "user.unblock", colonias["Lomas"])
    db.session.commit()
    return list(db.session.execute(db.select(AuditEvent.id).order_by(AuditEvent.id)).scalars())


def tamper(event_id: int, **columns) -> None:
    """Change a stored event behind the application's back, as someone with the database."""
    sets = ", ".join(f"{name} = :{name}" for name in columns)
    db.session.execute(
        sa.text(f"UPDATE audit_event SET {sets} WHERE id = :id"), {"id": event_id, **columns}
    )
    db.session.commit()


def test_empty_log_is_intact(app):
    assert verify_chain() == ChainReport(0, None)


def test_events_are_linked_and_intact(chain):
    events = list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars())
    assert events[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert json.loads(events[2].details) == {"text": "sin actor, con acentos: ñandú"}
    report = verify_chain()
    assert (report.checked, report.first_broken_id) == (5, None)


@pytest.mark.parametrize(
    "columns",
    [
        {"details": '{"population": 1}'},
        {"action": "user.unblock"},
        {"object_id": "999"},
        {"at": "2020-01-01 00:00:00.000000"},
    ],
)
def test_changing_one_event_is_reported_at_that_event(chain, columns):
    tamper(chain[2], **columns)
    report = verify_chain()
    assert (report.checked, report.first_broken_id) == (2, chain[2])


def test_changed_actor_is_reported(chain, make):
    other = make.user(Role.STAFF, email="personal@example.mx")
    tamper(chain[1], actor_id=other.id)
    assert verify_chain().first_broken_id == chain[1]


def test_deleting_an_event_is_reported_at_the_next(chain):
    db.session.execute(sa.text("DELETE FROM audit_event WHERE id = :id"), {"id": chain[1]})
    db.session.commit()
    assert verify_chain().first_broken_id == chain[2]


def test_rehashing_a_changed_event_still_breaks_the_next_link(chain):
    event = db.session.get(AuditEvent, chain[0])
    event.details = '{"population": 1}'
    new_hash = _event_digest(event)
    db.session.rollback()
    tamper(chain[0], details='{"population": 1}', hash=new_hash)
    assert verify_chain().first_broken_id == chain[1]


def test_cli_audit_verify(runner, chain):
    intact = runner.invoke(args=["audit-verify"])
    assert intact.exit_code == 0, intact.output
    assert "5" in intact.output

    tamper(chain[3], details='{"x": 1}')
    broken = runner.invoke(args=["audit-verify"])
    assert broken.exit_code != 0
    assert f"event {chain[3]}" in broken.output


def test_admin_page_shows_intact_then_broken(client, chain):
    login(client, "admin@example.mx")
    page = client.get("/admin/bitacora").get_data(as_text=True)
    assert 'class="flash flash-success"' in page
    assert 'class="flash flash-error"' not in page
    assert "territory.save_colonia" in page and "user.unblock" in page

    tamper(chain[4], details='{"x": 1}')
    page = client.get("/admin/bitacora").get_data(as_text=True)
    assert 'class="flash flash-error"' in page
    assert str(chain[4]) in page.split('class="flash flash-error"')[1].split("</p>")[0]


def test_admin_actions_through_the_web_keep_the_chain(client, actor, make):
    person = make.user(email="persona@example.mx")
    login(client, "admin@example.mx")
    client.post(f"/admin/usuarios/{person.id}/rol", data={"role": "staff"})
    client.post(f"/admin/usuarios/{person.id}/bloquear")
    client.post("/admin/territorio/", data={"name": "Oriente"})
    report = verify_chain()
    assert (report.checked, report.first_broken_id) == (3, None)
