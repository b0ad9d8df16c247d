"""Residents report event questions; enough distinct reports hide one until staff review it."""

import re

import pytest

from participa.audit.models import AuditEvent
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.events import questions
from participa.events.models import EventQuestion
from participa.extensions import db
from participa.moderation import services as moderation
from participa.moderation.models import Report, Visibility
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals.models import ProposalSettings
from tests.events.conftest import new_event
from tests.factories import PASSWORD, login


def ask(event, author, text="¿Cuándo arreglan el drenaje?"):
    return questions.ask(event, author, text, now=utcnow(), today=utcnow().date())


def url(event) -> str:
    return f"/procesos/{event.process_id}/eventos/{event.id}"


def reports() -> int:
    return len(db.session.execute(db.select(Report)).all())


def test_three_distinct_reports_hide_a_question_pending_review(app, event, residents):
    question = ask(event, residents[0])
    assert moderation.reports_needed(question) == app.config["REPORTS_TO_HIDE"] == 3
    assert moderation.report(residents[1], question, "Insulto", utcnow()) is False
    with pytest.raises(DomainError):
        moderation.report(residents[1], question, "", utcnow())  # once per person
    assert moderation.report(residents[2], question, "", utcnow()) is False
    assert moderation.report(residents[3], question, "", utcnow()) is True
    assert db.session.get(EventQuestion, question.id).visibility is Visibility.PENDING_REVIEW
    item = next(i for i in moderation.queue() if i.kind == "question")
    assert item.reports == 3 and item.reasons == ["Insulto"]
    assert item.link == f"{url(event)}#question-{question.id}"


def test_the_process_proposal_setting_is_the_threshold_when_stored(make, residents):
    process = make.process(ProcessStatus.OPEN, type=ProcessType.DEBATE, title="Debate")
    db.session.add(ProposalSettings(process_id=process.id, reports_to_hide=1))
    db.session.commit()
    question = ask(new_event(process), residents[0])
    assert moderation.report(residents[1], question, "", utcnow()) is True


def test_staff_restore_or_hide_a_question_audited(event, residents, staff_user):
    question = ask(event, residents[0])
    moderation.report(residents[1], question, "", utcnow())
    moderation.restore(staff_user, question)
    assert reports() == 0 and question.visibility is Visibility.VISIBLE
    with pytest.raises(DomainError):
        moderation.hide(staff_user, question, "  ")
    moderation.hide(staff_user, question, "Datos personales de un vecino")
    assert question.visibility is Visibility.HIDDEN
    actions = set(db.session.execute(db.select(AuditEvent.action)).scalars())
    assert {"moderation.question.restore", "moderation.question.hide"} <= actions


def test_the_event_page_reports_a_question_and_shows_the_placeholder(client, event, residents):
    question = ask(event, residents[0], "Pregunta ofensiva")
    login(client, residents[1].email)
    page = client.get(url(event)).get_data(as_text=True)
    action = f"{url(event)}/preguntas/{question.id}/denunciar"
    assert f'action="{action}"' in page
    too_long = client.post(action, data={"reason": "x" * 501})
    assert too_long.status_code == 400 and reports() == 0
    response = client.post(action, data={"reason": "Ofende"})
    assert response.status_code == 302 and reports() == 1
    again = client.post(action, data={"reason": "Otra vez"})
    assert again.status_code == 409 and "already reported" in again.get_data(as_text=True)
    question.visibility = Visibility.PENDING_REVIEW
    db.session.commit()
    page = client.get(url(event)).get_data(as_text=True)
    assert "hidden until the office reviews it" in page and "Pregunta ofensiva" not in page


def test_anonymous_visitors_cannot_report_and_residents_cannot_moderate(client, event, residents):
    question = ask(event, residents[0])
    action = f"{url(event)}/preguntas/{question.id}/denunciar"
    assert client.post(action).status_code == 302  # to the login page
    login(client, residents[1].email)
    assert client.post(f"/gestion/moderacion/preguntas/{question.id}/ocultar").status_code == 403
    assert client.get("/gestion/moderacion/").status_code == 403
    assert reports() == 0


def test_staff_hide_a_question_from_the_queue(client, event, residents, staff):
    question = ask(event, residents[0])
    moderation.report(residents[1], question, "", utcnow())
    page = client.get("/gestion/moderacion/").get_data(as_text=True)
    assert "Event question" in page and question.text in page
    bad = client.post(f"/gestion/moderacion/preguntas/{question.id}/ocultar", data={"reason": ""})
    assert bad.status_code == 400
    assert db.session.get(EventQuestion, question.id).visibility is Visibility.VISIBLE
    done = client.post(
        f"/gestion/moderacion/preguntas/{question.id}/ocultar", data={"reason": "Spam"}
    )
    assert done.status_code == 302
    assert db.session.get(EventQuestion, question.id).visibility is Visibility.HIDDEN


def test_reporting_needs_the_csrf_token(csrf_app, make):
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.AYUNTAMIENTO_ABIERTO)
    colonias = make.territory()
    author, reporter = (make.user(colonia=colonias["Centro"]) for _ in range(2))
    event = new_event(process)
    question = ask(event, author)
    client = csrf_app.test_client()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"email": reporter.email, "password": PASSWORD, "csrf_token": token.group(1)}
    client.post("/cuenta/entrar", data=data)
    action = f"{url(event)}/preguntas/{question.id}/denunciar"
    assert client.post(action, data={"reason": "x"}).status_code == 400
    assert reports() == 0
    page = client.get(url(event)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(action, data={"reason": "x", "csrf_token": token}).status_code == 302
    assert reports() == 1
