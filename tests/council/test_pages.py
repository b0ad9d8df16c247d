"""Council pages: staff record a session; the council reads it; the public reads approved ones."""

import re

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.council import agreements, minutes, sessions
from participa.council.models import (
    Agreement,
    CouncilMember,
    CouncilSession,
    MinutesVersion,
    OperationRequest,
    SessionKind,
    SessionStatus,
)
from participa.extensions import db
from tests import factories
from tests.council.conftest import NOW, TZ, attend, convene
from tests.factories import login


def staff_url(session, rest=""):
    return f"/gestion/consejo/sesiones/{session.id}{rest}"


def approved_session(staff, members):
    session = convene(staff)
    sessions.add_item(staff, session, sessions.ItemData("Informe de obras", presenter="Obras"))
    attend(staff, session, members, present=3)
    data = agreements.AgreementData("Publicar el calendario de bacheo.", None, "Obras", None)
    agreements.add_agreement(staff, session, data, 0.5, TZ, NOW)
    sessions.mark_held(staff, session)
    minutes.save_draft(staff, session, "Se abrió la sesión con **quórum**.")
    minutes.approve_minutes(staff, session, NOW)
    return session


def test_staff_add_a_member(staff_client, colonias):
    norte = colonias["Centro"].delegacion
    data = {
        "name": "Gina Consejera",
        "position": "citizen_councillor",
        "delegacion_id": str(norte.id),
        "term_start": "2027-01-01",
        "term_end": "2029-12-31",
        "user_id": "",
    }
    response = staff_client.post("/gestion/consejo/miembros/nuevo", data=data)
    assert response.status_code == 302
    member = db.session.execute(db.select(CouncilMember)).scalar_one()
    assert (member.name, member.delegacion_id) == ("Gina Consejera", norte.id)
    page = staff_client.get("/gestion/consejo/").get_data(as_text=True)
    assert "Gina Consejera" in page and "Citizen councillor" in page


def test_a_bad_term_is_refused_with_a_message_and_nothing_saved(staff_client, colonias):
    data = {
        "name": "Gina",
        "position": "president",
        "delegacion_id": "",
        "term_start": "2027-01-01",
        "term_end": "2026-01-01",
        "user_id": "",
    }
    response = staff_client.post("/gestion/consejo/miembros/nuevo", data=data)
    assert response.status_code == 400
    assert "The term cannot end before it starts." in response.get_data(as_text=True)
    assert db.session.execute(db.select(CouncilMember)).first() is None


def test_staff_convene_a_session_in_local_time(staff_client, members):
    data = {"kind": "ordinary", "day": "2027-03-10", "time": "11:00", "place": "Sala de Cabildo"}
    response = staff_client.post("/gestion/consejo/sesiones/nueva", data=data)
    assert response.status_code == 302
    session = db.session.execute(db.select(CouncilSession)).scalar_one()
    assert session.starts_at.hour == 17  # 11:00 in Jalisco (UTC-6)
    page = staff_client.get(response.location).get_data(as_text=True)
    assert "Ordinary session no. 1 of 2027" in page
    assert "There is no quorum" in page


def test_staff_record_attendance_and_then_an_agreement(staff_client, staff, members):
    session = convene(staff)
    marks = {f"m{m.id}": "present" for m in members[:3]}
    assert staff_client.post(staff_url(session, "/asistencia"), data=marks).status_code == 302
    page = staff_client.get(staff_url(session)).get_data(as_text=True)
    assert "There is quorum" in page and "3 of 5 current members present." in page
    data = {
        "agreement-text": "Pedir el calendario.",
        "agreement-owner_member_id": str(members[0].id),
        "agreement-due_on": "",
    }
    assert staff_client.post(staff_url(session, "/acuerdos"), data=data).status_code == 302
    agreement = db.session.execute(db.select(Agreement)).scalar_one()
    assert agreement.owner == "Ana Presidenta"


def test_an_agreement_without_quorum_is_refused_with_a_message(staff_client, staff, members):
    session = convene(staff)
    attend(staff, session, members, present=2)
    data = {
        "agreement-text": "Pedir el calendario.",
        "agreement-owner_member_id": "",
        "agreement-owner_text": "Obras",
    }
    response = staff_client.post(staff_url(session, "/acuerdos"), data=data)
    assert response.status_code == 400
    assert "There is no quorum, so there can be no agreements" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Agreement)).first() is None


def test_the_quorum_fraction_is_a_setting(app, staff_client, staff, members):
    session = convene(staff)
    attend(staff, session, members, present=3)
    assert "There is quorum" in staff_client.get(staff_url(session)).get_data(as_text=True)
    app.config["COUNCIL_QUORUM_FRACTION"] = 2 / 3
    assert "There is no quorum" in staff_client.get(staff_url(session)).get_data(as_text=True)


def test_agenda_buttons_reorder_items(staff_client, staff, members):
    session = convene(staff)
    for title in ("Uno", "Dos"):
        sessions.add_item(staff, session, sessions.ItemData(title))
    second = session.agenda[1]
    response = staff_client.post(staff_url(session, f"/orden/{second.id}/subir"))
    assert response.status_code == 302
    db.session.expire_all()
    assert [i.title for i in db.session.get(CouncilSession, session.id).agenda] == ["Dos", "Uno"]
    page = staff_client.get(staff_url(session)).get_data(as_text=True)
    assert page.index("Dos") < page.index("Uno")


def test_approved_minutes_change_only_with_a_reason(staff_client, staff, members):
    session = approved_session(staff, members)
    url = staff_url(session, "/acta/corregir")
    response = staff_client.post(url, data={"text": "Texto nuevo", "reason": ""})
    assert response.status_code == 400
    assert db.session.execute(db.select(MinutesVersion)).scalars().all()[-1].number == 1
    response = staff_client.post(url, data={"text": "Texto nuevo", "reason": "Errata."})
    assert response.status_code == 302
    page = staff_client.get(staff_url(session)).get_data(as_text=True)
    assert "Texto nuevo" in page and "Version 2" in page and "Errata." in page
    assert (
        staff_client.post(staff_url(session, "/acta"), data={"minutes-text": "x"}).status_code
        == 400
    )
    old = staff_client.get(f"/consejo/sesiones/{session.id}/acta/v1").get_data(as_text=True)
    assert "<strong>quórum</strong>" in old and "This is not the current version." in old


def test_the_council_reads_drafts_and_the_public_only_approved_minutes(
    client, make, staff, members
):
    session = convene(staff)
    sessions.mark_held(staff, session)
    minutes.save_draft(staff, session, "Borrador del acta.")
    assert client.get(f"/cmpc/sesiones/{session.id}").status_code == 404
    login(client, make.user(Role.COUNCIL).email)
    page = client.get(f"/consejo/sesiones/{session.id}").get_data(as_text=True)
    assert "Borrador del acta." in page and "Draft: these minutes are not approved yet." in page
    assert "Save the minutes" not in page  # read only
    minutes.approve_minutes(staff, session, NOW)
    client.post("/cuenta/salir")
    page = client.get(f"/cmpc/sesiones/{session.id}").get_data(as_text=True)
    assert "Borrador del acta." in page


def test_the_print_view_has_header_attendance_agenda_agreements_and_signatures(
    client, staff, members
):
    session = approved_session(staff, members)
    page = client.get(f"/cmpc/sesiones/{session.id}/acta").get_data(as_text=True)
    for text in (
        "Municipio de Ejemplo, Jalisco",
        "Minutes of the ordinary session no. 1 of 2027",
        "Informe de obras",
        "Publicar el calendario de bacheo.",
        "<strong>quórum</strong>",
        "Signatures",
    ):
        assert text in page, text
    assert page.count('class="signature"') == 3  # the members present


def test_public_agreements_filter_by_status_and_mark_overdue(client, staff, members):
    session = approved_session(staff, members)
    agreement = session.agreements[0]
    agreement.due_on = NOW.date().replace(year=2020)
    db.session.commit()
    page = client.get("/cmpc/acuerdos/?estado=overdue").get_data(as_text=True)
    assert "Publicar el calendario de bacheo." in page and "Overdue" in page
    assert "row-overdue" in page
    page = client.get("/cmpc/acuerdos/?estado=done").get_data(as_text=True)
    assert "Publicar el calendario de bacheo." not in page
    assert client.get("/cmpc/acuerdos/?estado=nonsense").status_code == 200


def test_public_council_page_lists_current_members(client, members):
    page = client.get("/cmpc/").get_data(as_text=True)
    assert "Ana Presidenta" in page and "President" in page
    assert "Fidel Anterior" not in page


def test_staff_update_an_agreement_with_a_note(staff_client, staff, members):
    session = approved_session(staff, members)
    agreement = session.agreements[0]
    url = f"/gestion/consejo/acuerdos/{agreement.id}"
    response = staff_client.post(url, data={"status": "in_progress", "note": "Oficio enviado."})
    assert response.status_code == 302
    page = staff_client.get(url).get_data(as_text=True)
    assert "Oficio enviado." in page and "In progress" in page
    response = staff_client.post(url, data={"status": "in_progress", "note": ""})
    assert response.status_code == 400
    assert "Change the status or write a note." in response.get_data(as_text=True)
    assert len(db.session.get(Agreement, agreement.id).updates) == 2


def test_operations_page_totals_and_csv(staff_client, staff, members):
    session = convene(staff)
    url = staff_url(session, "/operaciones")
    data = {
        "op-kind": "fuel",
        "op-member_id": "",
        "op-description": "Vales Ocotes",
        "op-amount": "$1,250.50",
    }
    assert staff_client.post(url, data=data).status_code == 302
    bad = {**data, "op-amount": "mil pesos"}
    response = staff_client.post(url, data=bad)
    assert response.status_code == 400
    assert "Write the amount in pesos" in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(OperationRequest.id))).scalar() == 1
    page = staff_client.get("/gestion/consejo/operaciones/?anio=2027").get_data(as_text=True)
    assert "2027-03" in page and "$1,250.50" in page
    csv = staff_client.get("/gestion/consejo/operaciones/solicitudes.csv?tipo=fuel")
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "Vales Ocotes" in text and "1250.50" in text
    found = db.session.execute(db.select(OperationRequest)).scalar_one()
    url = f"/gestion/consejo/operaciones/{found.id}/estado"
    assert staff_client.post(url, data={"status": "approved"}).status_code == 302
    assert db.session.get(OperationRequest, found.id).status.value == "approved"
    assert db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "council.operation.status")
    ).scalar_one()


def test_recording_works_with_csrf_on(csrf_app):
    make = factories.Factories()
    client = csrf_app.test_client()
    staff = make.user(Role.STAFF)
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    client.post(
        "/cuenta/entrar",
        data={"email": staff.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    session = convene(staff)
    assert client.post(staff_url(session, "/celebrada")).status_code == 400
    page = client.get(staff_url(session)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    assert (
        client.post(staff_url(session, "/celebrada"), data={"csrf_token": token}).status_code == 302
    )
    assert db.session.get(CouncilSession, session.id).status is SessionStatus.HELD


def test_agreements_of_both_kinds_show_distinct_numbers(client, staff, members):
    for kind in (SessionKind.ORDINARY, SessionKind.EXTRAORDINARY):
        session = convene(staff, kind=kind)
        attend(staff, session, members, present=4)
        data = agreements.AgreementData("Publicar el calendario.", None, "Obras", None)
        agreements.add_agreement(staff, session, data, 0.5, TZ, NOW)
        sessions.mark_held(staff, session)
        minutes.save_draft(staff, session, "Acta.")
        minutes.approve_minutes(staff, session, NOW)
    page = client.get("/cmpc/acuerdos/").get_data(as_text=True)
    assert "Agreement 1/2027-1" in page and "Agreement E1/2027-1" in page
