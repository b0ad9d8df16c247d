"""The administrators' view of the log, and the web's admin actions on the chain."""

import sqlalchemy as sa

from participa.audit.chain import GENESIS, event_digest
from participa.audit.models import LEGACY, AuditEvent
from participa.audit.services import record
from participa.audit.verify import PAGE_EVENTS, verify_chain
from participa.core.timeutil import utcnow
from participa.extensions import db
from tests.audit.conftest import execute, tamper
from tests.factories import login


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


def test_admin_page_reports_a_cut_tail(client, chain, runner):
    assert runner.invoke(args=["audit-checkpoint"]).exit_code == 0
    execute("DELETE FROM audit_event WHERE id = :id", id=chain[4])
    login(client, "admin@example.mx")
    page = client.get("/admin/bitacora").get_data(as_text=True)
    assert 'class="flash flash-error"' in page and "audit-verify" in page


def test_admin_actions_through_the_web_keep_the_chain(client, actor, make):
    person = make.user(email="persona@example.mx")
    login(client, "admin@example.mx")
    client.post(f"/admin/usuarios/{person.id}/rol", data={"role": "staff"})
    client.post(f"/admin/usuarios/{person.id}/bloquear")
    client.post("/admin/territorio/", data={"name": "Oriente"})
    db.session.remove()
    report = verify_chain()
    assert (report.checked, report.intact) == (3, True)


def test_admin_page_checks_from_the_latest_checkpoint_on(client, chain, runner, actor):
    """A bounded read: the checkpoint and what follows it; the command reads everything."""
    runner.invoke(args=["audit-checkpoint"])  # at the fifth event
    record(actor, "user.role", actor, before="admin", after="admin")
    db.session.commit()
    login(client, "admin@example.mx")
    page = client.get("/admin/bitacora").get_data(as_text=True)
    assert "El último punto de control firmado y los 2 registros" in page

    later = db.session.execute(db.select(AuditEvent.id).where(AuditEvent.seq == 6)).scalar()
    tamper(later, details='{"x": 1}')
    page = client.get("/admin/bitacora").get_data(as_text=True)
    assert str(later) in page.split('class="flash flash-error"')[1].split("</p>")[0]

    tamper(chain[4], details='{"x": 1}')  # the checkpointed event itself
    page = client.get("/admin/bitacora").get_data(as_text=True)
    assert str(chain[4]) in page.split('class="flash flash-error"')[1].split("</p>")[0]


def migrated_legacy_log(count: int, after: int = 0, prev: str = GENESIS) -> str:
    """`count` unkeyed events after position `after` (whose hash is `prev`), no checkpoint:
    the state right after migrating an old log. The last event's hash."""
    rows, at = [], utcnow().replace(microsecond=0)
    for n in range(after + 1, after + count + 1):
        event = AuditEvent(
            seq=n,
            scheme=LEGACY,
            at=at,
            actor_id=None,
            action="desk.vote",
            object_type="",
            object_id=str(n),
            details="{}",
            prev_hash=prev,
        )
        event.hash = prev = event_digest(event, b"")
        columns = ("seq", "scheme", "at", "actor_id", "action", "object_type", "object_id")
        rows.append({c: getattr(event, c) for c in (*columns, "details", "prev_hash", "hash")})
    db.session.execute(sa.insert(AuditEvent), rows)
    db.session.commit()
    return prev


def events_read_by(client, path: str) -> tuple[int, str]:
    """The audit events a request loads from the database, and its page."""
    loaded = []

    def count(target, _context):
        loaded.append(target.id)

    sa.event.listen(AuditEvent, "load", count)
    try:
        page = client.get(path).get_data(as_text=True)
    finally:
        sa.event.remove(AuditEvent, "load", count)
    return len(loaded), page


def test_with_no_checkpoint_the_page_reads_only_the_last_events(client, actor):
    """A large migrated log before its first checkpoint: a bounded read, and a warning."""
    size = 2 * PAGE_EVENTS + 500
    migrated_legacy_log(size)
    login(client, "admin@example.mx")
    read, page = events_read_by(client, "/admin/bitacora")
    shown = 200  # the table of the latest events
    assert read <= PAGE_EVENTS + shown < size
    assert "Todavía no hay un punto de control firmado reciente" in page
    assert f"solo los últimos {PAGE_EVENTS} registros" in page and "flask audit-verify" in page
    assert 'class="flash flash-success"' in page and 'class="flash flash-error"' not in page

    tip = db.session.execute(db.select(AuditEvent.id).where(AuditEvent.seq == size)).scalar()
    tamper(tip, details='{"x": 1}')  # within the last events: the page still names it
    read, page = events_read_by(client, "/admin/bitacora")
    assert read <= PAGE_EVENTS + shown
    assert str(tip) in page.split('class="flash flash-error"')[1].split("</p>")[0]


def test_a_small_log_with_no_checkpoint_is_checked_whole(client, actor):
    migrated_legacy_log(5)
    login(client, "admin@example.mx")
    page = client.get("/admin/bitacora").get_data(as_text=True)
    assert "La cadena de 5 eventos está íntegra." in page
    assert "punto de control firmado reciente" not in page


def test_a_checkpoint_far_behind_the_tip_is_not_walked_from(client, actor, runner):
    """Later checkpoints deleted (or never signed): the page still reads a bounded number."""
    tip_hash = migrated_legacy_log(10)
    assert runner.invoke(args=["audit-checkpoint"]).exit_code == 0  # at the tenth event
    migrated_legacy_log(PAGE_EVENTS + 500, after=10, prev=tip_hash)
    login(client, "admin@example.mx")
    read, page = events_read_by(client, "/admin/bitacora")
    assert read <= PAGE_EVENTS + 200
    assert f"solo los últimos {PAGE_EVENTS} registros" in page
