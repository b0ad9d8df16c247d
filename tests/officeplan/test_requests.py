"""Requests to other offices through their pages: items, status, totals beside the council's."""

from datetime import date

import pytest

from participa.auth.models import Role
from participa.council import operations
from participa.council.models import OperationKind
from participa.extensions import db
from participa.officeplan.models import OfficeRequest, RequestItem, RequestStatus
from tests.council.conftest import convene
from tests.factories import login


@pytest.fixture
def staff_client(client, staff):
    login(client, staff.email)
    return client


def new_request(client, **fields) -> OfficeRequest:
    form = {
        "year": "2026",
        "office": "purchasing",
        "subject": "Refrigerio",
        "activity_id": "",
        "council_session_id": "",
        **fields,
    }
    response = client.post("/gestion/solicitudes/nueva", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return (
        db.session.execute(db.select(OfficeRequest).order_by(OfficeRequest.id.desc()))
        .scalars()
        .first()
    )


def add_item(client, found, description="Café", quantity="10", unit="45.50"):
    return client.post(
        f"/gestion/solicitudes/{found.id}/partidas",
        data={"description": description, "quantity": quantity, "unit_amount": unit},
    )


def items() -> list[tuple]:
    rows = db.session.execute(db.select(RequestItem).order_by(RequestItem.id)).scalars()
    return [(i.description, i.quantity, i.unit_cents) for i in rows]


def test_a_request_linked_to_an_activity_gets_items_and_goes_through_its_statuses(
    staff_client, work_plan
):
    activity = work_plan.activities[1]
    found = new_request(staff_client, office="planning", activity_id=str(activity.id))
    assert found.activity_id == activity.id
    add_item(staff_client, found)
    add_item(staff_client, found, "Lona", "1", "$1,250")
    assert items() == [("Café", 10, 4550), ("Lona", 1, 125000)]
    page = staff_client.get(f"/gestion/solicitudes/{found.id}").get_data(as_text=True)
    assert "$1,705" in page
    url = f"/gestion/solicitudes/{found.id}/estado"
    assert staff_client.post(url, data={"status": "sent"}).status_code == 302
    refused = staff_client.post(url, data={"status": "answered", "answer": ""})
    assert refused.status_code == 400
    assert "Write the answer received and its date." in refused.get_data(as_text=True)
    assert db.session.get(OfficeRequest, found.id).status is RequestStatus.SENT
    answered = {"status": "answered", "answer": "Autorizado", "answered_on": "2026-11-20"}
    assert staff_client.post(url, data=answered).status_code == 302
    found = db.session.get(OfficeRequest, found.id)
    assert (found.status, found.answer, found.answered_on) == (
        RequestStatus.ANSWERED,
        "Autorizado",
        date(2026, 11, 20),
    )
    assert "Items change only while the request is a draft." in add_item(
        staff_client, found
    ).get_data(as_text=True)
    assert len(items()) == 2


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (("", "1", "10"), "Describe the item in at most 300 characters."),
        (("Sillas", "0", "10"), "Write a whole quantity, more than zero."),
        (("Sillas", "dos", "10"), "Write a whole quantity, more than zero."),
        (("Sillas", "2", "diez"), "Write the amount in pesos"),
    ],
)
def test_bad_items_are_refused_with_a_message(staff_client, item, message):
    found = new_request(staff_client)
    response = add_item(staff_client, found, *item)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert items() == []


def test_a_request_without_items_cannot_be_sent(staff_client):
    found = new_request(staff_client)
    response = staff_client.post(f"/gestion/solicitudes/{found.id}/estado", data={"status": "sent"})
    assert "Add at least one item before sending the request." in response.get_data(as_text=True)
    assert db.session.get(OfficeRequest, found.id).status is RequestStatus.DRAFT


def test_bad_requests_are_refused(staff_client):
    for fields, message in (
        ({"subject": ""}, "Write what is requested"),
        ({"year": "20"}, "year (for example 2026)."),
        ({"council_session_id": "999"}, "Choose a session from the list."),
        ({"office": "mayor"}, "Not a valid choice"),
    ):
        form = {
            "year": "2026",
            "office": "purchasing",
            "subject": "X",
            "activity_id": "",
            "council_session_id": "",
            **fields,
        }
        response = staff_client.post("/gestion/solicitudes/nueva", data=form)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True), fields
    assert db.session.execute(db.select(OfficeRequest)).first() is None


def test_period_totals_put_requests_beside_the_councils_expenses(staff_client, staff):
    session = convene(staff)
    data = operations.OperationData(OperationKind.FUEL, None, "Vales", 50000)
    operations.add_request(staff, session, data, date(2026, 11, 10), session.created_at)
    purchase = new_request(staff_client, council_session_id=str(session.id))
    add_item(staff_client, purchase, "Café", "10", "100")
    planning = new_request(staff_client, office="planning")
    add_item(staff_client, planning, "Taller", "1", "300")
    rejected = new_request(staff_client)
    add_item(staff_client, rejected, "Sillas", "5", "1000")
    staff_client.post(f"/gestion/solicitudes/{rejected.id}/estado", data={"status": "sent"})
    staff_client.post(
        f"/gestion/solicitudes/{rejected.id}/estado",
        data={"status": "rejected", "answer": "Sin presupuesto", "answered_on": "2026-11-30"},
    )
    other_year = new_request(staff_client, year="2025")
    add_item(staff_client, other_year, "Mesas", "1", "999")
    page = staff_client.get("/gestion/solicitudes/?anio=2026").get_data(as_text=True)
    totals = page[page.index('id="period-totals"') : page.index("</table>")]
    assert "$1,000" in totals  # purchasing, without the rejected request
    assert "$300" in totals  # state planning
    assert "$500" in totals  # the council's fuel vouchers
    assert '<td id="grand-total">$1,800</td>' in totals
    csv = staff_client.get("/gestion/solicitudes/solicitudes.csv?anio=2026").get_data(as_text=True)
    lines = csv.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("id,year,office,subject,status,item")
    assert len(lines) == 4 and "Mesas" not in csv


@pytest.mark.parametrize("role", [None, Role.CITIZEN, Role.COUNCIL])
def test_only_staff_reach_requests(client, make, role):
    if role:
        login(client, make.user(role).email)
    for url in (
        "/gestion/solicitudes/",
        "/gestion/solicitudes/nueva",
        "/gestion/solicitudes/solicitudes.csv",
    ):
        assert client.get(url).status_code == (302 if role is None else 403), url
    form = {"year": "2026", "office": "purchasing", "subject": "X"}
    assert client.post("/gestion/solicitudes/nueva", data=form).status_code in (302, 401, 403)
    assert db.session.execute(db.select(OfficeRequest)).first() is None
