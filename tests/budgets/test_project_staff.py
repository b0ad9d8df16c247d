"""Staff add a PB project by form and edit all its fields and its photo, before voting only."""
# ruff: noqa: F811  (the fixtures of test_projects are imported by name)

import io
import json

import pytest

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.budgets.models import PbBallot, PbProject, ProjectStatus
from participa.budgets.project_import import COLUMNS, IMPORT_ALIASES, IMPORT_REQUIRED, example_csv
from participa.budgets.project_staff import parse_money
from participa.extensions import db
from participa.processes.types import ProcessStatus
from tests.budgets.test_projects import ballot, colonias, files, image_bytes, pb, uploads  # noqa: F401
from tests.factories import login


@pytest.fixture
def staff(client, make):
    user = make.user(Role.STAFF)
    login(client, user.email)
    return user


def base(process) -> str:
    return f"/gestion/procesos/{process.id}/proyectos"


def form(ballot_, **fields) -> dict:
    data = {
        "ballot_id": str(ballot_.id),
        "title": "Techado de la cancha de Lomas",
        "description": "Techar la cancha de basquetbol.",
        "category": "Deporte",
        "estimated_cost": "$250,000",
        "zone": "",
        "location": "Unidad deportiva Lomas",
        "latitude": "20.6597",
        "longitude": "-103.3496",
        "photo_alt": "",
    }
    return {**data, **fields}


def send(client, url, data, photo: bytes | None = None):
    if photo is not None:
        data = {**data, "photo": (io.BytesIO(photo), "cancha.png")}
    return client.post(url, data=data, content_type="multipart/form-data")


def projects() -> list[PbProject]:
    return list(db.session.execute(db.select(PbProject).order_by(PbProject.id)).scalars())


def events(action: str) -> list[AuditEvent]:
    query = db.select(AuditEvent).where(AuditEvent.action == action)
    return list(db.session.execute(query).scalars())


@pytest.mark.parametrize(
    ("text", "pesos"),
    [
        ("1,250,000", 1_250_000),
        ("1250000.50", 1_250_001),
        ("1250000.49", 1_250_000),
        ("$1,250,000", 1_250_000),
        (" $ 1 250 000.00 ", 1_250_000),
        ("0", 0),
        ("-5", None),
        ("1,25,000", None),
        ("mil pesos", None),
        ("1.5e6", None),
        ("12.345", None),
        ("9" * 40, None),
    ],
)
def test_money_is_read_as_staff_write_it(text, pesos):
    assert parse_money(text) == pesos


def test_staff_add_a_project_with_a_photo_and_it_is_audited(client, staff, pb, colonias, uploads):
    norte = ballot(pb, "Norte")
    data = form(norte, zone=f"c{colonias['Lomas'].id}", photo_alt="Cancha sin techo")
    data["estimated_cost"] = "150000.50"
    response = send(client, f"{base(pb)}/nuevo", data, image_bytes("PNG"))
    assert response.status_code == 302
    (project,) = projects()
    assert (project.ballot_id, project.title, project.estimated_cost) == (
        norte.id,
        "Techado de la cancha de Lomas",
        150_001,
    )
    assert (project.colonia_id, project.latitude, project.longitude) == (
        colonias["Lomas"].id,
        20.6597,
        -103.3496,
    )
    assert project.status is ProjectStatus.PROPOSED and project.author_id is None
    assert project.photo_alt == "Cancha sin techo"
    assert [f.name for f in files(uploads)] == [project.photo]
    (event,) = events("pb.project.add")
    assert json.loads(event.details)["photo"] is True
    page = client.get(f"{base(pb)}/").get_data(as_text=True)
    assert "Techado de la cancha de Lomas" in page
    photo = client.get(f"{base(pb)}/fotos/{project.photo}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"


def test_a_feasible_project_goes_straight_onto_the_ballot(client, staff, pb):
    city = ballot(pb, "Municipio")
    response = send(
        client, f"{base(pb)}/nuevo", form(city, feasible="y", estimated_cost="1,000,000")
    )
    assert response.status_code == 302
    (project,) = projects()
    assert (project.status, project.cost) == (ProjectStatus.FEASIBLE, 1_000_000)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"estimated_cost": "-5"}, "more than zero"),
        ({"estimated_cost": "0"}, "more than zero"),
        ({"estimated_cost": "mucho"}, "such as 1,250,000"),
        ({"estimated_cost": ""}, "Write the cost."),
        ({"estimated_cost": "5,000,000"}, "cannot be more than the ballot"),
        ({"title": ""}, 'id="title-error"'),
        ({"latitude": "200"}, "That latitude is outside the municipality."),
        ({"longitude": ""}, "Give both latitude and longitude"),
        ({"photo_alt": "x" * 201}, 'id="photo_alt-error"'),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_added(
    client, staff, pb, uploads, fields, message
):
    city = ballot(pb, "Municipio")
    response = send(client, f"{base(pb)}/nuevo", form(city, **fields), image_bytes("PNG"))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert projects() == [] and files(uploads) == []
    assert events("pb.project.add") == []


def test_a_colonia_outside_the_ballots_zone_is_refused(client, staff, pb, colonias):
    norte = ballot(pb, "Norte")
    response = send(
        client,
        f"{base(pb)}/nuevo",
        form(norte, zone=f"c{colonias['Sauces'].id}", estimated_cost="1000"),
    )
    assert response.status_code == 400
    assert "Choose a colonia of this ballot" in response.get_data(as_text=True)
    assert projects() == []


def test_a_whole_delegacion_is_a_zone_too(client, staff, pb, colonias):
    norte, sur = ballot(pb, "Norte"), colonias["Sauces"].delegacion
    north = colonias["Centro"].delegacion
    data = form(norte, zone=f"d{sur.id}", estimated_cost="1000")
    response = send(client, f"{base(pb)}/nuevo", data)  # Sur is not in the Norte ballot
    assert response.status_code == 400 and 'id="zone-error"' in response.get_data(as_text=True)
    assert send(client, f"{base(pb)}/nuevo", {**data, "zone": "x1"}).status_code == 400
    assert projects() == []
    assert send(client, f"{base(pb)}/nuevo", {**data, "zone": f"d{north.id}"}).status_code == 302
    (project,) = projects()
    assert (project.delegacion_id, project.colonia_id) == (north.id, None)
    edit = client.get(f"{base(pb)}/{project.id}/editar").get_data(as_text=True)
    assert f'<option selected value="d{north.id}">' in edit
    page = client.get(f"/procesos/{pb.id}/proyectos/{project.id}").get_data(as_text=True)
    assert "Delegación" in page and north.name in page


def test_a_delegacion_only_part_of_which_votes_is_not_a_zone(client, staff, pb, colonias):
    centro = PbBallot(process_id=pb.id, name="Centro", amount=100_000, max_choices=1)
    centro.colonias = [colonias["Centro"]]  # Norte has Lomas too, which does not vote here
    db.session.add(centro)
    db.session.commit()
    north = colonias["Centro"].delegacion
    page = client.get(f"{base(pb)}/nuevo?boleta={centro.id}").get_data(as_text=True)
    data = form(centro, zone=f"d{north.id}", estimated_cost="1000")
    response = send(client, f"{base(pb)}/nuevo", data)
    assert response.status_code == 400 and 'id="zone-error"' in response.get_data(as_text=True)
    assert projects() == []
    assert f'value="c{colonias["Centro"].id}"' in page


def test_no_project_is_added_once_voting_opens(client, staff, pb):
    pb.status = ProcessStatus.OPEN
    db.session.commit()
    city = ballot(pb, "Municipio")
    page = client.get(f"{base(pb)}/nuevo").get_data(as_text=True)
    assert "no longer change" in page and 'name="title"' not in page
    response = send(client, f"{base(pb)}/nuevo", form(city))
    assert response.status_code == 400
    assert "Projects cannot change once voting has opened." in response.get_data(as_text=True)
    assert projects() == []


def test_staff_edit_every_field_and_replace_then_remove_the_photo(client, staff, pb, uploads):
    city = ballot(pb, "Municipio")
    send(client, f"{base(pb)}/nuevo", form(city), image_bytes("PNG"))
    (project,) = projects()
    first = project.photo
    edit = f"{base(pb)}/{project.id}/editar"
    page = client.get(edit).get_data(as_text=True)
    assert 'value="Techado de la cancha de Lomas"' in page and 'value="250000"' in page
    data = form(city, title="Techo de la cancha", estimated_cost="900,000", photo_alt="La cancha")
    assert send(client, edit, data, image_bytes("JPEG")).status_code == 302
    db.session.refresh(project)
    assert (project.title, project.estimated_cost, project.photo_alt) == (
        "Techo de la cancha",
        900_000,
        "La cancha",
    )
    assert project.photo != first and [f.name for f in files(uploads)] == [project.photo]
    (event,) = events("pb.project.edit")
    details = json.loads(event.details)
    assert details["before"]["estimated_cost"] == 250_000 and details["estimated_cost"] == 900_000
    assert send(client, edit, {**data, "remove_photo": "y"}).status_code == 302
    db.session.refresh(project)
    assert project.photo is None and project.photo_alt == "" and files(uploads) == []


def test_a_project_on_the_ballot_at_the_cost_staff_wrote_follows_its_edited_cost(client, staff, pb):
    city = ballot(pb, "Municipio")
    send(client, f"{base(pb)}/nuevo", form(city, feasible="y"))
    (project,) = projects()
    assert (project.status, project.cost) == (ProjectStatus.FEASIBLE, 250_000)
    edit = f"{base(pb)}/{project.id}/editar"
    assert send(client, edit, form(city, estimated_cost="300,000")).status_code == 302
    db.session.refresh(project)
    assert (project.estimated_cost, project.cost) == (300_000, 300_000)  # what voters see
    (event,) = events("pb.project.edit")
    details = json.loads(event.details)
    assert (details["before"]["cost"], details["cost"]) == (250_000, 300_000)
    # A cost the technical review set apart is the review's: an edit leaves it.
    project.cost = 280_000
    db.session.commit()
    assert send(client, edit, form(city, estimated_cost="310,000")).status_code == 302
    db.session.refresh(project)
    assert (project.estimated_cost, project.cost) == (310_000, 280_000)


def test_an_edit_once_voting_opens_is_refused_and_changes_nothing(client, staff, pb):
    city = ballot(pb, "Municipio")
    send(client, f"{base(pb)}/nuevo", form(city))
    (project,) = projects()
    pb.status = ProcessStatus.OPEN
    db.session.commit()
    response = send(client, f"{base(pb)}/{project.id}/editar", form(city, title="Otro"))
    assert response.status_code == 400
    assert "Projects cannot change once voting has opened." in response.get_data(as_text=True)
    db.session.refresh(project)
    assert project.title == "Techado de la cancha de Lomas"


def test_residents_cannot_add_projects(client, make, pb, colonias):
    login(client, make.user(Role.CITIZEN, colonia=colonias["Centro"]).email)
    assert client.get(f"{base(pb)}/nuevo").status_code == 403
    assert send(client, f"{base(pb)}/nuevo", form(ballot(pb, "Municipio"))).status_code == 403
    assert projects() == []


# --- the CSV help comes from the importer's own list -----------------------------------------


def test_the_import_help_lists_every_accepted_column_and_offers_an_example(client, staff, pb):
    page = client.get(f"{base(pb)}/").get_data(as_text=True)
    for column in COLUMNS:
        assert f"<code>{column.name}</code>" in page
        for alias in column.aliases:
            assert f"<code>{alias}</code>" in page
    assert set(IMPORT_ALIASES) == {n for c in COLUMNS for n in (c.name, *c.aliases)}
    assert IMPORT_REQUIRED == ("title", "description", "category", "estimated_cost")
    download = client.get(f"{base(pb)}/ejemplo.csv")
    assert download.mimetype == "text/csv"
    assert download.get_data(as_text=True).lstrip("\ufeff") == example_csv()


def test_the_example_file_imports_as_it_is(client, staff, pb):
    norte = ballot(pb, "Norte")
    data = {"ballot_id": str(norte.id), "file": (io.BytesIO(example_csv().encode()), "e.csv")}
    response = client.post(f"{base(pb)}/importar", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    (project,) = projects()
    assert project.status is ProjectStatus.FEASIBLE and project.colonia.name == "Centro"


def test_missing_columns_are_named_in_spanish(client, staff, pb):
    norte = ballot(pb, "Norte")
    content = "título,descripción\nParque,Bancas\n".encode()
    data = {"ballot_id": str(norte.id), "file": (io.BytesIO(content), "e.csv")}
    response = client.post(f"{base(pb)}/importar", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Missing: categoría, costo_estimado." in response.get_data(as_text=True)
