"""Processes: staff create, edit, phase and move them through their lifecycle; the public reads."""

import json
from datetime import date

import pytest
from flask_babel import gettext
from markupsafe import escape

from participa.audit.models import AuditEvent
from participa.audit.verify import verify_chain
from participa.auth.models import Role
from participa.consultations.models import QuestionKind, Response
from participa.core import signals
from participa.extensions import db
from participa.processes import components as process_components
from participa.processes.models import Phase, Process
from participa.processes.types import COMPONENTS, Component, ProcessStatus, ProcessType, ScopeKind
from tests.factories import login

S = ProcessStatus


def msg(app, message: str, /, **values) -> str:
    """The message as the page shows it (translated if a catalogue exists, HTML-escaped)."""
    with app.test_request_context():
        return str(escape(gettext(message, **values)))


def count(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def audit_actions() -> list[str]:
    query = db.select(AuditEvent.action).order_by(AuditEvent.id)
    return list(db.session.execute(query).scalars())


def reload(process_id: int) -> Process:
    db.session.expire_all()
    return db.session.get(Process, process_id)


@pytest.fixture
def staff(client, make):
    user = make.user(Role.STAFF)
    login(client, user.email)
    return user


def new_process(client, **fields):
    data = {
        "type": ProcessType.CONSULTA.value,
        "title": "Consulta sobre el parque central",
        "description": "Qué hacer con el parque.",
        "scope": ScopeKind.MUNICIPALITY.value,
        "min_age": "",
    }
    return client.post("/gestion/procesos/nuevo", data={**data, **fields})


# --- creation ---------------------------------------------------------------------------


@pytest.mark.parametrize("process_type", list(ProcessType))
def test_each_mechanism_can_be_created_as_a_draft(client, staff, process_type):
    response = new_process(client, type=process_type.value, title=f"Proceso {process_type}")

    assert response.status_code == 302
    process = db.session.execute(db.select(Process)).scalar_one()
    assert response.headers["Location"].endswith(f"/gestion/procesos/{process.id}")
    assert process.type is process_type
    assert process.status is ProcessStatus.DRAFT
    assert process.created_by_id == staff.id
    assert process.components == COMPONENTS[process_type]
    # A process that decides something also gets its default rule (tests/eligibility).
    deciding = process_type in (ProcessType.CONSULTA, ProcessType.PRESUPUESTO)
    assert audit_actions() == ["process.create"] + ["eligibility.rule"] * deciding

    page = client.get(f"/gestion/procesos/{process.id}").get_data(as_text=True)
    builder_link = f"/gestion/procesos/{process.id}/cuestionario/"
    has_questionnaire = Component.QUESTIONNAIRE in COMPONENTS[process_type]
    assert (builder_link in page) is has_questionnaire
    builder = client.get(builder_link)
    assert builder.status_code == (200 if has_questionnaire else 404)
    # Proposals, events, findings and pledges each put their own panel on the staff page.
    panel_components = {Component.PROPOSALS, Component.EVENT, Component.FINDINGS, Component.PLEDGES}
    if panel_components & set(COMPONENTS[process_type]):
        assert process_components.manage_panels(process)


def test_creation_stores_scope_and_minimum_age(client, staff, make):
    colonias = make.territory()
    norte = colonias["Centro"].delegacion
    response = new_process(
        client, scope="delegaciones", delegacion_ids=[str(norte.id)], min_age="16"
    )
    assert response.status_code == 302
    process = db.session.execute(db.select(Process)).scalar_one()
    assert process.scope is ScopeKind.DELEGACIONES
    assert [d.name for d in process.delegaciones] == ["Norte"]
    assert process.colonias == []
    assert process.min_age == 16


def test_creation_with_colonias_scope(client, staff, make):
    colonias = make.territory()
    chosen = [str(colonias["Lomas"].id), str(colonias["Sauces"].id)]
    response = new_process(client, scope="colonias", colonia_ids=chosen)
    assert response.status_code == 302
    process = db.session.execute(db.select(Process)).scalar_one()
    assert [c.name for c in process.colonias] == ["Lomas", "Sauces"]


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        ("delegaciones", "Choose at least one delegación."),
        ("colonias", "Choose at least one colonia."),
    ],
)
def test_partial_scope_requires_a_selection(app, client, staff, make, scope, message):
    make.territory()
    response = new_process(client, scope=scope)
    assert response.status_code == 400
    assert msg(app, message) in response.get_data(as_text=True)
    assert count(Process) == 0
    assert count(AuditEvent) == 0


def test_title_too_short_is_refused(client, staff):
    response = new_process(client, title="abc")
    assert response.status_code == 400
    assert count(Process) == 0


# --- editing ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.PUBLISHED])
def test_edit_before_opening(client, staff, make, status):
    process = make.process(status, type=ProcessType.DEBATE, title="Título original")
    response = client.post(
        f"/gestion/procesos/{process.id}/editar",
        data={
            "type": ProcessType.DEBATE.value,
            "title": "Título corregido",
            "scope": "municipality",
            "min_age": "18",
        },
    )
    assert response.status_code == 302
    process = reload(process.id)
    assert (process.title, process.min_age, process.status) == ("Título corregido", 18, status)
    assert audit_actions() == ["process.update"]


@pytest.mark.parametrize("status", [S.OPEN, S.CLOSED, S.RESULTS_PUBLISHED, S.ARCHIVED])
def test_edit_refused_once_open(app, client, staff, make, status):
    process = make.process(status, title="Título original")
    response = client.post(
        f"/gestion/procesos/{process.id}/editar",
        data={
            "type": ProcessType.CONSULTA.value,
            "title": "Título cambiado",
            "scope": "municipality",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert msg(app, "A process can only be edited before participation opens.") in page
    assert reload(process.id).title == "Título original"
    assert count(AuditEvent) == 0


def test_edit_records_what_changed_before_and_after(client, staff, make):
    process = make.process(S.DRAFT, type=ProcessType.DEBATE, title="Título original")
    client.post(
        f"/gestion/procesos/{process.id}/editar",
        data={
            "type": ProcessType.DEBATE.value,
            "title": "Título corregido",
            "description": "Uno\r\n\r\nDos",
            "scope": "municipality",
            "min_age": "16",
        },
    )
    event = db.session.execute(db.select(AuditEvent)).scalars().one()
    changes = json.loads(event.details)["changes"]
    assert changes["title"] == ["Título original", "Título corregido"]
    assert changes["min_age"] == [None, 16]
    assert "scope" not in changes  # unchanged fields are not listed
    assert reload(process.id).description == "Uno\n\nDos"  # browsers send CRLF


def test_mechanism_cannot_change_once_announced(app, client, staff, make):
    process = make.process(S.PUBLISHED, type=ProcessType.ASAMBLEA, title="Asamblea")
    response = client.post(
        f"/gestion/procesos/{process.id}/editar",
        data={"type": ProcessType.CONSULTA.value, "title": "Asamblea", "scope": "municipality"},
    )
    assert response.status_code == 400
    assert msg(app, "The mechanism can only change while the process is a draft.") in (
        response.get_data(as_text=True)
    )
    assert reload(process.id).type is ProcessType.ASAMBLEA


def test_a_consultation_without_questions_cannot_open(client, staff, make):
    process = make.process(S.PUBLISHED)  # e.g. announced before its questions were removed
    client.post(f"/gestion/procesos/{process.id}/estado", data={"target": "open"})
    assert reload(process.id).status is S.PUBLISHED


def test_edit_form_shows_current_values(client, staff, make):
    make.territory()
    process = make.process(title="Consulta del mercado", min_age=15)
    page = client.get(f"/gestion/procesos/{process.id}/editar").get_data(as_text=True)
    assert 'value="Consulta del mercado"' in page
    assert 'value="15"' in page


# --- phases -----------------------------------------------------------------------------


def test_add_and_delete_a_phase(client, staff, make):
    process = make.process()
    response = client.post(
        f"/gestion/procesos/{process.id}/fases",
        data={
            "name": "Recepción de respuestas",
            "starts_on": "2025-03-01",
            "ends_on": "2025-03-31",
        },
    )
    assert response.status_code == 302
    phase = db.session.execute(db.select(Phase)).scalar_one()
    assert (phase.process_id, phase.name) == (process.id, "Recepción de respuestas")
    assert (phase.starts_on, phase.ends_on) == (date(2025, 3, 1), date(2025, 3, 31))
    assert "Recepción de respuestas" in client.get(f"/gestion/procesos/{process.id}").get_data(
        as_text=True
    )

    response = client.post(f"/gestion/procesos/{process.id}/fases/{phase.id}/borrar")
    assert response.status_code == 302
    assert count(Phase) == 0
    assert audit_actions() == ["phase.add", "phase.delete"]


def test_phase_ending_before_it_starts_is_refused(app, client, staff, make):
    process = make.process()
    response = client.post(
        f"/gestion/procesos/{process.id}/fases",
        data={"name": "Votación", "starts_on": "2025-03-10", "ends_on": "2025-03-09"},
    )
    assert response.status_code == 400
    assert msg(app, "A phase cannot end before it starts.") in response.get_data(as_text=True)
    assert count(Phase) == 0
    assert count(AuditEvent) == 0


def test_phase_with_a_malformed_date_is_refused(client, staff, make):
    process = make.process()
    response = client.post(
        f"/gestion/procesos/{process.id}/fases",
        data={"name": "Votación", "starts_on": "10/03/2025", "ends_on": "2025-03-20"},
    )
    assert response.status_code == 400
    assert count(Phase) == 0


def test_phase_of_another_process_cannot_be_deleted(client, staff, make):
    mine, other = make.process(), make.process(title="Otro proceso")
    phase = Phase(
        process_id=other.id, name="Fase ajena", starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 2)
    )
    db.session.add(phase)
    db.session.commit()
    response = client.post(f"/gestion/procesos/{mine.id}/fases/{phase.id}/borrar")
    assert response.status_code == 404
    assert count(Phase) == 1


# --- lifecycle --------------------------------------------------------------------------


def change(client, process, target):
    return client.post(
        f"/gestion/procesos/{process.id}/estado",
        data={"target": target.value},
        follow_redirects=True,
    )


def test_full_lifecycle_with_audit_trail(client, staff, make):
    process = make.consultation(S.DRAFT)
    path = [S.PUBLISHED, S.OPEN, S.CLOSED, S.RESULTS_PUBLISHED, S.ARCHIVED]
    before = S.DRAFT
    for n, target in enumerate(path, start=1):
        response = change(client, process, target)
        assert response.status_code == 200
        assert reload(process.id).status is target
        events = (
            db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "process.status"))
            .scalars()
            .all()
        )
        assert len(events) == n
        assert (events[-1].actor_id, events[-1].object_id) == (staff.id, str(process.id))
        assert before in events[-1].details and target in events[-1].details
        before = target
    assert verify_chain().first_broken_id is None


def test_process_without_questionnaire_publishes_without_questions(client, staff, make):
    process = make.process(type=ProcessType.ASAMBLEA)
    change(client, process, S.PUBLISHED)
    assert reload(process.id).status is S.PUBLISHED


def test_consultation_without_questions_cannot_be_published(app, client, staff, make):
    process = make.process()
    page = change(client, process, S.PUBLISHED).get_data(as_text=True)
    assert msg(app, "Add at least one question before publishing.") in page
    assert reload(process.id).status is S.DRAFT
    assert count(AuditEvent) == 0


def test_consultation_with_a_one_option_question_cannot_be_published(app, client, staff, make):
    process = make.process()
    make.question(process, QuestionKind.YES_NO, text="¿De acuerdo?")
    make.question(process, QuestionKind.SINGLE, ["Única"], text="¿Cuál colonia?")
    page = change(client, process, S.PUBLISHED).get_data(as_text=True)
    expected = msg(
        app, "The question “%(text)s” needs at least two options.", text="¿Cuál colonia?"
    )
    assert expected in page
    assert reload(process.id).status is S.DRAFT
    assert count(AuditEvent) == 0


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.DRAFT, S.OPEN),
        (S.DRAFT, S.CLOSED),
        (S.OPEN, S.RESULTS_PUBLISHED),
        (S.OPEN, S.PUBLISHED),
        (S.CLOSED, S.OPEN),
        (S.PUBLISHED, S.CLOSED),
        (S.ARCHIVED, S.RESULTS_PUBLISHED),
    ],
)
def test_skipped_or_backward_steps_are_refused(app, client, staff, make, start, target):
    process = make.consultation(start)
    page = change(client, process, target).get_data(as_text=True)
    assert msg(app, "That change of status is not possible now.") in page
    assert reload(process.id).status is start
    assert count(AuditEvent) == 0


def test_unknown_target_is_a_bad_request(client, staff, make):
    process = make.consultation(S.DRAFT)
    response = client.post(f"/gestion/procesos/{process.id}/estado", data={"target": "borrado"})
    assert response.status_code == 400
    assert reload(process.id).status is S.DRAFT


def test_back_to_draft_while_nobody_took_part(client, staff, make):
    process = make.consultation(S.PUBLISHED)
    change(client, process, S.DRAFT)
    assert reload(process.id).status is S.DRAFT
    assert audit_actions() == ["process.status"]


def test_back_to_draft_refused_once_a_response_exists(app, client, staff, make):
    process = make.consultation(S.PUBLISHED)
    db.session.add(Response(id="ab" * 16, process_id=process.id, receipt_hash="c" * 64))
    db.session.commit()
    page = change(client, process, S.DRAFT).get_data(as_text=True)
    assert msg(app, "People have already taken part; the process cannot go back.") in page
    assert reload(process.id).status is S.PUBLISHED
    assert count(AuditEvent) == 0


# --- public pages -----------------------------------------------------------------------


def test_draft_is_hidden_from_the_public(client, make):
    draft = make.process(title="Borrador secreto")
    assert client.get(f"/procesos/{draft.id}").status_code == 404
    citizen = make.user()
    login(client, citizen.email)
    assert client.get(f"/procesos/{draft.id}").status_code == 404
    assert "Borrador secreto" not in client.get("/procesos/").get_data(as_text=True)


def test_published_process_page_is_public(client, make):
    process = make.consultation(S.PUBLISHED, title="Consulta anunciada", description="Uno\n\nDos")
    page = client.get(f"/procesos/{process.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Consulta anunciada" in text
    assert "<p>Uno</p>" in text and "<p>Dos</p>" in text


def test_unknown_process_is_404(client):
    assert client.get("/procesos/9999").status_code == 404


def test_public_list_filters(client, make):
    titles = {status: f"Proceso en estado {status.value}" for status in S}
    for status, title in titles.items():
        make.process(status, title=title)

    def listed(query=""):
        page = client.get(f"/procesos/{query}").get_data(as_text=True)
        return {status for status, title in titles.items() if title in page}

    assert listed() == set(S) - {S.DRAFT}
    assert listed("?estado=abiertos") == {S.OPEN, S.PUBLISHED}
    assert listed("?estado=concluidos") == {S.CLOSED, S.RESULTS_PUBLISHED, S.ARCHIVED}
    assert listed("?estado=otra-cosa") == set(S) - {S.DRAFT}


# --- access -----------------------------------------------------------------------------

MANAGE_PAGES = [
    "/gestion/procesos/",
    "/gestion/procesos/nuevo",
    "/gestion/procesos/{id}",
    "/gestion/procesos/{id}/editar",
    "/gestion/procesos/{id}/cuestionario/",
]


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.COUNCIL])
def test_management_is_forbidden_to_citizens_and_council(client, make, role):
    process = make.process()
    user = make.user(role)
    login(client, user.email)
    for page in MANAGE_PAGES:
        assert client.get(page.format(id=process.id)).status_code == 403, page
    response = new_process(client)
    assert response.status_code == 403
    response = client.post(f"/gestion/procesos/{process.id}/estado", data={"target": "published"})
    assert response.status_code == 403
    assert count(Process) == 1
    assert reload(process.id).status is S.DRAFT


def test_management_redirects_anonymous_people_to_login(client, make):
    process = make.process()
    for page in MANAGE_PAGES:
        response = client.get(page.format(id=process.id))
        assert response.status_code == 302, page
        assert "/cuenta/entrar" in response.headers["Location"]
    assert new_process(client).status_code == 401
    assert count(Process) == 1


def test_admin_can_manage(client, make):
    admin = make.user(Role.ADMIN)
    login(client, admin.email)
    assert new_process(client).status_code == 302
    assert count(Process) == 1


def test_process_card_shows_the_current_phase_then_the_next_then_the_last(make):
    process = make.process(ProcessStatus.OPEN)
    process.phases = [
        Phase(name="Difusión", starts_on=date(2026, 1, 1), ends_on=date(2026, 1, 31)),
        Phase(name="Consulta", starts_on=date(2026, 2, 1), ends_on=date(2026, 2, 28)),
        Phase(
            name="Resultados",
            starts_on=date(2026, 3, 10),
            ends_on=date(2026, 3, 20),
            announces_results=True,
        ),
    ]
    assert process.phase_to_show(date(2026, 2, 10)).name == "Consulta"
    assert process.phase_to_show(date(2026, 3, 5)).name == "Resultados"
    assert process.phase_to_show(date(2025, 12, 1)).name == "Difusión"
    assert process.phase_to_show(date(2026, 6, 1)).name == "Resultados"
    process.phases = []
    assert process.phase_to_show(date(2026, 6, 1)) is None


def test_staff_text_in_readiness_messages_is_escaped(client, staff, make):
    process = make.process(S.DRAFT)
    make.question(process, QuestionKind.SINGLE, ["solo una"], text="<script>alert(1)</script>")
    page = client.get(f"/gestion/procesos/{process.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- the seam: domain events and scope ----------------------------------------------------


@pytest.fixture
def heard():
    """Every domain event about processes, as (signal name, sender id, keywords) in order."""
    events = []
    wanted = (signals.process_status_changed, signals.voting_opened, signals.results_published)

    def receiver(name):
        # The actor is read while the request runs (views pass the logged-in account).
        return lambda sender, **kw: events.append(
            (name, sender.id, {**kw, "actor": kw["actor"].id})
        )

    receivers = [(signal, receiver(signal.name)) for signal in wanted]
    for signal, function in receivers:
        signal.connect(function)
    yield events
    for signal, function in receivers:
        signal.disconnect(function)


def test_status_changes_are_announced_with_their_payload(client, staff, make, heard):
    process = make.consultation(S.PUBLISHED)
    change(client, process, S.OPEN)
    change(client, process, S.CLOSED)
    change(client, process, S.RESULTS_PUBLISHED)
    names = [(name, sender) for name, sender, _kw in heard]
    assert names == [
        ("process-status-changed", process.id),
        ("voting-opened", process.id),
        ("process-status-changed", process.id),
        ("process-status-changed", process.id),
        ("results-published", process.id),
    ]
    first = heard[0][2]
    assert (first["actor"], first["before"], first["after"]) == (staff.id, S.PUBLISHED, S.OPEN)


def test_a_refused_change_announces_nothing(client, staff, make, heard):
    process = make.process()  # a consultation without questions cannot be announced
    change(client, process, S.PUBLISHED)
    assert reload(process.id).status is S.DRAFT
    assert heard == []


@pytest.mark.parametrize(
    ("scope", "zones", "covered"),
    [
        (ScopeKind.MUNICIPALITY, (), {"Centro", "Lomas", "Sauces"}),
        (ScopeKind.DELEGACIONES, ("Norte",), {"Centro", "Lomas"}),
        (ScopeKind.COLONIAS, ("Lomas", "Sauces"), {"Lomas", "Sauces"}),
    ],
)
def test_a_process_covers_the_colonias_of_its_scope(make, scope, zones, covered):
    colonias = make.territory()
    process = make.process(scope=scope)
    if scope is ScopeKind.DELEGACIONES:
        norte_and_sur = {c.delegacion for c in colonias.values()}
        process.delegaciones = [d for d in norte_and_sur if d.name in zones]
    if scope is ScopeKind.COLONIAS:
        process.colonias = [colonias[name] for name in zones]
    db.session.commit()
    assert {name for name, c in colonias.items() if process.covers(c)} == covered


def test_a_debate_shows_its_questionnaire_before_its_events(app, client, make):
    process = make.consultation(S.PUBLISHED, type=ProcessType.DEBATE, title="Foro del agua")
    page = client.get(f"/procesos/{process.id}").get_data(as_text=True)
    announced = page.index(msg(app, "This consultation has been announced and will open soon."))
    assert announced < page.index('id="events-h"')


@pytest.mark.parametrize(
    ("kind", "status", "buttons", "not_shown"),
    [
        (
            ProcessType.PRESUPUESTO,
            S.PUBLISHED,
            ["Open voting", "Back to draft"],
            "Open participation",
        ),
        (ProcessType.PRESUPUESTO, S.OPEN, ["Close voting"], "Close participation"),
        (ProcessType.CONSULTA, S.PUBLISHED, ["Open the consultation"], "Open participation"),
        (ProcessType.INICIATIVA, S.OPEN, ["Close signature collection"], "Close participation"),
        (ProcessType.AUDIENCIA, S.PUBLISHED, ["Open participation"], "Open voting"),
        (ProcessType.PRESUPUESTO, S.CLOSED, ["Publish results"], "Results published<"),
    ],
)
def test_status_buttons_name_the_action_of_the_mechanism(
    app, client, staff, make, kind, status, buttons, not_shown
):
    process = make.process(status, type=kind)
    page = client.get(f"/gestion/procesos/{process.id}").get_data(as_text=True)
    shown = [b.split(">")[-1] for b in page.split("</button>")]
    for button in buttons:
        assert msg(app, button) in shown
    assert msg(app, not_shown) not in shown
    status_panel = page.split('id="status-heading"')[1].split("</section>")[0]
    primary = status_panel.count('<button type="submit" class="button">')
    assert primary == 1  # one primary action per step; going back is secondary
