"""Oversight pages: the public work page, filing findings, staff answers and moderation."""

import io
import re
from datetime import UTC, datetime

import pytest

from participa.extensions import db
from participa.oversight import findings
from participa.oversight.models import Finding, FindingStatus, WatchedWork
from participa.processes.types import ProcessStatus, ProcessType
from tests.factories import PASSWORD
from tests.oversight.conftest import jpeg

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


def work_url(world, suffix=""):
    return f"/procesos/{world.audit.id}/obras/{world.work.id}{suffix}"


def manage_url(world, suffix=""):
    return f"/gestion/procesos/{world.audit.id}{suffix}"


def add_finding(world, title="Bache en la esquina", text="Un bache grande.", **fields):
    finding = Finding(work_id=world.work.id, author_id=world.resident.id, title=title, text=text)
    for key, value in fields.items():
        setattr(finding, key, value)
    db.session.add(finding)
    db.session.commit()
    return finding


def form(**overrides):
    data = {"title": "Banqueta rota", "text": "Frente a la escuela.", "location": "Hidalgo 45"}
    return {**data, **overrides}


def count() -> int:
    return len(db.session.execute(db.select(Finding)).scalars().all())


def test_process_page_lists_works_with_counts(world, client):
    add_finding(world)
    page = client.get(f"/procesos/{world.audit.id}").get_data(as_text=True)
    assert "Pavimentación de la calle Hidalgo" in page and "Programa de becas" in page
    assert work_url(world) in page
    assert "1 hallazgo" in page


def test_work_page_shows_findings_answers_and_filters(world, client):
    answered = add_finding(world, title="Obra detenida")
    add_finding(world, title="Bache en la esquina")
    findings.answer_finding(world.staff, answered, "Se reanuda el lunes.", NOW)
    findings.answer_finding(world.staff, answered, "Se reanudó el martes.", NOW)
    page = client.get(work_url(world)).get_data(as_text=True)
    assert page.index("Bache en la esquina") < page.index("Obra detenida")  # newest first
    assert "Se reanudó el martes." in page and "Se reanuda el lunes." in page
    assert "$1,200,000" in page
    only = client.get(work_url(world, "?estado=answered")).get_data(as_text=True)
    assert "Obra detenida" in only and "Bache en la esquina" not in only
    assert client.get(work_url(world, "?estado=<x>")).status_code == 200


def test_script_in_text_is_shown_as_text(world, client):
    add_finding(world, text="<script>alert('x')</script> **grave**")
    page = client.get(work_url(world)).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page and "<strong>grave</strong>" in page


def test_hidden_finding_and_its_photo_are_not_public(world, client, as_user):
    as_user(world.resident).post(
        work_url(world, "/hallazgo"),
        data={**form(title="Insulto"), "photos": [(io.BytesIO(jpeg()), "a.jpg")]},
    )
    finding = db.session.execute(db.select(Finding)).scalar_one()
    photo = work_url(world, f"/fotos/{finding.photos[0].name}")
    assert client.get(photo).status_code == 200
    findings.hide_finding(world.staff, finding, "Insultos", NOW)
    assert "Insulto" not in client.get(work_url(world)).get_data(as_text=True)
    assert client.get(photo).status_code == 404
    assert as_user(world.staff).get(photo).status_code == 200  # staff still see it


def test_draft_process_and_foreign_work_are_404(world, client, make):
    world.audit.status = ProcessStatus.DRAFT
    db.session.commit()
    assert client.get(work_url(world)).status_code == 404
    assert client.get(f"/procesos/{world.collab.id}/obras/{world.work.id}").status_code == 404


def test_resident_files_a_finding_with_photos(world, as_user):
    client = as_user(world.resident)
    assert client.get(work_url(world, "/hallazgo")).status_code == 200
    photos = [(io.BytesIO(jpeg()), "uno.jpg"), (io.BytesIO(jpeg(color="blue")), "dos.png")]
    response = client.post(
        work_url(world, "/hallazgo"),
        data={**form(latitude="20,66", longitude="-103.35"), "photos": photos},
    )
    assert response.status_code == 302 and response.location.endswith(work_url(world))
    finding = db.session.execute(db.select(Finding)).scalar_one()
    assert (finding.latitude, len(finding.photos)) == (20.66, 2)
    page = client.get(work_url(world)).get_data(as_text=True)
    assert "Banqueta rota" in page and finding.photos[0].name in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form(title=""), "obligatorio"),
        (form(latitude="20.6", longitude=""), "la latitud y la longitud"),
        (form(latitude="91", longitude="-103"), "fuera del municipio"),
        (form(latitude="abc", longitude="-103"), "grados decimales"),
        (form(text="x" * 4001), "4000"),
    ],
)
def test_bad_finding_is_400_with_message_and_no_change(world, as_user, data, message):
    response = as_user(world.resident).post(work_url(world, "/hallazgo"), data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((io.BytesIO(b"<script>alert(1)</script>"), "foto.jpg"), "no es una foto"),
        ((io.BytesIO(b"\xff\xd8" + b"0" * (5 * 1024 * 1024 + 1)), "big.jpg"), "5 MB"),
    ],
)
def test_bad_photo_is_400_and_leaves_no_row_and_no_file(world, as_user, upload, message):
    response = as_user(world.resident).post(
        work_url(world, "/hallazgo"),
        data={**form(), "photos": [(io.BytesIO(jpeg()), "ok.jpg"), upload]},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count() == 0
    assert not world.folder.exists() or not list(world.folder.iterdir())


def test_anonymous_is_sent_to_log_in_and_ineligible_people_are_told_why(world, client, as_user):
    response = client.get(work_url(world, "/hallazgo"))
    assert response.status_code == 302 and "/cuenta/entrar" in response.location
    staff = as_user(world.staff)
    assert "CURP" in staff.get(work_url(world, "/hallazgo")).get_data(as_text=True)
    assert staff.post(work_url(world, "/hallazgo"), data=form()).status_code == 409
    assert count() == 0


def test_staff_create_and_edit_a_work(world, as_user):
    client = as_user(world.staff)
    response = client.post(
        manage_url(world, "/obras/nueva"),
        data={"kind": "work", "name": "Drenaje en Lomas", "budget": "$350,000", "colonia_id": ""},
    )
    assert response.status_code == 302
    work = db.session.execute(
        db.select(WatchedWork).where(WatchedWork.name == "Drenaje en Lomas")
    ).scalar_one()
    assert work.budget == 350_000
    assert "Drenaje en Lomas" in client.get(f"/gestion/procesos/{world.audit.id}").get_data(
        as_text=True
    )
    bad = client.post(
        manage_url(world, f"/obras/{work.id}/editar"), data={"kind": "work", "name": ""}
    )
    assert bad.status_code == 400
    db.session.refresh(work)
    assert work.name == "Drenaje en Lomas"


def test_staff_answer_amend_status_and_hide(world, as_user):
    finding = add_finding(world)
    client = as_user(world.staff)
    base = manage_url(world, f"/hallazgos/{finding.id}")
    assert "Bache en la esquina" in client.get(manage_url(world, "/hallazgos/")).get_data(
        as_text=True
    )
    assert client.post(base + "/estado", data={"status": "in_review"}).status_code == 302
    assert client.post(base + "/respuesta", data={"text": "Primera"}).status_code == 302
    assert client.post(base + "/respuesta", data={"text": "Corregida"}).status_code == 302
    db.session.expire_all()
    assert [a.text for a in finding.answers] == ["Corregida", "Primera"]
    assert client.post(base + "/respuesta", data={"text": ""}).status_code == 400
    bad = client.post(base + "/estado", data={"status": "not_applicable", "reason": ""})
    assert bad.status_code == 400 and "no aplica" in bad.get_data(as_text=True)
    assert client.post(base + "/ocultar", data={"reason": "Abuso"}).status_code == 302
    db.session.expire_all()
    assert finding.hidden_reason == "Abuso" and finding.status is FindingStatus.ANSWERED


def test_residents_cannot_reach_staff_pages(world, as_user):
    finding = add_finding(world)
    client = as_user(world.resident)
    assert client.get(manage_url(world, "/hallazgos/")).status_code == 403
    assert (
        client.post(
            manage_url(world, f"/hallazgos/{finding.id}/ocultar"), data={"reason": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            manage_url(world, "/obras/nueva"), data={"kind": "work", "name": "X"}
        ).status_code
        == 403
    )
    db.session.expire_all()
    assert finding.hidden_at is None


def token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def test_with_csrf_a_finding_needs_the_token(csrf_app, make, tmp_path):
    csrf_app.instance_path = str(tmp_path)
    colonias = make.territory()
    resident = make.user(colonia=colonias["Centro"])
    process = make.process(ProcessStatus.OPEN, ProcessType.AUDITORIA)
    work = WatchedWork(process_id=process.id, name="Obra")
    db.session.add(work)
    db.session.commit()
    client = csrf_app.test_client()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    login_data = {"email": resident.email, "password": PASSWORD, "csrf_token": token(page)}
    assert client.post("/cuenta/entrar", data=login_data).status_code == 302
    url = f"/procesos/{process.id}/obras/{work.id}/hallazgo"
    assert client.post(url, data=form()).status_code == 400
    assert count() == 0
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={**form(), "csrf_token": token(page)}).status_code == 302
    assert count() == 1


def test_staff_process_page_has_the_works_panel(world, as_user):
    client = as_user(world.staff)
    audit = client.get(f"/gestion/procesos/{world.audit.id}").get_data(as_text=True)
    assert "Pavimentación de la calle Hidalgo" in audit and "/hallazgos/" in audit
    collab = client.get(f"/gestion/procesos/{world.collab.id}").get_data(as_text=True)
    assert "Techado de la cancha de Lomas" in collab and "/aportaciones/nueva" in collab
    assert collab.index("Techado de la cancha de Lomas") < collab.index("/aportaciones/nueva")


def test_a_process_without_works_cannot_be_published(world, make, as_user):
    draft = make.process(ProcessStatus.DRAFT, ProcessType.AUDITORIA)
    client = as_user(world.staff)
    page = client.get(f"/gestion/procesos/{draft.id}").get_data(as_text=True)
    assert "Agrega al menos una obra" in page
    client.post(f"/gestion/procesos/{draft.id}/estado", data={"target": "published"})
    db.session.refresh(draft)
    assert draft.status is ProcessStatus.DRAFT
    world.audit.status = ProcessStatus.OPEN  # closing is never blocked by the works
    assert (
        client.post(
            f"/gestion/procesos/{world.audit.id}/estado", data={"target": "closed"}
        ).status_code
        == 302
    )


def test_a_work_can_follow_a_pb_project(world, make, as_user):
    from participa.budgets.models import PbBallot, PbProject, ProjectStatus

    pb = make.process(ProcessStatus.OPEN, ProcessType.PRESUPUESTO, title="PB")
    ballot = PbBallot(process_id=pb.id, name="Todo", amount=1_000_000)
    project = PbProject(title="Parque", estimated_cost=10, cost=10, status=ProjectStatus.FEASIBLE)
    ballot.projects = [project]
    db.session.add(ballot)
    db.session.commit()
    client = as_user(world.staff)
    url = manage_url(world, f"/obras/{world.work.id}/editar")
    assert "Parque (PB)" in client.get(url).get_data(as_text=True)
    data = {"kind": "work", "name": world.work.name, "pb_project_id": str(project.id)}
    assert client.post(url, data=data).status_code == 302
    page = client.get(work_url(world)).get_data(as_text=True)
    assert f"/procesos/{pb.id}/proyectos/{project.id}" in page
