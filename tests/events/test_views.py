"""Event pages through the interface: residents register, ask and support; staff run the event."""

import re
from datetime import date

import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.core.timeutil import utcnow
from participa.events import attendance, questions, records, registration
from participa.events.models import (
    Attendance,
    Event,
    EventAgreement,
    EventQuestion,
    HandVote,
    Minutes,
    QuestionSupport,
    Registration,
    RegistrationStatus,
)
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from tests.events.conftest import new_event, say
from tests.factories import curp_for, login

TODAY = date.today()


def url(event, page="") -> str:
    return f"/procesos/{event.process_id}/eventos/{event.id}" + (f"/{page}" if page else "")


def staff_url(event, page="") -> str:
    return f"/gestion/procesos/{event.process_id}/eventos/{event.id}" + (f"/{page}" if page else "")


def count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def text(response) -> str:
    return response.get_data(as_text=True)


# --- Public pages -------------------------------------------------------------------------


def test_process_page_lists_events_with_seats_left(client, process, event, residents):
    registration.register(event.id, residents[0], now=utcnow(), today=TODAY)
    page = text(client.get(f"/procesos/{process.id}"))
    assert event.title in page and url(event) in page
    assert (
        say("%(num)s seat left of %(total)s", "%(num)s seats left of %(total)s", 1, total=2) in page
    )


def test_draft_process_events_are_not_public(client, make):
    draft = make.process(ProcessStatus.DRAFT, type=ProcessType.ASAMBLEA)
    event = new_event(draft)
    assert client.get(url(event)).status_code == 404


def test_event_of_another_process_is_404(client, process, make, event):
    other = make.process(ProcessStatus.PUBLISHED, type=process.type, title="Otro")
    assert client.get(f"/procesos/{other.id}/eventos/{event.id}").status_code == 404


def test_resident_registers_sees_the_status_and_cancels(client, event, residents):
    login(client, residents[0].email)
    assert client.post(url(event, "registro")).status_code == 302
    page = text(client.get(url(event)))
    assert 'data-status="confirmed"' in page
    assert client.post(url(event, "cancelar")).status_code == 302
    assert count(Registration) == 0
    assert "data-status" not in text(client.get(url(event)))


def test_resident_on_the_waiting_list_sees_the_position(client, event, residents):
    for person in residents[:2]:
        registration.register(event.id, person, now=utcnow(), today=TODAY)
    login(client, residents[2].email)
    client.post(url(event, "registro"))
    page = text(client.get(url(event)))
    assert 'data-status="waitlisted"' in page
    assert (
        say(
            "You are on the waiting list, number %(num)s. If someone cancels, you get their seat.",
            num=1,
        )
        in page
    )


def test_registering_twice_says_so_and_changes_nothing(client, event, residents):
    login(client, residents[0].email)
    client.post(url(event, "registro"))
    response = client.post(url(event, "registro"))
    assert response.status_code == 409
    assert say("You are already registered for this event.") in text(response)
    assert count(Registration) == 1


def test_ineligible_resident_gets_400_with_the_reason(client, make, event):
    outsider = make.user(colonia=None)
    login(client, outsider.email)
    response = client.post(url(event, "registro"))
    assert response.status_code == 400
    assert say("Only residents registered with their CURP and colonia can take part.") in text(
        response
    )
    assert count(Registration) == 0


def test_anonymous_people_are_sent_to_log_in(client, event):
    assert "/cuenta/entrar" in client.post(url(event, "registro")).headers["Location"]
    assert count(Registration) == 0


def test_cancel_only_touches_ones_own_registration(client, event, residents):
    registration.register(event.id, residents[0], now=utcnow(), today=TODAY)
    login(client, residents[1].email)
    response = client.post(url(event, "cancelar"))
    assert response.status_code == 400
    assert say("You are not registered for this event.") in text(response)
    assert count(Registration) == 1


def test_resident_asks_and_another_supports(client, event, residents):
    login(client, residents[0].email)
    response = client.post(url(event, "preguntas"), data={"text": "¿Cuándo pasa el camión?"})
    assert response.status_code == 302
    question = db.session.execute(sa.select(EventQuestion)).scalar_one()
    login(client, residents[1].email)
    response = client.post(url(event, f"preguntas/{question.id}/apoyo"))
    assert response.status_code == 302
    again = client.post(url(event, f"preguntas/{question.id}/apoyo"))
    assert again.status_code == 400 and say("You already support this question.") in text(again)
    assert count(QuestionSupport) == 1
    page = text(client.get(url(event)))
    assert "¿Cuándo pasa el camión?" in page and 'data-supports="1"' in page


def test_a_too_long_question_is_refused_with_400(client, event, residents):
    login(client, residents[0].email)
    response = client.post(url(event, "preguntas"), data={"text": "x" * 501})
    assert response.status_code == 400
    assert "field-error" in text(response)
    assert count(EventQuestion) == 0


def test_question_text_is_shown_as_text(client, event, residents):
    login(client, residents[0].email)
    client.post(url(event, "preguntas"), data={"text": "<script>alert(1)</script>"})
    page = text(client.get(url(event)))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_published_record_print_view_and_ics(client, staff_user, process):
    event = new_event(process, days=-1, agenda="1. **Bienvenida**")
    records.save_minutes(staff_user, event, "Se instaló la sesión.", now=utcnow())
    records.add_agreement(staff_user, event, records.AgreementData("Poda de árboles", "Parques"))
    records.add_hand_vote(staff_user, event, records.VoteData("Aprobar el orden del día", 30, 2, 1))
    before = text(client.get(url(event)))
    assert "Se instaló la sesión." not in before and "Poda de árboles" not in before
    records.publish_minutes(staff_user, event, now=utcnow())
    page = text(client.get(url(event)))
    assert "Se instaló la sesión." in page and "Poda de árboles" in page
    assert "Aprobar el orden del día" in page and say("Approved") in page
    printed = client.get(url(event, "imprimir"))
    assert printed.status_code == 200 and "Se instaló la sesión." in text(printed)
    assert "<strong>Bienvenida</strong>" in text(printed)
    ics = client.get(url(event, "evento.ics"))
    assert ics.mimetype == "text/calendar"
    body = text(ics)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in body
    assert f"DTSTART:{event.starts_at.strftime('%Y%m%dT%H%M%SZ')}" in body
    assert re.search(r"SUMMARY:Sesión de ayuntamiento abierto\r\n", body)


# --- Staff pages --------------------------------------------------------------------------

FORM = {
    "title": "Asamblea en Lomas",
    "starts_at": "2027-03-04T18:00",
    "ends_at": "2027-03-04T20:00",
    "place": "Cancha de Lomas",
    "capacity": "50",
    "agenda": "- Bienvenida",
    "questions_allowed": "y",
}


def test_resident_cannot_reach_staff_pages(client, event, residents):
    login(client, residents[0].email)
    for page in ("", "asistencia", "acta", "inscripciones.csv", "editar"):
        assert client.get(staff_url(event, page)).status_code == 403
    assert client.post(staff_url(event, "acuerdos"), data={"agreement": "x"}).status_code == 403
    assert count(EventAgreement) == 0


def test_staff_create_an_event_in_local_time(client, staff, process):
    response = client.post(f"/gestion/procesos/{process.id}/eventos/nuevo", data=FORM)
    assert response.status_code == 302
    event = db.session.execute(sa.select(Event)).scalar_one()
    # 18:00 in Mexico City (UTC-6, no daylight saving since 2022) is 00:00 UTC next day.
    assert event.starts_at.isoformat() == "2027-03-05T00:00:00+00:00"
    assert (event.capacity, event.questions_allowed) == (50, True)
    manage = text(client.get(f"/gestion/procesos/{process.id}"))
    assert "Asamblea en Lomas" in manage
    edit = text(client.get(staff_url(event, "editar")))
    assert 'value="2027-03-04T18:00"' in edit


def test_bad_event_form_is_400_with_message_and_saves_nothing(client, staff, process):
    bad = {**FORM, "online_url": "javascript:alert(1)"}
    response = client.post(f"/gestion/procesos/{process.id}/eventos/nuevo", data=bad)
    assert response.status_code == 400
    assert say("The link must be a web address starting with http:// or https://.") in text(
        response
    )
    ends = client.post(
        f"/gestion/procesos/{process.id}/eventos/nuevo", data={**FORM, "ends_at": FORM["starts_at"]}
    )
    assert ends.status_code == 400 and say("The event must end after it starts.") in text(ends)
    assert count(Event) == 0 and count(AuditEvent) == 0


def test_staff_see_registrations_and_download_csv(client, staff, event, residents):
    for person in residents[:3]:
        registration.register(event.id, person, now=utcnow(), today=TODAY)
    page = text(client.get(staff_url(event)))
    assert residents[2].name in page and say("Waiting list") in page
    csv = client.get(staff_url(event, "inscripciones.csv"))
    assert csv.mimetype == "text/csv"
    lines = text(csv).lstrip("\ufeff").splitlines()
    assert len(lines) == 4 and residents[0].curp in lines[1] and "en espera" in lines[3]


def test_csv_cells_cannot_run_formulas(client, staff, event, make, colonias):
    sly = make.user(colonia=colonias["Centro"])
    sly.name = '=HYPERLINK("http://mal.example")'
    db.session.commit()
    registration.register(event.id, sly, now=utcnow(), today=TODAY)
    body = text(client.get(staff_url(event, "inscripciones.csv")))
    assert ",'=HYPERLINK" in body or "\"'=HYPERLINK" in body


def test_staff_answer_and_set_aside_questions(client, staff, event, residents):
    asked = questions.ask(event, residents[0], "¿Cuándo?", now=utcnow(), today=TODAY)
    empty = client.post(staff_url(event, f"preguntas/{asked.id}/apartar"), data={"reason": ""})
    assert empty.status_code == 400
    assert count(AuditEvent) == 0
    ok = client.post(
        staff_url(event, f"preguntas/{asked.id}/respondida"), data={"answer": "Pronto"}
    )
    assert ok.status_code == 302
    page = text(client.get(url(event)))
    assert say("Answered") in page and "Pronto" in page


def test_staff_search_mark_present_and_add_walk_ins(client, staff, event, residents, colonias):
    for person in residents[:2]:
        registration.register(event.id, person, now=utcnow(), today=TODAY)
    found = text(client.get(staff_url(event, "asistencia") + f"?q={residents[1].curp}"))
    assert residents[1].name in found and residents[0].name not in found
    assert client.post(staff_url(event, f"asistencia/{residents[1].id}")).status_code == 302
    twice = client.post(staff_url(event, f"asistencia/{residents[1].id}"))
    assert twice.status_code == 400
    assert say("This person is already counted as present at this event.") in text(twice)
    curp = curp_for(date(1980, 2, 2), "M")
    walk_in = {
        "name": "Doña Lupe",
        "curp": curp,
        "colonia_id": str(colonias["Lomas"].id),
        "sex": "",
        "age_band": "",
    }
    assert client.post(staff_url(event, "asistencia/sin-registro"), data=walk_in).status_code == 302
    again = client.post(staff_url(event, "asistencia/sin-registro"), data=walk_in)
    assert again.status_code == 400
    bad = client.post(
        staff_url(event, "asistencia/sin-registro"), data={**walk_in, "curp": "XXXX000000"}
    )
    assert bad.status_code == 400 and say("A CURP has exactly 18 characters.") in text(bad)
    assert count(Attendance) == 2
    page = text(client.get(staff_url(event, "asistencia")))
    assert "Doña Lupe" in page and 'data-total="walk_ins">1<' in page


def test_staff_write_publish_and_correct_minutes(client, staff, process):
    event = new_event(process, days=-1)
    assert client.post(staff_url(event, "acta"), data={"text": "Acta primera"}).status_code == 302
    assert client.post(staff_url(event, "acta/publicar")).status_code == 302
    assert client.post(staff_url(event, "acta"), data={"text": "Acta corregida"}).status_code == 302
    assert "Acta primera" in text(client.get(url(event)))
    page = text(client.get(staff_url(event, "acta")))
    assert say("Version %(num)s", num=2) in page and say("draft, not public") in page
    assert count(Minutes) == 2


def test_vote_counts_over_attendance_are_refused_with_400(client, staff, staff_user, event):
    attendance.add_walk_in(staff_user, event, attendance.WalkIn("Uno"), now=utcnow(), today=TODAY)
    form = {"motion": "Aprobar", "votes_for": "2", "votes_against": "0", "abstentions": "0"}
    response = client.post(staff_url(event, "votaciones"), data=form)
    assert response.status_code == 400
    assert say(
        "For, against and abstentions add up to %(total)s, more than the %(present)s people "
        "recorded as present.",
        total=2,
        present=1,
    ) in text(response)
    negative = client.post(staff_url(event, "votaciones"), data={**form, "votes_for": "-1"})
    assert negative.status_code == 400
    assert count(HandVote) == 0
    ok = client.post(staff_url(event, "votaciones"), data={**form, "votes_for": "1"})
    assert ok.status_code == 302 and count(HandVote) == 1


def test_agreements_through_the_staff_page(client, staff, event):
    empty = client.post(staff_url(event, "acuerdos"), data={"agreement": ""})
    assert empty.status_code == 400 and count(EventAgreement) == 0
    made = client.post(
        staff_url(event, "acuerdos"),
        data={"agreement": "Bacheo", "owner": "Obras", "due_on": "2027-04-01"},
    )
    assert made.status_code == 302
    agreement = db.session.execute(sa.select(EventAgreement)).scalar_one()
    assert client.post(staff_url(event, f"acuerdos/{agreement.id}/borrar")).status_code == 302
    assert count(EventAgreement) == 0


# --- CSRF on --------------------------------------------------------------------------------


def test_registration_needs_the_csrf_token(csrf_app, make):
    client = csrf_app.test_client()
    colonias = make.territory()
    resident = make.user(colonia=colonias["Centro"])
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.ASAMBLEA)
    event = new_event(process, capacity=5)
    page = text(client.get("/cuenta/entrar"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    data = {"email": resident.email, "password": "contraseña-segura", "csrf_token": token.group(1)}
    assert client.post("/cuenta/entrar", data=data).status_code == 302
    assert client.post(url(event, "registro")).status_code == 400
    assert count(Registration) == 0
    page = text(client.get(url(event)))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(url(event, "registro"), data={"csrf_token": token}).status_code == 302
    stored = db.session.execute(sa.select(Registration)).scalar_one()
    assert stored.status is RegistrationStatus.CONFIRMED
