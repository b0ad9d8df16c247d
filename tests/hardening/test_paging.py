"""`?pagina=` on every paged list: a huge, negative or garbage number is never a 500.

`?pagina=99999999999999999999` used to reach SQLite and PostgreSQL as an OFFSET they cannot
hold. Now (core/paging.py): not a sane number -> a 400 page that says so; past the end -> the
last page (the accounts list, which counts them) or a 404 page that says so (lists that do
not count). Each case runs on SQLite and on PostgreSQL.
"""

import pytest

from participa.auth.models import Role
from participa.processes.types import ProcessStatus, ProcessType
from tests.factories import Factories, login

NOT_SANE = ["99999999999999999999", "1234567", "abc", "-1", "0", "1e3", "2.5", "\u0663"]
NOT_VALID = "El número de página no es válido"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request):
    return request.getfixturevalue("app" if request.param == "sqlite" else "pg_app")


@pytest.fixture
def lists(any_app):
    """URLs of the three paged lists, and a client logged in as an administrator."""
    make = Factories()
    make.territory()
    admin = make.user(Role.ADMIN, email="admin@example.mx")
    initiative = make.process(ProcessStatus.OPEN, type=ProcessType.INICIATIVA, title="Iniciativa")
    budget = make.process(ProcessStatus.OPEN, type=ProcessType.PRESUPUESTO, title="PP 2027")
    client = any_app.test_client()
    assert login(client, admin.email).status_code == 302
    urls = {
        "accounts": "/admin/usuarios",
        "proposals": f"/procesos/{initiative.id}/propuestas/",
        "projects": f"/procesos/{budget.id}/proyectos/",
    }
    return client, urls


@pytest.mark.parametrize("name", ["accounts", "proposals", "projects"])
def test_a_number_that_is_not_sane_is_a_clear_400(lists, name):
    client, urls = lists
    assert client.get(urls[name]).status_code == 200
    for value in NOT_SANE:
        response = client.get(urls[name], query_string={"pagina": value})
        assert response.status_code == 400, value
        assert NOT_VALID in response.get_data(as_text=True)


def test_the_accounts_list_past_its_end_shows_the_last_page(lists):
    client, urls = lists
    response = client.get(urls["accounts"], query_string={"pagina": "999999"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "admin@example.mx" in page
    assert "pagina=999998" not in page  # no "previous page" link into the void


@pytest.mark.parametrize("name", ["proposals", "projects"])
def test_a_list_without_a_total_past_its_end_is_a_clear_404(lists, name):
    client, urls = lists
    response = client.get(urls[name], query_string={"pagina": "999999"})
    assert response.status_code == 404
    assert "Esa página no existe" in response.get_data(as_text=True)
    assert client.get(urls[name], query_string={"pagina": "1"}).status_code == 200
