"""Meetings with the mayor and directors: commitments per priority, their follow-up notes,
and where they show: the work's staff page, its public page and the session's follow-up."""

import re
from datetime import timedelta

import sqlalchemy as sa

from participa.administration import meetings
from participa.administration.models import (
    Commitment,
    CommitmentNote,
    CommitmentStatus,
    Meeting,
    MeetingKind,
)
from participa.auth.models import Role
from participa.extensions import db
from tests.factories import PASSWORD, Factories, login, municipal_today
from tests.statements import recorded
from tests.works.followup_helpers import approved, held_session

ATTENDEES = "Presidente municipal\nDirección de Obras Públicas\nDirección de Agua Potable"


def count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def section(page: str, work_id: int) -> str:
    """The part of a session's follow-up page about one priority."""
    start = page.index(f'id="w{work_id}"')
    return page[start : page.index("</section>", start)]


def meeting_form(**changes):
    values = {
        "kind": "mayor_directors",
        "held_on": (municipal_today() - timedelta(days=30)).isoformat(),
        "place": "Sala de Cabildo",
        "attendees": ATTENDEES,
        "agreements": "Revisar los proyectos ejecutivos.",
    }
    return {**values, **changes}


def new_meeting(client, **changes) -> Meeting:
    response = client.post("/gestion/administracion/reuniones/nueva", data=meeting_form(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.execute(sa.select(Meeting).order_by(Meeting.id.desc())).scalars().first()


def commit(client, meeting, work, due, **changes):
    data = {
        "work_id": str(work.id),
        "directorate": "Obras Públicas",
        "text": "Entregar el proyecto ejecutivo del pozo",
        "due_on": due.isoformat(),
        **changes,
    }
    return client.post(f"/gestion/administracion/reuniones/{meeting.id}/compromisos", data=data)


def test_staff_record_a_meeting_with_the_mayor_and_directors(client, works):
    login(client, works.staff.email)
    meeting = new_meeting(client)
    page = client.get(f"/gestion/administracion/reuniones/{meeting.id}").get_data(as_text=True)
    assert "Meeting with the mayor and directors" in page
    assert "<li>Dirección de Agua Potable</li>" in page
    assert "Revisar los proyectos ejecutivos." in page


def test_a_meeting_without_attendees_or_in_the_future_is_refused_and_nothing_is_stored(
    client, works
):
    login(client, works.staff.email)
    response = client.post("/gestion/administracion/reuniones/nueva",
                           data=meeting_form(attendees="  "))  # fmt: skip
    assert response.status_code == 400
    assert "List who attended, one per line." in response.get_data(as_text=True)
    tomorrow = (municipal_today() + timedelta(days=1)).isoformat()
    response = client.post("/gestion/administracion/reuniones/nueva",
                           data=meeting_form(held_on=tomorrow))  # fmt: skip
    assert response.status_code == 400
    assert "cannot be in the future" in response.get_data(as_text=True)
    assert count(Meeting) == 0


def test_a_commitment_shows_on_the_work_pages_and_the_session_follow_up_overdue_marked(
    client, works
):
    pozo, banquetas = approved(works)
    session = held_session(works.staff)
    login(client, works.staff.email)
    meeting = new_meeting(client)
    today = municipal_today()
    assert commit(client, meeting, pozo, today - timedelta(days=2)).status_code == 302
    later = today + timedelta(days=20)
    response = commit(client, meeting, banquetas, later, directorate="Servicios Públicos",
                      text="Licitar las banquetas")  # fmt: skip
    assert response.status_code == 302
    follow = client.get(f"/gestion/obras/seguimiento/sesion/{session.id}").get_data(as_text=True)
    pozo_part = section(follow, pozo.id)
    assert "Entregar el proyecto ejecutivo del pozo" in pozo_part and "Overdue" in pozo_part
    banquetas_part = section(follow, banquetas.id)
    assert "Licitar las banquetas" in banquetas_part and "Overdue" not in banquetas_part
    staff_page = client.get(f"/gestion/obras/{pozo.id}").get_data(as_text=True)
    assert "Entregar el proyecto ejecutivo del pozo" in staff_page
    client.post("/cuenta/salir")
    public = client.get(f"/obras/{pozo.id}").get_data(as_text=True)
    assert "Obras Públicas" in public and "Entregar el proyecto ejecutivo del pozo" in public


def test_a_fulfilled_commitment_leaves_the_session_follow_up_and_keeps_its_notes(client, works):
    pozo, _ = approved(works)
    session = held_session(works.staff)
    login(client, works.staff.email)
    meeting = new_meeting(client)
    commit(client, meeting, pozo, municipal_today() - timedelta(days=1))
    item = db.session.execute(sa.select(Commitment)).scalar_one()
    url = f"/gestion/administracion/compromisos/{item.id}"
    note = {"noted_on": municipal_today().isoformat(), "status": "done",
            "text": "Proyecto entregado al consejo."}  # fmt: skip
    assert client.post(url, data={**note, "text": " "}).status_code == 400
    assert count(CommitmentNote) == 0
    assert client.post(url, data=note).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Proyecto entregado al consejo." in page and "Fulfilled" in page
    follow = client.get(f"/gestion/obras/seguimiento/sesion/{session.id}").get_data(as_text=True)
    assert "Entregar el proyecto ejecutivo del pozo" not in follow


def test_a_commitment_needs_an_approved_priority_a_directorate_and_a_due_date(client, works):
    candidate = works.work("Candidata")
    pozo, _ = approved(works)
    login(client, works.staff.email)
    meeting = new_meeting(client)
    due = municipal_today()
    response = commit(client, meeting, candidate, due)
    assert response.status_code == 400
    assert "Choose one of the council's approved priorities." in response.get_data(as_text=True)
    response = commit(client, meeting, pozo, due, directorate="")
    assert "Write which directorate committed." in response.get_data(as_text=True)
    response = commit(client, meeting, pozo, meeting.held_on - timedelta(days=1))
    assert "it cannot be before the meeting" in response.get_data(as_text=True)
    assert count(Commitment) == 0


def test_the_council_reads_the_meetings_and_only_staff_record_them(client, works, make):
    login(client, works.staff.email)
    meeting = new_meeting(client)
    client.post("/cuenta/salir")
    member = make.user(Role.COUNCIL)
    login(client, member.email)
    page = client.get(f"/consejo/administracion/reuniones/{meeting.id}")
    assert page.status_code == 200 and "Sala de Cabildo" in page.get_data(as_text=True)
    assert client.get("/gestion/administracion/").status_code == 403
    response = client.post("/gestion/administracion/reuniones/nueva", data=meeting_form())
    assert response.status_code == 403
    client.post("/cuenta/salir")
    assert client.get("/consejo/administracion/").status_code in (302, 401)
    assert count(Meeting) == 1


def test_recording_a_meeting_needs_the_csrf_token(csrf_app):
    client = csrf_app.test_client()
    staff = Factories().user(Role.STAFF)
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/cuenta/entrar",
                data={"email": staff.email, "password": PASSWORD, "csrf_token": token})  # fmt: skip
    url = "/gestion/administracion/reuniones/nueva"
    assert client.post(url, data=meeting_form()).status_code == 400
    assert count(Meeting) == 0
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(url, data={**meeting_form(), "csrf_token": token}).status_code == 302
    assert count(Meeting) == 1


def test_staff_correct_a_meeting_and_a_bad_correction_changes_nothing(client, works):
    login(client, works.staff.email)
    meeting = new_meeting(client)
    url = f"/gestion/administracion/reuniones/{meeting.id}/editar"
    assert client.get(url).status_code == 200
    response = client.post(url, data=meeting_form(place=""))
    assert response.status_code == 400
    assert "Write where the meeting took place." in response.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.place == "Sala de Cabildo"
    response = client.post(url, data=meeting_form(kind="fais_liaison", place="Tesorería"))
    assert response.status_code == 302
    page = client.get(f"/gestion/administracion/reuniones/{meeting.id}").get_data(as_text=True)
    assert "FAIS liaison meeting" in page and "Tesorería" in page


def add_meetings(staff, works_, how_many: int) -> Meeting:
    """`how_many` meetings, each with a commitment per work and a note on each; the last one."""
    today = municipal_today()
    for n in range(how_many):
        held_on = today - timedelta(days=n)
        meeting = Meeting(kind=MeetingKind.MAYOR_DIRECTORS, held_on=held_on, place=f"Sala {n}",
                          attendees=ATTENDEES, created_by_id=staff.id)  # fmt: skip
        for work in works_:
            item = Commitment(work=work, directorate="Obras", text=f"Compromiso {n}", due_on=today)
            item.notes.append(CommitmentNote(noted_on=today, text="Avance", created_by_id=staff.id))
            meeting.commitments.append(item)
        db.session.add(meeting)
    db.session.commit()
    return meeting


def statements_of(client, url: str) -> int:
    with recorded() as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_the_meeting_list_and_a_meeting_page_cost_the_same_queries_however_many_rows(client, works):
    first_works = approved(works)
    login(client, works.staff.email)
    small = add_meetings(works.staff, first_works[:1], 1)
    index_small = statements_of(client, "/gestion/administracion/")
    page_small = statements_of(client, f"/gestion/administracion/reuniones/{small.id}")
    big = add_meetings(works.staff, first_works, 4)
    assert statements_of(client, "/gestion/administracion/") == index_small
    assert statements_of(client, f"/gestion/administracion/reuniones/{big.id}") == page_small
    assert statements_of(client, f"/consejo/administracion/reuniones/{big.id}") <= page_small


def test_the_meeting_list_pages_and_refuses_a_page_number_that_is_not_one(client, works):
    login(client, works.staff.email)
    add_meetings(works.staff, [], meetings.PAGE_SIZE + 1)
    first = client.get("/gestion/administracion/").get_data(as_text=True)
    assert first.count("Sala ") == meetings.PAGE_SIZE and "pagina=2" in first
    second = client.get("/gestion/administracion/?pagina=2").get_data(as_text=True)
    assert second.count("Sala ") == 1 and f"Sala {meetings.PAGE_SIZE}" in second
    assert client.get("/gestion/administracion/?pagina=x").status_code == 400


def test_a_forged_meeting_kind_or_commitment_status_is_refused_and_changes_nothing(client, works):
    pozo, _ = approved(works)
    login(client, works.staff.email)
    forged = client.post("/gestion/administracion/reuniones/nueva", data=meeting_form(kind="x"))
    assert forged.status_code == 400 and "Not a valid choice" in forged.get_data(as_text=True)
    assert count(Meeting) == 0
    meeting = new_meeting(client)
    commit(client, meeting, pozo, municipal_today())
    item = db.session.execute(sa.select(Commitment)).scalar_one()
    item.status = CommitmentStatus.DONE
    db.session.commit()
    note = {"noted_on": municipal_today().isoformat(), "status": "reopened", "text": "Nota"}
    response = client.post(f"/gestion/administracion/compromisos/{item.id}", data=note)
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.status is CommitmentStatus.DONE and count(CommitmentNote) == 0
