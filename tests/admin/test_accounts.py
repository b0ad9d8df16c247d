"""Account administration: search, roles, blocking, new staff accounts, all audited."""

import json
import re
from datetime import date

import pytest

from participa.admin import services
from participa.audit.models import AuditEvent
from participa.auth.models import Role, User
from participa.core.errors import DomainError
from participa.extensions import db
from tests.factories import PASSWORD, login


@pytest.fixture
def admin_user(make):
    return make.user(Role.ADMIN, email="admin@example.mx")


@pytest.fixture
def admin(client, admin_user):
    login(client, "admin@example.mx")
    return client


def events() -> list[AuditEvent]:
    return list(db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars())


def listed_names(page: str) -> set[str]:
    return set(re.findall(r'<th scope="row">(.*?)</th>', page))


def flashed_error(client) -> bool:
    return 'class="flash flash-error"' in client.get("/admin/usuarios").get_data(as_text=True)


def test_admin_home_leads_to_accounts(admin):
    response = admin.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/usuarios"


def test_search_by_name_email_or_curp(admin, make):
    rosa = make.user(email="rosa.perez@example.mx", birth=date(1975, 3, 3))
    rosa.name = "Rosa Pérez"
    luis = make.user(email="luis@example.mx")
    luis.name = "Luis Gómez"
    luis.email, luis.phone = None, "+523312345678"  # registered with a phone only
    db.session.commit()

    def search(text):
        return listed_names(admin.get("/admin/usuarios", query_string={"q": text}).text)

    assert {"Rosa Pérez", "Luis Gómez"} <= search("")
    assert search("rosa") == {"Rosa Pérez"}
    assert search("ROSA.PEREZ@EXAMPLE") == {"Rosa Pérez"}
    assert search("3312345678") == {"Luis Gómez"}
    assert "+523312345678" in admin.get("/admin/usuarios", query_string={"q": "luis"}).text
    assert search(rosa.curp[:10].lower()) == {"Rosa Pérez"}
    assert search("nadie-así") == set()


def test_change_role_is_saved_and_audited(admin, admin_user, make):
    person = make.user(email="persona@example.mx")

    response = admin.post(f"/admin/usuarios/{person.id}/rol", data={"role": "staff"})

    assert response.status_code == 302
    db.session.refresh(person)
    assert person.role is Role.STAFF
    event = events()[-1]
    assert (event.action, event.actor_id, event.object_type, event.object_id) == (
        "user.role",
        admin_user.id,
        "User",
        str(person.id),
    )
    assert json.loads(event.details) == {"before": "citizen", "after": "staff"}


def test_unknown_role_is_refused(admin, make):
    person = make.user(email="persona@example.mx")
    response = admin.post(f"/admin/usuarios/{person.id}/rol", data={"role": "superuser"})
    assert response.status_code == 400
    db.session.refresh(person)
    assert person.role is Role.CITIZEN
    assert events() == []


def test_unknown_account_is_404(admin):
    assert admin.post("/admin/usuarios/999/rol", data={"role": "staff"}).status_code == 404
    assert admin.post("/admin/usuarios/999/bloquear").status_code == 404


def test_block_and_unblock(admin, make):
    person = make.user(email="persona@example.mx")

    assert admin.post(f"/admin/usuarios/{person.id}/bloquear").status_code == 302
    db.session.refresh(person)
    assert person.active is False
    other = admin.application.test_client()
    assert login(other, "persona@example.mx").status_code == 400

    assert admin.post(f"/admin/usuarios/{person.id}/desbloquear").status_code == 302
    db.session.refresh(person)
    assert person.active is True
    assert login(other, "persona@example.mx").status_code == 302
    assert [e.action for e in events()] == ["user.block", "user.unblock"]


def test_block_needs_a_post(admin, make):
    person = make.user(email="persona@example.mx")
    assert admin.get(f"/admin/usuarios/{person.id}/bloquear").status_code == 405
    db.session.refresh(person)
    assert person.active is True


def test_admin_cannot_change_own_role_or_block_self(admin, admin_user):
    admin.post(f"/admin/usuarios/{admin_user.id}/rol", data={"role": "citizen"})
    assert flashed_error(admin)
    admin.post(f"/admin/usuarios/{admin_user.id}/bloquear")
    assert flashed_error(admin)
    db.session.refresh(admin_user)
    assert (admin_user.role, admin_user.active) == (Role.ADMIN, True)
    assert events() == []


def test_another_admin_can_be_demoted_and_blocked(admin, make):
    other = make.user(Role.ADMIN, email="otra-admin@example.mx")
    admin.post(f"/admin/usuarios/{other.id}/bloquear")
    admin.post(f"/admin/usuarios/{other.id}/rol", data={"role": "staff"})
    db.session.refresh(other)
    assert (other.role, other.active) == (Role.STAFF, False)
    assert [e.action for e in events()] == ["user.block", "user.role"]


def test_last_active_admin_is_protected(admin_user, make):
    # Whoever acts (a script, a future role), the only active admin keeps the role.
    someone = make.user(Role.STAFF, email="personal@example.mx")
    with pytest.raises(DomainError):
        services.set_role(someone, admin_user, Role.STAFF)
    with pytest.raises(DomainError):
        services.set_active(someone, admin_user, False)
    db.session.refresh(admin_user)
    assert (admin_user.role, admin_user.active) == (Role.ADMIN, True)
    assert events() == []
    # Promoting someone else keeps the rule satisfied.
    services.set_role(someone, admin_user, Role.ADMIN)
    assert events()[-1].action == "user.role"


def test_new_staff_account(admin, admin_user):
    assert admin.get("/admin/usuarios/nuevo").status_code == 200
    response = admin.post(
        "/admin/usuarios/nuevo",
        data={
            "name": "Personal Nuevo",
            "email": "Nuevo@Example.mx",
            "role": "council",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = db.session.execute(db.select(User).where(User.email == "nuevo@example.mx")).scalar_one()
    assert user.role is Role.COUNCIL
    event = events()[-1]
    assert (event.action, event.actor_id, event.object_id) == (
        "user.create",
        admin_user.id,
        str(user.id),
    )
    other = admin.application.test_client()
    assert login(other, "nuevo@example.mx").status_code == 302


def test_new_account_with_a_taken_email_is_refused(admin, make):
    make.user(email="persona@example.mx")
    response = admin.post(
        "/admin/usuarios/nuevo",
        data={
            "name": "Repetida",
            "email": "PERSONA@example.mx",
            "role": "staff",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == 2
    assert events() == []


def test_new_account_needs_a_long_password(admin):
    response = admin.post(
        "/admin/usuarios/nuevo",
        data={"name": "Corta", "email": "corta@example.mx", "role": "staff", "password": "1234"},
    )
    assert response.status_code == 400
    assert 'id="password-error"' in response.get_data(as_text=True)
    assert (
        db.session.execute(db.select(User).where(User.email == "corta@example.mx")).first() is None
    )


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.STAFF, Role.COUNCIL])
def test_only_admins_reach_account_administration(client, make, role):
    person = make.user(role, email="persona@example.mx")
    target = make.user(email="otra@example.mx")
    login(client, "persona@example.mx")
    assert client.get("/admin/usuarios").status_code == 403
    assert client.get("/admin/bitacora").status_code == 403
    assert (
        client.post(f"/admin/usuarios/{person.id}/rol", data={"role": "admin"}).status_code == 403
    )
    assert client.post(f"/admin/usuarios/{target.id}/bloquear").status_code == 403
    db.session.refresh(person)
    db.session.refresh(target)
    assert person.role is role and target.active
    assert events() == []


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/admin/usuarios")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/cuenta/entrar?next=")
