"""Staff follow the execution of funded PB projects; the public sees status and progress."""

import json

import pytest

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.budgets.models import (
    ExecutionStatus,
    PbBallot,
    PbOutcome,
    PbProject,
    ProjectStatus,
)
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from tests.factories import login


@pytest.fixture
def counted(make):
    """A PB process with published results: "Parque" funded, "Puente" feasible but not."""
    process = make.process(
        ProcessStatus.RESULTS_PUBLISHED, type=ProcessType.PRESUPUESTO, title="PP 2026"
    )
    ballot = PbBallot(process_id=process.id, name="Municipio", amount=500_000, max_choices=2)
    db.session.add(ballot)
    db.session.flush()
    projects = {
        title: PbProject(
            ballot_id=ballot.id,
            title=title,
            estimated_cost=cost,
            cost=cost,
            status=ProjectStatus.FEASIBLE,
        )
        for title, cost in (("Parque", 300_000), ("Puente", 400_000))
    }
    db.session.add_all(projects.values())
    db.session.flush()
    ballot.outcome = PbOutcome(
        rule="greedy", winners=json.dumps([projects["Parque"].id]), published=True
    )
    db.session.commit()
    return process, projects


@pytest.fixture
def staff(client, make):
    login(client, make.user(Role.STAFF).email)


def url(process, project) -> str:
    return f"/gestion/procesos/{process.id}/proyectos/{project.id}/ejecucion"


def events() -> list[AuditEvent]:
    query = db.select(AuditEvent).where(AuditEvent.action == "pb.project.execution")
    return list(db.session.execute(query).scalars())


def test_staff_record_the_progress_of_a_funded_project_and_the_public_sees_it(
    client, staff, counted
):
    process, projects = counted
    parque = projects["Parque"]
    manage = client.get(f"/gestion/procesos/{process.id}/proyectos/").get_data(as_text=True)
    assert f'href="{url(process, parque)}"' in manage
    assert f'href="{url(process, projects["Puente"])}"' not in manage
    assert 'name="progress"' in client.get(url(process, parque)).get_data(as_text=True)
    data = {"execution_status": "in_progress", "progress": "40", "execution_note": "Obra negra."}
    assert client.post(url(process, parque), data=data).status_code == 302
    db.session.refresh(parque)
    assert (parque.execution_status, parque.progress, parque.execution_note) == (
        ExecutionStatus.IN_PROGRESS,
        40,
        "Obra negra.",
    )
    (event,) = events()
    assert json.loads(event.details) == {
        "status": "in_progress",
        "progress": 40,
        "note": "Obra negra.",
    }

    detail = client.get(f"/procesos/{process.id}/proyectos/{parque.id}").get_data(as_text=True)
    assert '<progress id="progress-' in detail and 'value="40"' in detail
    assert "40% done" in detail and "Obra negra." in detail
    listing = client.get(f"/procesos/{process.id}/proyectos/").get_data(as_text=True)
    assert 'value="40"' in listing
    puente = client.get(f"/procesos/{process.id}/proyectos/{projects['Puente'].id}")
    assert "was not funded" in puente.get_data(as_text=True)


def test_a_project_that_was_not_funded_has_no_execution(client, staff, counted):
    process, projects = counted
    puente = projects["Puente"]
    assert "Only projects funded" in client.get(url(process, puente)).get_data(as_text=True)
    data = {"execution_status": "in_progress", "progress": "10", "execution_note": ""}
    response = client.post(url(process, puente), data=data)
    assert response.status_code == 400
    db.session.refresh(puente)
    assert (puente.execution_status, puente.progress) == (ExecutionStatus.NOT_STARTED, 0)
    assert events() == []


def test_nothing_is_funded_while_the_result_is_unpublished(client, staff, counted):
    process, projects = counted
    projects["Parque"].ballot.outcome.published = False
    db.session.commit()
    data = {"execution_status": "in_progress", "progress": "10", "execution_note": ""}
    assert client.post(url(process, projects["Parque"]), data=data).status_code == 400
    assert projects["Parque"].progress == 0
    page = client.get(f"/procesos/{process.id}/proyectos/{projects['Parque'].id}")
    assert "<progress" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"execution_status": "in_progress", "progress": "150"}, "progress"),
        ({"execution_status": "in_progress", "progress": "-1"}, "progress"),
        ({"execution_status": "in_progress", "progress": ""}, "progress"),
        ({"execution_status": "done", "progress": "60"}, "progress"),
        ({"execution_status": "paused", "progress": "60"}, "execution_status"),
        (
            {"execution_status": "in_progress", "progress": "5", "execution_note": "x" * 501},
            "execution_note",
        ),
    ],
)
def test_bad_execution_data_is_refused_beside_the_field(client, staff, counted, data, field):
    process, projects = counted
    response = client.post(url(process, projects["Parque"]), data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert projects["Parque"].progress == 0
    assert events() == []


def test_execution_is_for_staff_only(client, make, counted):
    process, projects = counted
    response = client.get(url(process, projects["Parque"]))
    assert response.status_code == 302 and "/cuenta/entrar" in response.headers["Location"]
    login(client, make.user(Role.COUNCIL).email)
    data = {"execution_status": "done", "progress": "100"}
    assert client.post(url(process, projects["Parque"]), data=data).status_code == 403
    assert projects["Parque"].progress == 0
