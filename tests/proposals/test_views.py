"""Proposal pages through the client: list, writing, supports, bad input, access, staff."""

import io
import re

import pytest

from participa.comments.models import Comment
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.proposals import answers, supports
from participa.proposals.models import Proposal, ProposalStatus, Support
from tests.factories import login
from tests.proposals.helpers import PDF, TODAY, jpeg_bytes


def base(process) -> str:
    return f"/procesos/{process.id}/propuestas"


def form(kit, **fields) -> dict:
    values = {
        "title": "Más luminarias",
        "body": "Luz en la calle **Hidalgo**.",
        "category": "Obras",
        "colonia_id": str(kit.colonias["Centro"].id),
    }
    return {**values, **fields}


def test_a_resident_writes_a_proposal_through_the_form(kit, client):
    process = kit.initiative()
    resident = kit.resident()
    login(client, resident.email)
    assert client.get(f"{base(process)}/nueva").status_code == 200
    files = {
        "attachments": [(io.BytesIO(jpeg_bytes()), "foto.jpg"), (io.BytesIO(PDF), "plano.pdf")]
    }
    response = client.post(f"{base(process)}/nueva", data={**form(kit), **files})
    assert response.status_code == 302
    proposal = db.session.execute(db.select(Proposal)).scalar_one()
    page = client.get(response.location).get_data(as_text=True)
    assert "<strong>Hidalgo</strong>" in page and "0 of 3 supports" in page
    pdf = next(a for a in proposal.attachments if a.kind.value == "pdf")
    served = client.get(f"{base(process)}/adjuntos/{pdf.file_name}")
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.data == PDF


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ((io.BytesIO(b"<?php echo 1; ?>"), "shell.php"), "cannot be attached"),
        ((io.BytesIO(b"%PDF-" + b"0" * (5 * 1024 * 1024 + 10)), "big.pdf"), "at most 5 MB"),
    ],
)
def test_bad_uploads_get_a_message_and_change_nothing(kit, client, upload, message):
    process = kit.initiative()
    login(client, kit.resident().email)
    response = client.post(f"{base(process)}/nueva", data={**form(kit), "attachments": [upload]})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.execute(db.select(Proposal)).first() is None
    assert not kit.folder().exists() or not any(kit.folder().iterdir())


def test_script_in_the_text_is_never_run(kit, client):
    process = kit.initiative()
    login(client, kit.resident().email)
    body = "Hola <script>alert('x')</script> [clic](javascript:alert(1))"
    response = client.post(f"{base(process)}/nueva", data=form(kit, body=body, title="<b>Hola</b>"))
    page = client.get(response.location).get_data(as_text=True)
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;Hola&lt;/b&gt;" in page


def test_list_filters_search_and_sort(kit, client):
    process = kit.initiative(threshold=10)
    low = kit.proposal(process, title="Bancas 100%_seguras", category="Obras")
    high = kit.proposal(
        process,
        title="Patrulla nocturna",
        category="Seguridad",
        colonia_id=kit.colonias["Sauces"].id,
    )
    for name in ("Centro", "Lomas"):
        supports.support(high, kit.resident(name), now=utcnow(), today=TODAY)
    page = lambda query: client.get(f"{base(process)}/?{query}").get_data(as_text=True)  # noqa: E731
    assert "Bancas" in page("q=100%25_") and "Patrulla" not in page("q=100%25_")
    assert "Patrulla" not in page("q=%25")  # % is a literal, not a wildcard
    assert "Bancas" in page("q=%25")
    assert "Patrulla" in page("categoria=Seguridad") and "Bancas" not in page("categoria=Seguridad")
    sauces = kit.colonias["Sauces"]
    assert "Bancas" not in page(f"zona=c{sauces.id}") and "Patrulla" in page(f"zona=c{sauces.id}")
    assert "Bancas" not in page(f"zona=d{sauces.delegacion_id}")
    by_support = page("orden=apoyos")
    assert by_support.index("Patrulla") < by_support.index("Bancas")
    newest = page("orden=recientes")
    assert newest.index("Patrulla") < newest.index("Bancas")  # both new; the later first
    assert low.id < high.id


def test_pending_proposals_are_seen_only_by_their_author_and_staff(kit, client):
    from participa.proposals.models import ModerationMode

    process = kit.initiative(moderation=ModerationMode.APPROVAL)
    author = kit.resident()
    proposal = kit.proposal(process, author=author)
    url = f"{base(process)}/{proposal.id}"
    assert client.get(url).status_code == 404
    assert "Semáforo" not in client.get(f"{base(process)}/").get_data(as_text=True)
    login(client, author.email)
    assert client.get(url).status_code == 200
    assert "Semáforo" in client.get(f"{base(process)}/?mias=1").get_data(as_text=True)


def test_support_button_and_double_support(kit, client):
    process = kit.initiative()
    proposal = kit.proposal(process)
    resident = kit.resident()
    login(client, resident.email)
    url = f"{base(process)}/{proposal.id}"
    assert "Support this proposal" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/apoyar").status_code == 302
    assert "1 of 3 supports" in client.get(url).get_data(as_text=True)
    again = client.post(f"{url}/apoyar")
    assert again.status_code == 409
    assert "already supported" in again.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Support.id))).scalar_one() == 1


def test_no_support_on_a_closed_process_or_an_answered_proposal(kit, client):
    process = kit.initiative()
    proposal = kit.proposal(process)
    answered = kit.proposal(process, title="Otra")
    answers.answer(kit.staff(), answered, ProposalStatus.REJECTED, "No procede.", utcnow())
    login(client, kit.resident().email)
    response = client.post(f"{base(process)}/{answered.id}/apoyar")
    assert response.status_code == 400 and "not collecting supports" in response.get_data(
        as_text=True
    )
    process.status = ProcessStatus.CLOSED
    db.session.commit()
    response = client.post(f"{base(process)}/{proposal.id}/apoyar")
    assert response.status_code == 400 and "only while the process is open" in response.get_data(
        as_text=True
    )
    assert db.session.execute(db.select(Support)).first() is None


@pytest.mark.parametrize("status", [ProcessStatus.CLOSED, ProcessStatus.ARCHIVED])
def test_no_comments_unless_the_process_is_open(kit, client, status):
    process = kit.initiative()
    proposal = kit.proposal(process)
    login(client, kit.resident().email)
    url = f"{base(process)}/{proposal.id}"
    assert "Publish comment" in client.get(url).get_data(as_text=True)
    process.status = status
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Publish comment" not in page and "Comments are closed" in page
    response = client.post(f"{url}/comentarios", data={"body": "Tarde"})
    assert response.status_code == 409
    assert "Comments are closed" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Comment)).first() is None


def test_support_needs_the_csrf_token(kit, csrf_app):
    process = kit.initiative()
    proposal = kit.proposal(process)
    resident = kit.resident()
    client = csrf_app.test_client()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    client.post(
        "/cuenta/entrar",
        data={
            "email": resident.email,
            "password": "contraseña-segura",
            "csrf_token": token.group(1),
        },
    )
    url = f"{base(process)}/{proposal.id}"
    assert client.post(f"{url}/apoyar").status_code == 400
    assert db.session.execute(db.select(Support)).first() is None
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"{url}/apoyar", data={"csrf_token": token}).status_code == 302
    assert db.session.execute(db.select(Support)).scalar_one().user_id == resident.id


def test_a_resident_cannot_edit_another_ones_proposal_or_reach_staff_pages(kit, client):
    process = kit.initiative()
    proposal = kit.proposal(process)
    other = kit.resident()
    login(client, other.email)
    assert client.get(f"{base(process)}/{proposal.id}/editar").status_code == 403
    assert client.post(f"{base(process)}/{proposal.id}/editar", data=form(kit)).status_code == 403
    for path in (
        f"/gestion/procesos/{process.id}/propuestas/",
        f"/gestion/procesos/{process.id}/propuestas/ajustes",
        "/gestion/moderacion/",
    ):
        assert client.get(path).status_code == 403, path
    response = client.post(
        f"/gestion/procesos/{process.id}/propuestas/{proposal.id}/responder",
        data={"status": "accepted", "text": "Sí"},
    )
    assert response.status_code == 403
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.PUBLISHED


def test_the_author_edits_while_nobody_supported_it(kit, client):
    process = kit.initiative()
    author = kit.resident()
    proposal = kit.proposal(process, author=author)
    login(client, author.email)
    response = client.post(f"{base(process)}/{proposal.id}/editar", data=form(kit, title="Nuevo"))
    assert response.status_code == 302
    assert db.session.get(Proposal, proposal.id).title == "Nuevo"
    bad = client.post(f"{base(process)}/{proposal.id}/editar", data=form(kit, title=""))
    assert bad.status_code == 400 and db.session.get(Proposal, proposal.id).title == "Nuevo"


def test_with_approval_the_edit_page_warns_and_the_edit_waits_again(kit, client):
    from participa.proposals.models import ModerationMode

    process = kit.initiative(moderation=ModerationMode.APPROVAL)
    author = kit.resident()
    proposal = kit.proposal(process, author=author)
    answers.approve(kit.staff(), proposal)
    login(client, author.email)
    page = client.get(f"{base(process)}/{proposal.id}/editar").get_data(as_text=True)
    assert "goes back to staff for approval" in page
    response = client.post(f"{base(process)}/{proposal.id}/editar", data=form(kit, title="Nuevo"))
    assert response.status_code == 302
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.PENDING


def test_staff_answer_settings_and_panels(kit, client):
    process = kit.initiative()
    proposal = kit.proposal(process)
    staff = kit.staff()
    login(client, staff.email)
    manage = client.get(f"/gestion/procesos/{process.id}").get_data(as_text=True)
    assert "Proposal settings" in manage
    root = f"/gestion/procesos/{process.id}/propuestas"
    for path in ("/", "/ajustes", f"/{proposal.id}"):
        assert client.get(f"{root}{path}").status_code == 200, path
    bad = client.post(f"{root}/{proposal.id}/responder", data={"status": "accepted", "text": ""})
    assert bad.status_code == 400
    ok = client.post(f"{root}/{proposal.id}/responder", data={"status": "accepted", "text": "Va."})
    assert ok.status_code == 302
    assert db.session.get(Proposal, proposal.id).status is ProposalStatus.ACCEPTED
    settings = {
        "moderation": "approval",
        "threshold_kind": "number",
        "threshold_number": "0",
        "reports_to_hide": "2",
        "categories": "Obras",
    }
    assert client.post(f"{root}/ajustes", data=settings).status_code == 400
    settings["threshold_number"] = "7"
    assert client.post(f"{root}/ajustes", data=settings).status_code == 302
    assert supports.threshold(process) == 7
    public = client.get(f"/procesos/{process.id}").get_data(as_text=True)
    assert "See the proposals" in public


def test_conversion_through_the_staff_page_links_both_ways(kit, client):
    from participa.budgets.models import BallotRule, PbBallot, PbProject
    from participa.processes.types import ProcessType

    process = kit.initiative()
    proposal = kit.proposal(process)
    pb = kit.make.process(ProcessStatus.PUBLISHED, type=ProcessType.PRESUPUESTO, title="PB 2027")
    ballot = PbBallot(process_id=pb.id, name="Municipio", amount=900_000, rule=BallotRule.APPROVAL)
    db.session.add(ballot)
    db.session.commit()
    staff = kit.staff()
    answers.answer(staff, proposal, ProposalStatus.ACCEPTED, "Sí.", utcnow())
    login(client, staff.email)
    url = f"/gestion/procesos/{process.id}/propuestas/{proposal.id}"
    assert "PB 2027 · Municipio" in client.get(url).get_data(as_text=True)
    data = {"ballot_id": str(ballot.id), "estimated_cost": "$120,000", "text": "Al PB."}
    bad = client.post(f"{url}/convertir", data={**data, "estimated_cost": "mucho"})
    assert bad.status_code == 400 and db.session.execute(db.select(PbProject)).first() is None
    assert client.post(f"{url}/convertir", data=data).status_code == 302
    project = db.session.execute(db.select(PbProject)).scalar_one()
    assert project.estimated_cost == 120_000
    page = client.get(f"/procesos/{pb.id}/proyectos/{project.id}").get_data(as_text=True)
    assert "This project came from the proposal" in page and proposal.title in page
    public = client.get(f"{base(process)}/{proposal.id}").get_data(as_text=True)
    assert f"/procesos/{pb.id}/proyectos/{project.id}" in public


def test_a_request_over_the_size_limit_gets_the_413_page_and_stores_nothing(kit, client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    process = kit.initiative()
    login(client, kit.resident().email)
    big = (io.BytesIO(b"%PDF-" + b"0" * (2 * 1024 * 1024)), "big.pdf")
    response = client.post(f"{base(process)}/nueva", data={**form(kit), "attachments": [big]})
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Proposal)).first() is None


def test_the_support_deadline_is_written_as_a_spanish_date(kit, client, app):
    from datetime import date

    app.config["BABEL_DEFAULT_LOCALE"] = "es_MX"
    process = kit.initiative(support_deadline=date(2026, 3, 1))
    proposal = kit.proposal(process)
    login(client, kit.resident().email)
    response = client.post(f"{base(process)}/{proposal.id}/apoyar")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "1 de marzo de 2026" in page and "2026-03-01" not in page
