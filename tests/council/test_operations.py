"""The council's expenses: amounts in centavos, status transitions, totals per period."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from participa.core.errors import DomainError
from participa.council import operations
from participa.council.models import OperationKind, OperationRequest, OperationStatus
from participa.council.operations import OperationFilter
from participa.extensions import db
from tests.council.conftest import NOW, convene


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("350", 35000),
        ("$1,250.50", 125050),
        ("1250.5", 125050),
        (" 99.99 ", 9999),
        ("1,25", None),
        ("abc", None),
        ("-5", None),
        ("1.234", None),
    ],
)
def test_amounts_are_read_as_people_write_them(text, cents):
    assert operations.parse_cents(text) == cents


def request_(staff, session, kind, cents, spent_on):
    data = operations.OperationData(kind, None, "Vales", cents)
    return operations.add_request(staff, session, data, spent_on, NOW)


def test_totals_per_month_follow_the_filters(staff, members):
    session = convene(staff)
    fuel = request_(staff, session, OperationKind.FUEL, 50000, date(2027, 3, 10))
    request_(staff, session, OperationKind.REFRESHMENTS, 120050, date(2027, 3, 10))
    request_(staff, session, OperationKind.FUEL, 30000, date(2027, 4, 14))
    request_(staff, session, OperationKind.FUEL, 10000, date(2026, 12, 9))
    everything = operations.totals(operations.OperationFilter())
    assert [(t.year, t.month, t.count, t.cents) for t in everything] == [
        (2026, 12, 1, 10000),
        (2027, 3, 2, 170050),
        (2027, 4, 1, 30000),
    ]
    assert [(t.year, t.count, t.cents) for t in operations.year_totals(OperationFilter())] == [
        (2026, 1, 10000),
        (2027, 3, 200050),
    ]
    fuel_2027 = operations.OperationFilter(year=2027, kind=OperationKind.FUEL)
    assert [(t.month, t.cents) for t in operations.totals(fuel_2027)] == [(3, 50000), (4, 30000)]
    operations.set_status(staff, fuel, OperationStatus.APPROVED, NOW)
    approved = operations.OperationFilter(status=OperationStatus.APPROVED)
    assert [t.cents for t in operations.totals(approved)] == [50000]
    assert operations.years() == [2027, 2026]


def test_status_goes_requested_approved_paid_and_no_way_back(staff, members):
    session = convene(staff)
    found = request_(staff, session, OperationKind.TRAVEL, 80000, date(2027, 3, 10))
    with pytest.raises(DomainError):
        operations.set_status(staff, found, OperationStatus.PAID, NOW)
    operations.set_status(staff, found, OperationStatus.APPROVED, NOW)
    operations.set_status(staff, found, OperationStatus.PAID, NOW)
    assert (found.status, found.status_by_id) == (OperationStatus.PAID, staff.id)
    with pytest.raises(DomainError):
        operations.set_status(staff, found, OperationStatus.REJECTED, NOW)


def test_a_request_needs_an_amount_above_zero(staff, members):
    session = convene(staff, datetime(2027, 3, 10, 17, tzinfo=UTC))
    with pytest.raises(DomainError) as error:
        request_(staff, session, OperationKind.FUEL, 0, date(2027, 3, 10))
    assert error.value.field == "amount"
    assert operations.for_session(session) == []


def test_of_two_desks_changing_a_status_at_once_only_the_first_counts(staff, members):
    session = convene(staff)
    found = request_(staff, session, OperationKind.TRAVEL, 80000, date(2027, 3, 10))
    operations.set_status(staff, found, OperationStatus.APPROVED, NOW)
    # Another desk marked it paid after this one read it as approved.
    db.session.execute(
        sa.update(OperationRequest)
        .where(OperationRequest.id == found.id)
        .values(status=OperationStatus.PAID)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    set_committed_value(found, "status", OperationStatus.APPROVED)  # this desk's stale read
    with pytest.raises(DomainError):
        operations.set_status(staff, found, OperationStatus.REJECTED, NOW)
    db.session.expire_all()
    assert found.status is OperationStatus.PAID
