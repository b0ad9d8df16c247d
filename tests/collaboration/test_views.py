"""Collaboration pages: pledging, my pledges, public totals; staff walk-ins, deliveries, CSV."""

import re

import pytest

from participa.collaboration.models import Pledge, PledgeKind
from participa.extensions import db
from participa.processes.types import ProcessStatus
from tests.factories import PASSWORD, municipal_today


def url(world, suffix):
    return f"/procesos/{world.collab.id}{suffix}"


def staff_url(world, suffix="/"):
    return f"/gestion/procesos/{world.collab.id}/aportaciones{suffix}"


def all_pledges() -> list[Pledge]:
    return list(db.session.execute(db.select(Pledge).order_by(Pledge.id)).scalars())


def add(world, kind=PledgeKind.MONEY, quantity=1500, user=None, **fields):
    user = user or world.resident
    item = Pledge(
        work_id=world.site.id,
        user_id=user.id,
        colonia_id=user.colonia_id,
        kind=kind,
        quantity=quantity,
        **fields,
    )
    db.session.add(item)
    db.session.commit()
    return item


def test_resident_pledges_each_kind_and_sees_them(world, as_user):
    client = as_user(world.resident)
    pledge_url = url(world, f"/obras/{world.site.id}/aportar")
    assert client.get(pledge_url).status_code == 200
    for data in (
        {"kind": "money", "quantity": "$1,500"},
        {"kind": "labour", "quantity": "8", "note": "Sábados"},
        {"kind": "materials", "quantity": "10", "material": "Cemento", "unit": "bultos"},
    ):
        response = client.post(pledge_url, data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
    assert [(p.kind, p.quantity) for p in all_pledges()] == [
        (PledgeKind.MONEY, 1500),
        (PledgeKind.LABOUR, 8),
        (PledgeKind.MATERIALS, 10),
    ]
    mine = client.get(url(world, "/mis-aportaciones")).get_data(as_text=True)
    assert "$1,500" in mine and "8 horas de mano de obra" in mine and "bultos" in mine


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "money", "quantity": "mil"}, "número entero"),
        ({"kind": "money", "quantity": "0"}, "mayor que cero"),
        ({"kind": "materials", "quantity": "3", "unit": "bultos"}, "qué material"),
        ({"kind": "gold", "quantity": "3"}, "Not a valid choice"),
        ({"kind": "money", "quantity": "3", "note": "x" * 501}, "500"),
    ],
)
def test_bad_pledge_is_400_with_message_and_nothing_stored(world, as_user, data, message):
    response = as_user(world.resident).post(
        url(world, f"/obras/{world.site.id}/aportar"), data=data
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page or "válida" in page
    assert all_pledges() == []


def test_pledging_when_closed_is_refused(world, as_user):
    world.collab.status = ProcessStatus.CLOSED
    db.session.commit()
    client = as_user(world.resident)
    response = client.post(
        url(world, f"/obras/{world.site.id}/aportar"), data={"kind": "money", "quantity": "5"}
    )
    assert response.status_code == 409 and all_pledges() == []


def test_public_totals_show_sums_but_no_names(world, client):
    add(world, quantity=1500)
    add(world, quantity=500, user=world.neighbour)
    add(world, PledgeKind.MATERIALS, 4, material="Arena", unit="m³")
    page = client.get(url(world, "/aportaciones")).get_data(as_text=True)
    assert "$2,000" in page and "Arena (m³)" in page
    assert "Centro" in page and "Sauces" in page
    assert world.resident.name not in page and world.neighbour.name not in page
    assert 'type="application/json"' in page  # the chart's data block
    work_page = client.get(f"/procesos/{world.collab.id}/obras/{world.site.id}").get_data(
        as_text=True
    )
    assert "$2,000" in work_page and world.resident.name not in work_page
    process_page = client.get(f"/procesos/{world.collab.id}").get_data(as_text=True)
    assert "3 aportaciones" in process_page


def test_resident_cancels_own_pending_pledge_but_not_anothers(world, as_user):
    mine, theirs = add(world), add(world, user=world.neighbour)
    client = as_user(world.resident)
    assert client.post(url(world, f"/aportaciones/{theirs.id}/cancelar")).status_code == 403
    assert client.post(url(world, f"/aportaciones/{mine.id}/cancelar")).status_code == 302
    db.session.expire_all()
    assert mine.cancelled_at is not None and theirs.cancelled_at is None


def test_staff_records_walk_in_and_deliveries(world, as_user):
    client = as_user(world.staff)
    assert client.get(staff_url(world, "/nueva")).status_code == 200
    data = {
        "work_id": str(world.site.id),
        "person_name": "Don Julián",
        "colonia_id": str(world.colonias["Lomas"].id),
        "kind": "labour",
        "quantity": "12",
    }
    assert client.post(staff_url(world, "/nueva"), data=data).status_code == 302
    item = all_pledges()[0]
    assert (item.person, item.user_id) == ("Don Julián", None)
    listing = client.get(staff_url(world)).get_data(as_text=True)
    assert "Don Julián" in listing
    today = municipal_today().isoformat()
    deliver = staff_url(world, f"/{item.id}/entrega")
    assert client.post(deliver, data={"quantity": "5", "delivered_on": today}).status_code == 302
    over = client.post(deliver, data={"quantity": "8", "delivered_on": today})
    assert over.status_code == 400 and "más de lo que falta" in over.get_data(as_text=True)
    db.session.expire_all()
    assert item.delivered == 5
    assert "5 / 12" in client.get(staff_url(world, f"/{item.id}")).get_data(as_text=True)


def test_walk_in_without_colonia_is_400(world, as_user):
    data = {
        "work_id": str(world.site.id),
        "person_name": "Ana",
        "colonia_id": "",
        "kind": "money",
        "quantity": "5",
    }
    response = as_user(world.staff).post(staff_url(world, "/nueva"), data=data)
    assert response.status_code == 400 and "colonia" in response.get_data(as_text=True)
    assert all_pledges() == []


def test_staff_export_csv_has_names(world, as_user):
    add(world, note="=HYPERLINK()")
    response = as_user(world.staff).get(staff_url(world, "/aportaciones.csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert world.resident.name in text and "'=HYPERLINK()" in text


def test_residents_cannot_reach_staff_pages(world, as_user):
    item = add(world)
    client = as_user(world.resident)
    assert client.get(staff_url(world)).status_code == 403
    assert client.get(staff_url(world, "/aportaciones.csv")).status_code == 403
    today = municipal_today().isoformat()
    response = client.post(
        staff_url(world, f"/{item.id}/entrega"), data={"quantity": "1", "delivered_on": today}
    )
    assert response.status_code == 403
    assert item.deliveries == []


def test_cancel_needs_the_csrf_token(csrf_app, make):
    from participa.processes.types import ProcessType
    from tests.oversight.conftest import add_work

    colonias = make.territory()
    resident = make.user(colonia=colonias["Centro"])
    process = make.process(ProcessStatus.OPEN, ProcessType.COLABORACION)
    work = add_work(process, "Cancha")
    item = Pledge(work_id=work.id, user_id=resident.id, kind=PledgeKind.MONEY, quantity=5)
    db.session.add(item)
    db.session.commit()
    client = csrf_app.test_client()

    def token(page):
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]

    page = client.get("/cuenta/entrar").get_data(as_text=True)
    client.post(
        "/cuenta/entrar",
        data={"email": resident.email, "password": PASSWORD, "csrf_token": token(page)},
    )
    cancel = f"/procesos/{process.id}/aportaciones/{item.id}/cancelar"
    assert client.post(cancel).status_code == 400
    db.session.expire_all()
    assert item.cancelled_at is None
    page = client.get(f"/procesos/{process.id}/mis-aportaciones").get_data(as_text=True)
    assert client.post(cancel, data={"csrf_token": token(page)}).status_code == 302
    db.session.expire_all()
    assert item.cancelled_at is not None


def test_only_a_collaboration_adds_its_pledges_to_the_pages_of_its_works(world, as_user):
    """Collaboration plugs its section and panel into oversight's pages (oversight/registry.py)."""
    add(world, quantity=700)
    client = as_user(world.resident)
    site = client.get(url(world, f"/obras/{world.site.id}")).get_data(as_text=True)
    assert "Aportaciones de los vecinos" in site and "$700" in site
    assert f'href="{url(world, f"/obras/{world.site.id}/aportar")}"' in site
    audited = client.get(f"/procesos/{world.audit.id}/obras/{world.work.id}")
    assert audited.status_code == 200
    assert "Aportaciones de los vecinos" not in audited.get_data(as_text=True)
    client = as_user(world.staff)
    collab = client.get(f"/gestion/procesos/{world.collab.id}").get_data(as_text=True)
    assert "1 aportación hasta ahora." in collab and 'id="pledges-heading"' in collab
    audit = client.get(f"/gestion/procesos/{world.audit.id}").get_data(as_text=True)
    assert "/aportaciones/nueva" not in audit and 'id="pledges-heading"' not in audit
