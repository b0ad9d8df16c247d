"""Who reaches which council page: staff edit, the council reads, the public reads approved."""

import pytest

from participa.auth.models import Role
from participa.council.models import AgendaItem
from participa.extensions import db
from tests.council.conftest import convene
from tests.factories import login

STAFF_PAGES = [
    "/gestion/consejo/",
    "/gestion/consejo/miembros/nuevo",
    "/gestion/consejo/sesiones/nueva",
    "/gestion/consejo/sesiones/{id}",
    "/gestion/consejo/operaciones/",
    "/gestion/consejo/operaciones/solicitudes.csv",
]
COUNCIL_PAGES = [
    "/consejo/sesiones/",
    "/consejo/sesiones/{id}",
    "/consejo/sesiones/{id}/acta/imprimir",
]


@pytest.fixture
def session_id(staff, members):
    return convene(staff).id


@pytest.mark.parametrize("role", [None, Role.CITIZEN, Role.COUNCIL])
def test_only_staff_reach_the_staff_pages(client, make, session_id, role):
    if role:
        login(client, make.user(role).email)
    for page in STAFF_PAGES:
        response = client.get(page.format(id=session_id))
        assert response.status_code == (302 if role is None else 403), page
    response = client.post(f"/gestion/consejo/sesiones/{session_id}/orden", data={"title": "X"})
    assert response.status_code in (401, 403)
    assert db.session.execute(db.select(AgendaItem)).first() is None


@pytest.mark.parametrize("role", [None, Role.CITIZEN])
def test_residents_and_anonymous_do_not_read_the_council_pages(client, make, session_id, role):
    if role:
        login(client, make.user(role).email)
    for page in COUNCIL_PAGES:
        response = client.get(page.format(id=session_id))
        assert response.status_code == (302 if role is None else 403), page


@pytest.mark.parametrize("role", [Role.COUNCIL, Role.STAFF, Role.ADMIN])
def test_council_staff_and_admin_read_the_council_pages(client, make, session_id, role):
    login(client, make.user(role).email)
    for page in COUNCIL_PAGES:
        assert client.get(page.format(id=session_id)).status_code == 200, page


def test_the_public_does_not_see_sessions_before_their_minutes_are_approved(client, session_id):
    assert client.get("/cmpc/").status_code == 200
    assert client.get(f"/cmpc/sesiones/{session_id}").status_code == 404
    assert client.get(f"/cmpc/sesiones/{session_id}/acta").status_code == 404
