"""Requests to other offices (state planning, purchasing): items, status, answer, totals.

A request goes draft → sent → answered → fulfilled, or is rejected once sent or answered.
Items change only while it is a draft, so what was sent is what is counted.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.council import operations
from participa.council.commit import commit, flush
from participa.council.models import CouncilSession
from participa.extensions import db
from participa.officeplan.models import (
    Office,
    OfficeRequest,
    PlanActivity,
    RequestItem,
    RequestStatus,
)

MAX_SUBJECT = 200
MAX_ITEM = 300
MAX_QUANTITY = 100_000
MAX_ANSWER = 5000
NEXT_STATUS = {
    RequestStatus.DRAFT: (RequestStatus.SENT,),
    RequestStatus.SENT: (RequestStatus.ANSWERED, RequestStatus.REJECTED),
    RequestStatus.ANSWERED: (RequestStatus.FULFILLED, RequestStatus.REJECTED),
    RequestStatus.FULFILLED: (),
    RequestStatus.REJECTED: (),
}
NEEDS_ANSWER = (RequestStatus.ANSWERED, RequestStatus.REJECTED)
_QUANTITY = re.compile(r"^\d{1,6}$")


@dataclass(frozen=True)
class RequestData:
    year: int | None
    office: Office
    subject: str
    activity_id: int | None
    council_session_id: int | None


def create_request(actor, data: RequestData) -> OfficeRequest:
    if data.year is None or not 2000 <= data.year <= 2100:
        raise DomainError(_l("Write the period's year (for example 2026)."), field="year")
    subject = data.subject.strip()
    if not subject or len(subject) > MAX_SUBJECT:
        raise DomainError(_l("Write what is requested, in at most 200 characters."), "subject")
    if data.activity_id is not None and db.session.get(PlanActivity, data.activity_id) is None:
        raise DomainError(_l("Choose an activity from the list."), field="activity_id")
    session_id = data.council_session_id
    if session_id is not None and db.session.get(CouncilSession, session_id) is None:
        raise DomainError(_l("Choose a session from the list."), field="council_session_id")
    found = OfficeRequest(
        year=data.year,
        office=data.office,
        subject=subject,
        activity_id=data.activity_id,
        council_session_id=session_id,
        created_by_id=actor.id,
    )
    db.session.add(found)
    flush()
    record(actor, "officeplan.request.create", found, office=data.office)
    commit()
    return found


def add_item(actor, found: OfficeRequest, description: str, quantity: str, unit: str) -> None:
    """Add a line (description, quantity, unit amount in pesos) to a draft request."""
    if found.status is not RequestStatus.DRAFT:
        raise DomainError(_l("Items change only while the request is a draft."))
    description = description.strip()
    if not description or len(description) > MAX_ITEM:
        raise DomainError(_l("Describe the item in at most 300 characters."), "description")
    quantity = quantity.strip()
    if not _QUANTITY.match(quantity) or not 0 < int(quantity) <= MAX_QUANTITY:
        raise DomainError(_l("Write a whole quantity, more than zero."), field="quantity")
    cents = operations.parse_cents(unit)
    if cents is None or cents >= operations.MAX_CENTS:
        raise DomainError(
            _l("Write the amount in pesos (for example 1,250.50)."), field="unit_amount"
        )
    found.items.append(
        RequestItem(description=description, quantity=int(quantity), unit_cents=cents)
    )
    record(actor, "officeplan.request.item", found, quantity=int(quantity), unit_cents=cents)
    commit()


def set_status(
    actor, found: OfficeRequest, status: RequestStatus, answer: str, answered_on: date | None
) -> None:
    if status not in NEXT_STATUS[found.status]:
        raise DomainError(_l("A request in this status cannot take that status."))
    if status is RequestStatus.SENT and not found.items:
        raise DomainError(_l("Add at least one item before sending the request."))
    answer = answer.strip()
    if status in NEEDS_ANSWER and (not answer or answered_on is None):
        raise DomainError(_l("Write the answer received and its date."), field="answer")
    if len(answer) > MAX_ANSWER:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_ANSWER), field="answer")
    before = found.status
    found.status = status
    if status in NEEDS_ANSWER:
        found.answer, found.answered_on = answer, answered_on
    record(actor, "officeplan.request.status", found, before=before, status=status)
    commit()


def requests_of(year: int | None) -> list[OfficeRequest]:
    query = (
        db.select(OfficeRequest)
        .options(selectinload(OfficeRequest.items))
        .order_by(OfficeRequest.id.desc())
    )
    if year is not None:
        query = query.where(OfficeRequest.year == year)
    return list(db.session.execute(query).scalars())


def years() -> list[int]:
    query = db.select(OfficeRequest.year).distinct()
    return sorted(set(db.session.execute(query).scalars()) | set(operations.years()), reverse=True)


@dataclass(frozen=True)
class PeriodTotals:
    """One year's requests by office and status, beside the council's own expenses."""

    year: int
    by_office: dict  # Office -> cents of requests not rejected
    requests_cents: int
    council_cents: int
    council_count: int

    @property
    def total_cents(self) -> int:
        return self.requests_cents + self.council_cents


def period_totals(year: int) -> PeriodTotals:
    """Sums in SQL: requests by office (rejected ones left out) and the council's expenses."""
    line = RequestItem.quantity * RequestItem.unit_cents
    query = (
        db.select(OfficeRequest.office, db.func.coalesce(db.func.sum(line), 0))
        .join(RequestItem, RequestItem.request_id == OfficeRequest.id)
        .where(OfficeRequest.year == year, OfficeRequest.status != RequestStatus.REJECTED)
        .group_by(OfficeRequest.office)
    )
    by_office = {Office(o): int(c) for o, c in db.session.execute(query)}
    council = operations.year_totals(operations.OperationFilter(year=year))
    return PeriodTotals(
        year=year,
        by_office=by_office,
        requests_cents=sum(by_office.values()),
        council_cents=sum(t.cents for t in council),
        council_count=sum(t.count for t in council),
    )


def csv_rows(year: int | None) -> Iterator[tuple]:
    yield ("id", "year", "office", "subject", "status", "item", "quantity", "unit", "amount")
    for found in requests_of(year):
        for item in found.items or [None]:
            yield (
                found.id,
                found.year,
                found.office.value,
                found.subject,
                found.status.value,
                item.description if item else "",
                item.quantity if item else "",
                _decimal(item.unit_cents) if item else "",
                _decimal(item.total_cents) if item else "",
            )


def _decimal(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"
