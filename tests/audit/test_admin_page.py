"""The administrators' view of the log, and the web's admin actions on the chain."""

from participa.audit.models import AuditEvent
from participa.audit.services import record
from participa.audit.verify import verify_chain
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
