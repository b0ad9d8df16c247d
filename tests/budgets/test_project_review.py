"""Staff review PB projects (feasible or not, cost, reason), fix their wording and import CSV."""

import io
import json

import pytest

from participa.audit.models import AuditEvent
from participa.auth.models import Role, User
from participa.budgets.models import PbBallot, PbProject, ProjectStatus
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from tests.factories import login


@pytest.fixture
def colonias(make):
    return make.territory()


@pytest.fixture
def pb(make, colonias):
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO, title="PP 2027")
    norte = PbBallot(process_id=process.id, name="Norte", amount=300_000, max_choices=2)
    norte.colonias = [colonias["Centro"], colonias["Lomas"]]
    db.session.add(norte)
    db.session.commit()
    return process


@pytest.fixture
def norte(pb) -> PbBallot:
    return db.session.execute(db.select(PbBallot).where(PbBallot.process_id == pb.id)).scalar_one()


@pytest.fixture
def project(norte, make, colonias) -> PbProject:
    author = make.user(Role.CITIZEN, colonia=colonias["Centro"])
    project = PbProject(
        ballot_id=norte.id,
        title="Techado de cancha",
        description="Techar la cancha.",
        category="Deporte",
        estimated_cost=120_000,
        author_id=author.id,
    )
    db.session.add(project)
    db.session.commit()
    return project


@pytest.fixture
def staff(client, make):
    user = make.user(Role.STAFF)
    login(client, user.email)
    return user


def events(action: str) -> list[AuditEvent]:
    query = db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(db.session.execute(query).scalars())


def review_url(pb, project, suffix="") -> str:
    return f"/gestion/procesos/{pb.id}/proyectos/{project.id}{suffix}"


# --- review --------------------------------------------------------------------------------


def test_staff_mark_a_project_feasible_with_its_cost_and_reason(client, staff, pb, project):
    reason = "Viable: el terreno es municipal. Costo según cotización de Obras Públicas."
    data = {"decision": "feasible", "cost": "135,000", "reason": reason}
    response = client.post(review_url(pb, project), data=data)
    assert response.status_code == 302
    db.session.refresh(project)
    assert (project.status, project.cost, project.review_reason) == (
        ProjectStatus.FEASIBLE,
        135_000,
        reason,
    )
    assert project.reviewed_at is not None
    (event,) = events("pb.project.review")
    assert (event.actor_id, event.object_type, event.object_id) == (
        staff.id,
        "PbProject",
        str(project.id),
    )
    assert json.loads(event.details) == {"status": "feasible", "cost": 135_000, "reason": reason}
    public = client.get(f"/procesos/{pb.id}/proyectos/{project.id}").get_data(as_text=True)
    assert "el terreno es municipal" in public
    assert "$135,000" in public


def test_an_unfeasible_project_keeps_its_reason_for_author_and_public(client, make, pb, project):
    login(client, make.user(Role.STAFF).email)
    data = {"decision": "unfeasible", "cost": "", "reason": "El predio es privado."}
    assert client.post(review_url(pb, project), data=data).status_code == 302
    assert project.status is ProjectStatus.UNFEASIBLE
    again = client.get(review_url(pb, project)).get_data(as_text=True)
    assert 'checked id="decision-1" name="decision"' in again
    assert "El predio es privado.</textarea>" in again
    login(client, db.session.get(User, project.author_id).email)
    page = client.get(f"/procesos/{pb.id}/proyectos/{project.id}").get_data(as_text=True)
    assert "You proposed this project." in page and "El predio es privado." in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "feasible", "cost": "100000", "reason": "  "}, "reason"),
        ({"decision": "unfeasible", "cost": "", "reason": ""}, "reason"),
        ({"decision": "feasible", "cost": "", "reason": "Viable"}, "cost"),
        ({"decision": "feasible", "cost": "0", "reason": "Viable"}, "cost"),
        ({"decision": "feasible", "cost": "300001", "reason": "Viable"}, "cost"),
        ({"decision": "feasible", "cost": "12.5", "reason": "Viable"}, "cost"),
        ({"cost": "100000", "reason": "Viable"}, "decision"),
        ({"decision": "feasible", "cost": "1000", "reason": "x" * 2001}, "reason"),
    ],
)
def test_incomplete_reviews_are_refused_and_change_nothing(client, staff, pb, project, data, field):
    response = client.post(review_url(pb, project), data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    db.session.refresh(project)
    assert (project.status, project.cost, project.review_reason) == (
        ProjectStatus.PROPOSED,
        None,
        "",
    )
    assert events("pb.project.review") == []


def test_the_review_cannot_change_once_voting_opens(client, staff, pb, project):
    pb.status = ProcessStatus.OPEN
    db.session.commit()
    assert "Voting has opened" in client.get(review_url(pb, project)).get_data(as_text=True)
    data = {"decision": "feasible", "cost": "100000", "reason": "Viable"}
    response = client.post(review_url(pb, project), data=data)
    assert response.status_code == 400
    db.session.refresh(project)
    assert project.status is ProjectStatus.PROPOSED
    assert events("pb.project.review") == []


def test_staff_fix_a_typo_before_voting_and_it_is_audited(client, staff, pb, project):
    data = {
        "title": "Techado de la cancha",
        "description": "Techar la cancha.",
        "category": "Deporte",
        "estimated_cost": "120,000",
    }
    assert client.post(review_url(pb, project, "/editar"), data=data).status_code == 302
    db.session.refresh(project)
    assert project.title == "Techado de la cancha"
    (event,) = events("pb.project.edit")
    assert json.loads(event.details)["before"]["title"] == "Techado de cancha"
    pb.status = ProcessStatus.OPEN
    db.session.commit()
    data["title"] = "Otro"
    assert client.post(review_url(pb, project, "/editar"), data=data).status_code == 400
    db.session.refresh(project)
    assert project.title == "Techado de la cancha"


def test_staff_set_the_place_of_a_project_and_a_point_outside_is_refused(
    client, staff, pb, project
):
    data = {
        "title": "Techado de cancha",
        "description": "Techar la cancha.",
        "category": "Deporte",
        "estimated_cost": "120,000",  # the staff form edits every field
        "zone": "",
        "location": "Unidad deportiva",
        "latitude": "20,6612",
        "longitude": "-103.3301",
    }
    edit = client.get(review_url(pb, project, "/editar")).get_data(as_text=True)
    assert 'id="latitude"' in edit and "data-place-picker" in edit
    assert client.post(review_url(pb, project, "/editar"), data=data).status_code == 302
    db.session.refresh(project)
    assert (project.location, project.latitude, project.longitude) == (
        "Unidad deportiva",
        20.6612,
        -103.3301,
    )
    outside = {**data, "latitude": "19.43", "longitude": "-99.13", "title": "Otro"}
    response = client.post(review_url(pb, project, "/editar"), data=outside)
    assert response.status_code == 400
    db.session.refresh(project)
    assert (project.title, project.latitude) == ("Techado de cancha", 20.6612)


def test_the_staff_list_shows_projects_per_ballot(client, staff, pb, project):
    page = client.get(f"/gestion/procesos/{pb.id}/proyectos/").get_data(as_text=True)
    assert "Norte" in page and "Techado de cancha" in page and "$120,000" in page
    review = client.get(review_url(pb, project)).get_data(as_text=True)
    assert 'name="decision"' in review and 'id="reason"' in review
    edit = client.get(review_url(pb, project, "/editar")).get_data(as_text=True)
    assert 'value="Techado de cancha"' in edit
    manage = client.get(f"/gestion/procesos/{pb.id}").get_data(as_text=True)
    assert f'href="/gestion/procesos/{pb.id}/proyectos/"' in manage
    assert f'href="/gestion/procesos/{pb.id}/proyectos/#import-h"' in manage


def test_a_project_of_another_process_is_not_found_for_staff(client, staff, make, project):
    other = make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO)
    assert client.get(review_url(other, project)).status_code == 404


def test_residents_cannot_reach_staff_pages(client, make, pb, project, colonias):
    urls = ["/", f"/{project.id}", f"/{project.id}/editar", f"/{project.id}/ejecucion"]
    base = f"/gestion/procesos/{pb.id}/proyectos"
    for url in urls:
        response = client.get(base + url)
        assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]
    login(client, make.user(Role.CITIZEN, colonia=colonias["Centro"]).email)
    for url in urls:
        assert client.get(base + url).status_code == 403
    data = {"decision": "feasible", "cost": "1000", "reason": "Viable"}
    assert client.post(base + f"/{project.id}", data=data).status_code == 403
    assert project.status is ProjectStatus.PROPOSED


# --- CSV import ------------------------------------------------------------------------------

CSV = (
    "title,description,category,estimated_cost,cost,colonia,location,feasible\n"
    'Banquetas,"Banquetas nuevas,\nen dos calles",Calles,"$90,000",,Centro,Calle 5,\n'
    "Luminarias,Luces LED,Alumbrado,50000,55000,lomas,,sí\n"
    "Bancas,Bancas en la plaza,Parques,20000,18000,,,no\n"
)


def import_csv(client, pb, ballot, content: bytes, name="proyectos.csv"):
    data = {"ballot_id": str(ballot.id), "file": (io.BytesIO(content), name)}
    return client.post(
        f"/gestion/procesos/{pb.id}/proyectos/importar",
        data=data,
        content_type="multipart/form-data",
    )


def imported() -> dict[str, PbProject]:
    return {p.title: p for p in db.session.execute(db.select(PbProject)).scalars()}


def test_staff_import_projects_and_reviewed_ones_go_on_the_ballot(
    client, staff, pb, norte, colonias
):
    response = import_csv(client, pb, norte, CSV.encode())
    assert response.status_code == 302
    found = imported()
    assert set(found) == {"Banquetas", "Luminarias", "Bancas"}
    assert found["Banquetas"].description == "Banquetas nuevas,\nen dos calles"
    assert (found["Banquetas"].estimated_cost, found["Banquetas"].colonia_id) == (
        90_000,
        colonias["Centro"].id,
    )
    assert (found["Luminarias"].status, found["Luminarias"].cost) == (
        ProjectStatus.FEASIBLE,
        55_000,
    )
    assert found["Luminarias"].colonia_id == colonias["Lomas"].id
    assert found["Bancas"].status is ProjectStatus.PROPOSED
    assert all(p.ballot_id == norte.id and p.author_id is None for p in found.values())
    (event,) = events("pb.project.import")
    assert json.loads(event.details) == {"rows": 3, "feasible": 1}


def test_an_excel_file_with_bom_and_semicolons_is_read(client, staff, pb, norte):
    content = "\ufefftítulo;descripción;categoría;costo_estimado;costo;factible\n"
    content += "Pozo de agua;Pozo nuevo;Agua;250000;240000;Sí\n"
    assert import_csv(client, pb, norte, content.encode("utf-8")).status_code == 302
    assert imported()["Pozo de agua"].status is ProjectStatus.FEASIBLE
    windows = "title;description;category;estimated_cost\nReparación;Señalética;Calles;1000\n"
    assert import_csv(client, pb, norte, windows.encode("cp1252")).status_code == 302
    assert imported()["Reparación"].description == "Señalética"


def test_one_bad_line_imports_nothing_and_names_the_lines(client, staff, pb, norte):
    content = CSV
    content += "Sin costo,Algo,Calles,,,,,\n"  # line 6 (line 3 spans two lines)
    content += "Muy caro,Algo,Calles,999999,,,,\n"  # above the amount
    content += "Lejos,Algo,Calles,1000,,Sauces,,\n"  # a colonia outside the zone
    content += "Sin costo revisado,Algo,Calles,1000,,,,sí\n"  # feasible needs a cost
    response = import_csv(client, pb, norte, content.encode())
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page
    assert "6 (costo_estimado), 7 (costo_estimado), 8 (colonia), 9 (factible)" in page
    assert imported() == {}
    assert events("pb.project.import") == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nombre,costo\nParque,100\n", "The first line must name the columns"),
        (b"title,description,category,estimated_cost\n", "The file has no projects"),
        (b"\x00\xff\xfe\x81\x8d", 'id="file-error"'),  # neither UTF-8 nor Windows-1252
    ],
)
def test_unusable_files_are_refused(client, staff, pb, norte, content, message):
    response = import_csv(client, pb, norte, content)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert imported() == {}


def test_no_import_once_voting_opens(client, staff, pb, norte):
    pb.status = ProcessStatus.OPEN
    db.session.commit()
    response = import_csv(client, pb, norte, CSV.encode())
    assert response.status_code == 400
    assert "Projects cannot change once voting has opened." in response.get_data(as_text=True)
    assert imported() == {}


def test_import_into_a_ballot_of_another_process_is_refused(client, staff, make, pb):
    other = make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO)
    ballot = PbBallot(process_id=other.id, name="Ajena", amount=1000)
    db.session.add(ballot)
    db.session.commit()
    assert import_csv(client, pb, ballot, CSV.encode()).status_code == 400
    assert imported() == {}
