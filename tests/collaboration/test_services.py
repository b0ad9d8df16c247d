"""Collaboration services: pledges of each kind, walk-ins, cancelling, deliveries, totals."""

from datetime import UTC, date, datetime

import pytest

from participa.audit.models import AuditEvent
from participa.collaboration import pledges, totals
from participa.collaboration.models import Pledge, PledgeKind
from participa.core.errors import DomainError, NotAllowed
from participa.extensions import db
from participa.processes.types import ProcessStatus
from tests.oversight.conftest import add_work

NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
MONEY = pledges.PledgeData(PledgeKind.MONEY, 1500)
HOURS = pledges.PledgeData(PledgeKind.LABOUR, 8, note="Los sábados")
CEMENT = pledges.PledgeData(PledgeKind.MATERIALS, 10, "Cemento gris", "bultos")


def give(world, data, user=None, work=None):
    return pledges.pledge(work or world.site, user or world.resident, data, NOW, TODAY)


def deliver(world, item, n, on=TODAY):
    return pledges.record_delivery(world.staff, item, pledges.DeliveryData(n, on), TODAY)


def test_pledges_of_each_kind_several_per_resident(world):
    money, hours, cement = give(world, MONEY), give(world, HOURS), give(world, CEMENT)
    assert (money.kind, money.quantity, money.unit) == (PledgeKind.MONEY, 1500, "")
    assert (hours.quantity, hours.note) == (8, "Los sábados")
    assert (cement.material, cement.unit, cement.quantity) == ("Cemento gris", "bultos", 10)
    assert {p.colonia_id for p in (money, hours, cement)} == {world.colonias["Centro"].id}
    assert len(pledges.user_pledges(world.collab, world.resident)) == 3


def test_material_fields_are_dropped_for_money(world):
    item = give(world, pledges.PledgeData(PledgeKind.MONEY, 100, "arena", "m³"))
    assert (item.material, item.unit) == ("", "")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (pledges.PledgeData(PledgeKind.MONEY, 0), "quantity"),
        (pledges.PledgeData(PledgeKind.MONEY, None), "quantity"),
        (pledges.PledgeData(PledgeKind.LABOUR, 10**11), "quantity"),
        (pledges.PledgeData(PledgeKind.MATERIALS, 3, "", "bultos"), "material"),
        (pledges.PledgeData(PledgeKind.MATERIALS, 3, "Arena", ""), "unit"),
        (pledges.PledgeData(PledgeKind.MONEY, 3, note="x" * 501), "note"),
    ],
)
def test_bad_pledge_is_refused_and_nothing_stored(world, data, field):
    with pytest.raises(DomainError) as raised:
        give(world, data)
    assert raised.value.field == field
    assert db.session.execute(db.select(Pledge)).first() is None


def test_pledges_only_while_open_and_by_registered_residents(world):
    with pytest.raises(DomainError):
        give(world, MONEY, user=world.staff)
    world.collab.status = ProcessStatus.CLOSED
    with pytest.raises(DomainError):
        give(world, MONEY)
    assert db.session.execute(db.select(Pledge)).first() is None


def test_walk_in_pledge_for_a_person_without_account(world):
    sauces = world.colonias["Sauces"].id
    item = pledges.record_walk_in(world.staff, world.site, " Doña Rosa ", sauces, HOURS, NOW)
    assert (item.person, item.user_id, item.colonia_id) == ("Doña Rosa", None, sauces)
    assert item.recorded_by_id == world.staff.id
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert actions == ["collaboration.pledge.walk_in"]


@pytest.mark.parametrize(
    ("name", "colonia", "field"), [("", 1, "person_name"), ("Ana", None, "colonia_id")]
)
def test_walk_in_needs_name_and_colonia(world, name, colonia, field):
    with pytest.raises(DomainError) as raised:
        pledges.record_walk_in(world.staff, world.site, name, colonia, MONEY, NOW)
    assert raised.value.field == field
    assert db.session.execute(db.select(Pledge)).first() is None


def test_resident_cancels_own_pending_pledge_only(world):
    mine = give(world, MONEY)
    with pytest.raises(NotAllowed):
        pledges.cancel(world.neighbour, mine, NOW)
    assert mine.cancelled_at is None
    pledges.cancel(world.resident, mine, NOW)
    assert mine.cancelled_at is not None
    started = give(world, HOURS)
    deliver(world, started, 2)
    with pytest.raises(DomainError):
        pledges.cancel(world.resident, started, NOW)
    assert started.cancelled_at is None


def test_partial_deliveries_and_over_delivery_refused(world):
    item = give(world, CEMENT)
    deliver(world, item, 4)
    deliver(world, item, 5)
    with pytest.raises(DomainError, match="1") as raised:
        deliver(world, item, 2)
    assert raised.value.field == "quantity"
    assert pledges.delivered_quantity(item) == 9
    deliver(world, item, 1)
    assert item.delivered == 10
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert actions == ["collaboration.delivery"] * 3


def test_delivery_date_cannot_be_in_the_future_and_cancelled_pledges_take_none(world):
    item = give(world, MONEY)
    with pytest.raises(DomainError) as raised:
        deliver(world, item, 10, on=date(2026, 12, 2))
    assert raised.value.field == "delivered_on"
    pledges.cancel(world.resident, item, NOW)
    with pytest.raises(DomainError):
        deliver(world, item, 10)
    assert item.deliveries == []


def test_totals_per_work_and_per_colonia(world):
    second = add_work(world.collab, "Banquetas de Sauces")
    a = give(world, MONEY)
    give(world, pledges.PledgeData(PledgeKind.MONEY, 500), user=world.neighbour)
    give(world, CEMENT)
    give(world, pledges.PledgeData(PledgeKind.MATERIALS, 3, "Cemento gris", "bultos"))
    give(world, pledges.PledgeData(PledgeKind.MATERIALS, 2, "Arena", "m³"))
    give(world, HOURS, work=second)
    cancelled = give(world, pledges.PledgeData(PledgeKind.MONEY, 99_999))
    pledges.cancel(world.resident, cancelled, NOW)
    deliver(world, a, 1000)

    per_work = totals.by_work(world.collab)
    site = {(line.kind, line.material, line.unit): line for line in per_work[world.site.id]}
    assert site[(PledgeKind.MONEY, "", "")].pledged == 2000
    assert site[(PledgeKind.MONEY, "", "")].delivered == 1000
    assert site[(PledgeKind.MATERIALS, "Cemento gris", "bultos")].pledged == 13
    assert site[(PledgeKind.MATERIALS, "Arena", "m³")].pledged == 2
    assert [(line.kind, line.pledged) for line in per_work[second.id]] == [(PledgeKind.LABOUR, 8)]

    per_colonia = totals.by_colonia(world.collab)
    centro, sauces = world.colonias["Centro"].id, world.colonias["Sauces"].id
    money = {
        c: [x for x in lines if x.kind is PledgeKind.MONEY] for c, lines in per_colonia.items()
    }
    assert [(x.pledged, x.delivered) for x in money[centro]] == [(1500, 1000)]
    assert [(x.pledged, x.delivered) for x in money[sauces]] == [(500, 0)]
    assert totals.pledge_counts(world.collab) == {world.site.id: 5, second.id: 1}


def test_money_chart_and_csv(world):
    item = give(world, MONEY)
    deliver(world, item, 500)
    chart = totals.money_chart([world.site], totals.by_work(world.collab))
    assert chart.rows == ((world.site.name, "$1,500", "$500"),)
    assert [t["x"] for t in chart.figure["data"]] == [[1500], [500]]
    rows = list(totals.csv_rows(pledges.process_pledges(world.collab)))
    assert rows[0][0] == "pledge_id" and rows[1][7] == world.resident.name
    assert totals.money_chart([world.site], {}) is None


def test_walk_in_from_outside_the_scope_is_refused(world):
    from participa.processes.types import ScopeKind

    world.collab.scope = ScopeKind.COLONIAS
    world.collab.colonias = [world.colonias["Centro"]]
    db.session.commit()
    sauces = world.colonias["Sauces"].id
    with pytest.raises(DomainError) as raised:
        pledges.record_walk_in(world.staff, world.site, "Ana", sauces, MONEY, NOW)
    assert raised.value.field == "colonia_id"
    assert db.session.execute(db.select(Pledge)).first() is None


def test_totals_per_colonia_are_listed_by_name(world):
    give(world, MONEY, user=world.neighbour)  # Sauces
    give(world, MONEY)  # Centro
    assert [name for name, _lines in totals.by_colonia_named(world.collab)] == ["Centro", "Sauces"]


def test_a_work_whose_only_pledge_was_cancelled_is_kept(world):
    from participa.oversight import subjects

    item = give(world, MONEY)
    pledges.cancel(world.resident, item, NOW)
    with pytest.raises(DomainError):
        subjects.delete_work(world.staff, world.site)
    db.session.expire_all()
    assert db.session.get(Pledge, item.id) is not None
    assert subjects.get_work(world.collab, world.site.id) is not None
