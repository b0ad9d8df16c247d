"""The council's own expenses per session (fuel vouchers, refreshments, travel allowances).

Amounts are stored in centavos: travel allowances and receipts carry cents. A request goes
requested → approved or rejected; approved → paid. Totals per period are summed in SQL.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import extract, func, update

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.core.numbers import money_cents
from participa.council.commit import CONFLICT, commit, flush
from participa.council.models import (
    CouncilMember,
    CouncilSession,
    OperationKind,
    OperationRequest,
    OperationStatus,
)
from participa.extensions import db

MAX_DESCRIPTION = 300
MAX_CENTS = 10**12
NEXT_STATUS = {
    OperationStatus.REQUESTED: (OperationStatus.APPROVED, OperationStatus.REJECTED),
    OperationStatus.APPROVED: (OperationStatus.PAID, OperationStatus.REJECTED),
    OperationStatus.REJECTED: (),
    OperationStatus.PAID: (),
}
_MONEY = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")


def parse_cents(text: str) -> int | None:
    """Pesos as people write them ("$1,250.50", "350") in centavos; None if not money."""
    text = text.strip().replace("$", "").replace(" ", "").replace("\xa0", "")
    if not _MONEY.match(text):
        return None
    whole, _dot, cents = text.replace(",", "").partition(".")
    return int(whole) * 100 + int(cents.ljust(2, "0") or 0)


def pesos(cents: int) -> str:
    return money_cents(cents)


@dataclass(frozen=True)
class OperationData:
    kind: OperationKind
    member_id: int | None
    description: str
    amount_cents: int | None


def add_request(
    actor, session: CouncilSession, data: OperationData, spent_on: date, now: datetime
) -> OperationRequest:
    if not data.description.strip():
        raise DomainError(_l("Describe the request."), field="description")
    if len(data.description) > MAX_DESCRIPTION:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_DESCRIPTION), field="description")
    if data.amount_cents is None or not 0 < data.amount_cents < MAX_CENTS:
        raise DomainError(
            _l("Write the amount in pesos, more than zero (for example 1,250.50)."), field="amount"
        )
    if data.member_id is not None and db.session.get(CouncilMember, data.member_id) is None:
        raise DomainError(_l("Choose a member from the list."), field="member_id")
    request = OperationRequest(
        session_id=session.id,
        kind=data.kind,
        member_id=data.member_id,
        description=data.description.strip(),
        amount_cents=data.amount_cents,
        spent_on=spent_on,
        status_by_id=actor.id,
        status_at=now,
    )
    db.session.add(request)
    flush()
    record(actor, "council.operation.add", request, kind=data.kind, amount_cents=data.amount_cents)
    commit()
    return request


def set_status(actor, request: OperationRequest, status: OperationStatus, now: datetime) -> None:
    if status not in NEXT_STATUS[request.status]:
        raise DomainError(_l("A request in this status cannot take that status."))
    before = request.status
    # Conditional on the status just read: of two desks changing it at once (approved -> paid
    # and approved -> rejected), only the first counts; the other is told to reload.
    claimed = db.session.execute(
        update(OperationRequest)
        .where(OperationRequest.id == request.id, OperationRequest.status == before)
        .values(status=status, status_by_id=actor.id, status_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise DomainError(CONFLICT)
    record(actor, "council.operation.status", request, before=before, status=status)
    commit()
    db.session.refresh(request)


@dataclass(frozen=True)
class OperationFilter:
    year: int | None = None
    kind: OperationKind | None = None
    status: OperationStatus | None = None


def _filtered(query, wanted: OperationFilter):
    if wanted.year is not None:
        query = query.where(extract("year", OperationRequest.spent_on) == wanted.year)
    if wanted.kind is not None:
        query = query.where(OperationRequest.kind == wanted.kind)
    if wanted.status is not None:
        query = query.where(OperationRequest.status == wanted.status)
    return query


@dataclass(frozen=True)
class PeriodTotal:
    year: int
    month: int
    count: int
    cents: int


def totals(wanted: OperationFilter) -> list[PeriodTotal]:
    """Count and sum of the matching requests per year and month, oldest first."""
    year = extract("year", OperationRequest.spent_on)
    month = extract("month", OperationRequest.spent_on)
    query = _filtered(
        db.select(year, month, func.count(), func.sum(OperationRequest.amount_cents))
        .group_by(year, month)
        .order_by(year, month),
        wanted,
    )
    return [PeriodTotal(int(y), int(m), n, int(c)) for y, m, n, c in db.session.execute(query)]


def year_totals(wanted: OperationFilter) -> list[PeriodTotal]:
    """Count and sum of the matching requests per year (month 0), oldest first."""
    year = extract("year", OperationRequest.spent_on)
    query = _filtered(
        db.select(year, func.count(), func.sum(OperationRequest.amount_cents))
        .group_by(year)
        .order_by(year),
        wanted,
    )
    return [PeriodTotal(int(y), 0, n, int(c)) for y, n, c in db.session.execute(query)]


def find_requests(wanted: OperationFilter) -> list[OperationRequest]:
    query = db.select(OperationRequest).order_by(
        OperationRequest.spent_on.desc(), OperationRequest.id.desc()
    )
    return list(db.session.execute(_filtered(query, wanted)).scalars())


def for_session(session: CouncilSession) -> list[OperationRequest]:
    query = db.select(OperationRequest).where(OperationRequest.session_id == session.id)
    return list(db.session.execute(query.order_by(OperationRequest.id)).scalars())


def years() -> list[int]:
    year = extract("year", OperationRequest.spent_on)
    query = db.select(year).distinct().order_by(year.desc())
    return [int(y) for y in db.session.execute(query).scalars()]


def csv_rows(wanted: OperationFilter) -> Iterator[tuple]:
    yield ("id", "date", "session", "kind", "member", "description", "amount", "status")
    for r in find_requests(wanted):
        session = f"{r.session.kind.value} {r.session.number}/{r.session.year}"
        member = r.member.name if r.member else ""
        amount = f"{r.amount_cents // 100}.{r.amount_cents % 100:02d}"
        yield (
            r.id,
            r.spent_on.isoformat(),
            session,
            r.kind.value,
            member,
            r.description,
            amount,
            r.status.value,
        )
