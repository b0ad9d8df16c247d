"""Administering the territory: delegaciones, colonias, populations and CSV import."""

import io
import re

import pytest

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.extensions import db
from participa.territory.models import Colonia, Delegacion
from tests.factories import login

URL = "/admin/territorio/"


@pytest.fixture
def admin(client, make):
    make.user(Role.ADMIN, email="admin@example.mx")
    login(client, "admin@example.mx")
    return client


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def territory() -> dict[tuple[str, str], int]:
    """{(delegación, colonia): population} as stored."""
    rows = db.session.execute(
        db.select(Delegacion.name, Colonia.name, Colonia.population).join(Colonia.delegacion)
    )
    return {(d, c): p for d, c, p in rows}


def audit_actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def upload(client, data: bytes, filename: str = "x.csv"):
    return client.post(
        URL + "importar",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def file_error(response) -> str:
    found = re.search(r'id="file-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert found, "no error beside the file field"
    return found.group(1)


def test_add_delegacion_and_colonia_then_edit_population(admin):
    assert admin.post(URL, data={"name": " Delegación Norte "}).status_code == 302
    norte = db.session.execute(db.select(Delegacion)).scalar_one()
    assert norte.name == "Delegación Norte"

    response = admin.post(
        URL + "colonias/nueva",
        data={"name": "Centro", "delegacion_id": norte.id, "population": "1500"},
    )
    assert response.status_code == 302
    colonia = db.session.execute(db.select(Colonia)).scalar_one()
    assert territory() == {("Delegación Norte", "Centro"): 1500}

    page = admin.get(f"{URL}colonias/{colonia.id}").get_data(as_text=True)
    assert 'value="1500"' in page
    response = admin.post(
        f"{URL}colonias/{colonia.id}",
        data={"name": "Centro", "delegacion_id": norte.id, "population": "1750"},
    )
    assert response.status_code == 302
    assert territory() == {("Delegación Norte", "Centro"): 1750}
    assert "Centro" in admin.get(URL).get_data(as_text=True)
    assert audit_actions() == [
        "territory.add_delegacion",
        "territory.save_colonia",
        "territory.save_colonia",
    ]


def test_a_colonia_may_have_no_inhabitants_yet(admin, make):
    norte = make.territory()["Centro"].delegacion
    response = admin.post(
        URL + "colonias/nueva",
        data={"name": "Fraccionamiento Nuevo", "delegacion_id": norte.id, "population": "0"},
    )
    assert response.status_code == 302
    assert territory()[("Norte", "Fraccionamiento Nuevo")] == 0


def test_negative_or_missing_population_is_refused(admin, make):
    norte = make.territory()["Centro"].delegacion
    before = territory()
    for population in ("-5", "", "mil"):
        response = admin.post(
            URL + "colonias/nueva",
            data={"name": "Otra", "delegacion_id": norte.id, "population": population},
        )
        assert response.status_code != 302
        assert 'id="population-error"' in response.get_data(as_text=True)
    assert territory() == before


def test_duplicate_delegacion_is_refused(admin, make):
    make.territory()
    response = admin.post(URL, data={"name": "Norte"})
    assert response.status_code != 302
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert count(Delegacion) == 2


def test_duplicate_colonia_in_the_same_delegacion_is_refused(admin, make):
    colonias = make.territory()
    norte, sur = colonias["Centro"].delegacion, colonias["Sauces"].delegacion
    response = admin.post(
        URL + "colonias/nueva",
        data={"name": "Centro", "delegacion_id": norte.id, "population": "10"},
    )
    assert 'id="colonia_name-error"' in response.get_data(as_text=True)
    # Renaming Lomas to Centro clashes too.
    lomas = colonias["Lomas"]
    response = admin.post(
        f"{URL}colonias/{lomas.id}",
        data={"name": "Centro", "delegacion_id": norte.id, "population": "500"},
    )
    assert 'id="colonia_name-error"' in response.get_data(as_text=True)
    assert count(Colonia) == 3
    assert territory()[("Norte", "Lomas")] == 500
    # The same name in another delegación is fine.
    response = admin.post(
        URL + "colonias/nueva",
        data={"name": "Centro", "delegacion_id": sur.id, "population": "10"},
    )
    assert response.status_code == 302
    assert territory()[("Sur", "Centro")] == 10


def test_unknown_colonia_is_404(admin):
    assert admin.get(URL + "colonias/999").status_code == 404


def test_csv_import_creates_and_updates(admin, make):
    make.territory()
    data = (
        b"delegacion,colonia,poblacion\n"
        b"Norte,Centro,1200\n"  # updated
        b"Norte,Lomas,500\n"  # unchanged
        b"Norte,Arboledas,300\n"  # new colonia in an existing delegación
        b"Oriente,Oblatos,17400\n"  # new delegación and colonia
    )

    response = upload(admin, data)

    assert response.status_code == 302
    assert territory() == {
        ("Norte", "Centro"): 1200,
        ("Norte", "Lomas"): 500,
        ("Norte", "Arboledas"): 300,
        ("Sur", "Sauces"): 2000,
        ("Oriente", "Oblatos"): 17400,
    }
    assert audit_actions()[-1] == "territory.import"


@pytest.mark.parametrize(
    "data",
    [
        "\ufeffdelegacion,colonia,poblacion\r\nDelegación Sur,Santa Cecilia,19700\r\n".encode(),
        "delegacion;colonia;poblacion\nDelegación Sur;Santa Cecilia;19700\n".encode(),
        "delegacion\tcolonia\tpoblacion\nDelegación Sur\tSanta Cecilia\t19700\n".encode(),
        "Delegación;Colonia;Población\r\nDelegación Sur;Santa Cecilia;19,700\r\n".encode("cp1252"),
        "Agencia,Localidad,Población\nDelegación Sur,Santa Cecilia,19 700\n".encode("cp1252"),
        'colonia,delegacion,poblacion\n"Santa Cecilia","Delegación Sur",19700\n\n'.encode(),
    ],
    ids=["utf8-bom", "semicolon", "tab", "cp1252-semicolon", "aliases", "reordered"],
)
def test_csv_import_reads_what_spreadsheets_save(admin, data):
    assert upload(admin, data).status_code == 302
    assert territory() == {("Delegación Sur", "Santa Cecilia"): 19700}


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"delegacion,colonia,poblacion\nNorte,Centro,1200\nNorte,,20\nSur,Nueva,mucho\n", "3, 4"),
        (b"delegacion;colonia;poblacion\nNorte;Centro;1200\nNorte;20\n", "3"),
        (b"delegacion,colonia,poblacion\nNorte,Centro,-4\nSur,Nueva,10\n", "2"),
        (b"delegacion,colonia,poblacion\n,Centro,12\n", "2"),
        # isdigit() accepts a superscript two, which int() refuses: it must be a bad line.
        ("delegacion,colonia,poblacion\nNorte,Centro,1²\n".encode(), "2"),
        (b"delegacion,colonia,poblacion\nNorte,Centro,99999999999\n", "2"),
        (b"delegacion,colonia,poblacion\nNorte," + b"x" * 121 + b",5\n", "2"),
    ],
)
def test_csv_with_bad_lines_imports_nothing(admin, make, data, lines):
    make.territory()
    before = territory(), count(Delegacion), len(audit_actions())

    response = upload(admin, data)

    assert response.status_code == 400
    assert file_error(response).endswith(lines)
    assert (territory(), count(Delegacion), len(audit_actions())) == before


@pytest.mark.parametrize(
    "data",
    [
        b"nombre,habitantes\nNorte,12\n",
        b"delegacion,colonia\nNorte,Centro\n",
        b"",
        b"delegacion,colonia,poblacion\n",
        b"\x00\x01\x02\xff\xfe",
    ],
    ids=["wrong-header", "no-population", "empty", "header-only", "binary"],
)
def test_csv_without_usable_rows_is_refused(admin, make, data):
    make.territory()
    before = territory()
    response = upload(admin, data)
    assert response.status_code == 400
    assert file_error(response)
    assert territory() == before


def test_only_csv_files_are_accepted(admin):
    response = upload(admin, b"delegacion,colonia,poblacion\nNorte,Centro,1\n", "x.xlsx")
    assert response.status_code == 400
    assert file_error(response)
    assert count(Colonia) == 0


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.STAFF, Role.COUNCIL])
def test_other_roles_are_forbidden(client, make, role):
    make.user(role, email="persona@example.mx")
    login(client, "persona@example.mx")
    assert client.get(URL).status_code == 403
    assert client.post(URL, data={"name": "Intrusa"}).status_code == 403
    response = upload(client, b"delegacion,colonia,poblacion\nNorte,Centro,1\n")
    assert response.status_code == 403
    assert count(Delegacion) == 0


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/cuenta/entrar?next=")
    assert client.post(URL, data={"name": "Intrusa"}).status_code == 401
    assert count(Delegacion) == 0
