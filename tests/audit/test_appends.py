"""Appending: events commit with their action or not at all, and a failure is a clear page."""

import pytest

from participa.audit.models import AuditEvent
from participa.audit.services import AuditAppendFailed, record
from participa.auth.models import Role, User
from participa.extensions import db
from tests.audit.conftest import app_with, failing_writes
from tests.factories import Factories, login
from tests.hardening.test_two_factor import enrol


def events() -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.seq)).scalars())


def test_a_rolled_back_action_takes_its_event_with_it(app, make):
    person = make.user()
    record(None, "user.block", person)
    db.session.rollback()
    record(None, "user.unblock", person)
    db.session.commit()
    assert [e.action for e in events()] == ["user.unblock"]


def test_an_event_that_cannot_be_written_undoes_its_action(app, make):
    person = make.user()
    with failing_writes("audit_event"):
        person.active = False
        record(None, "user.block", person)
        with pytest.raises(AuditAppendFailed):
            db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, person.id).active
    assert events() == []


def test_an_admin_action_whose_event_fails_says_so_and_changes_nothing(client, make):
    make.user(Role.ADMIN, email="admin@example.mx")
    person = make.user(email="persona@example.mx")
    login(client, "admin@example.mx")
    with failing_writes("audit_event"):
        response = client.post(f"/admin/usuarios/{person.id}/bloquear", follow_redirects=True)
    assert response.status_code == 200
    assert "la bitácora de auditoría no pudo registrarlo" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, person.id).active
    assert events() == []


@pytest.fixture
def served_errors(database):
    """The app as served: an unexpected error reaches the error page, not the test."""
    with app_with(database, PROPAGATE_EXCEPTIONS=False) as app:
        yield app


def test_a_database_error_still_renders_the_styled_error_page(served_errors):
    client = served_errors.test_client()
    Factories().user(Role.ADMIN, email="admin@example.mx")
    person = Factories().user(email="persona@example.mx")
    login(client, "admin@example.mx")
    with failing_writes("user", "UPDATE"):
        response = client.post(f"/admin/usuarios/{person.id}/bloquear")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Algo salió mal de nuestro lado" in page
    assert 'class="site-footer"' in page  # the whole styled page, with its menu and footer


def test_two_factor_enrolment_is_audited_on_the_account(client, make):
    staff = make.user(Role.STAFF, email="personal@example.mx")
    login(client, staff.email)
    enrol(client)
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "auth.totp_enrol")
    ).scalar_one()
    assert (event.object_type, event.object_id, event.actor_id) == ("User", str(staff.id), staff.id)
