"""Pledging help to a watched work, cancelling it, and recording what was delivered."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, update
from sqlalchemy.orm import selectinload

from participa.audit.services import record
from participa.collaboration.models import Delivery, Pledge, PledgeKind
from participa.core.errors import DomainError, NotAllowed
from participa.core.numbers import number
from participa.extensions import db
from participa.oversight.models import WatchedWork
from participa.oversight.subjects import participation_problem
from participa.processes.types import ProcessStatus
from participa.territory.models import Colonia

MAX_QUANTITY = 10**10  # ten thousand million pesos, hours or units: beyond is a typo
MAX_MATERIAL, MAX_UNIT, MAX_NOTE, MAX_NAME = 200, 40, 500, 160


@dataclass(frozen=True)
class PledgeData:
    kind: PledgeKind
    quantity: int | None
    material: str = ""
    unit: str = ""
    note: str = ""


def pledged_on(work_id: int):
    """A pledge, cancelled or not, keeps its work (the staff's records): oversight asks
    (registered in collaboration/hooks.py)."""
    return exists().where(Pledge.work_id == work_id)


def _check(data: PledgeData) -> None:
    if data.quantity is None or not 0 < data.quantity <= MAX_QUANTITY:
        raise DomainError(_l("Write a whole number greater than zero."), field="quantity")
    if data.kind is PledgeKind.MATERIALS:
        if not data.material.strip():
            raise DomainError(_l("Say which material, for example cement."), field="material")
        if not data.unit.strip():
            raise DomainError(_l("Say the unit, for example sacks or m³."), field="unit")
    for value, limit, field in (
        (data.material, MAX_MATERIAL, "material"),
        (data.unit, MAX_UNIT, "unit"),
        (data.note, MAX_NOTE, "note"),
    ):
        if len(value) > limit:
            raise DomainError(_l("At most %(n)s characters.", n=limit), field=field)


def _new(work: WatchedWork, data: PledgeData, now: datetime, **person) -> Pledge:
    materials = data.kind is PledgeKind.MATERIALS
    return Pledge(
        work_id=work.id,
        kind=data.kind,
        quantity=data.quantity,
        material=data.material.strip() if materials else "",
        unit=data.unit.strip() if materials else "",
        note=data.note.strip(),
        created_at=now,
        **person,
    )


def pledge(work: WatchedWork, user, data: PledgeData, now: datetime, today: date) -> Pledge:
    """Record a resident's pledge; a resident may pledge several times."""
    if problem := participation_problem(work.process, user, today):
        raise DomainError(problem)
    _check(data)
    item = _new(work, data, now, user_id=user.id, colonia_id=user.colonia_id)
    db.session.add(item)
    db.session.commit()
    return item


def record_walk_in(
    actor,
    work: WatchedWork,
    name: str,
    colonia_id: int | None,
    data: PledgeData,
    now: datetime,
    social_council_id: int | None = None,
) -> Pledge:
    """Staff capture the pledge of a person without an account (name and colonia), or of a
    consejo social (`social_council_id`: its name; a council of a sector may have no colonia)."""
    if work.process.status is not ProcessStatus.OPEN:
        raise DomainError(_l("This process is not open for participation now."))
    name = name.strip()
    if not name:
        raise DomainError(_l("Write the person's name."), field="person_name")
    if len(name) > MAX_NAME:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_NAME), field="person_name")
    if colonia_id is not None or social_council_id is None:
        _check_colonia(work, colonia_id)
    _check(data)
    item = _new(
        work, data, now, person_name=name, colonia_id=colonia_id, recorded_by_id=actor.id,
        social_council_id=social_council_id,
    )  # fmt: skip
    db.session.add(item)
    db.session.flush()
    record(actor, "collaboration.pledge.walk_in", item, work=work.id, kind=data.kind,
           social_council=social_council_id)  # fmt: skip
    db.session.commit()
    return item


def _check_colonia(work: WatchedWork, colonia_id: int | None) -> None:
    colonia = db.session.get(Colonia, colonia_id) if colonia_id is not None else None
    if colonia is None:
        raise DomainError(_l("Choose the person's colonia."), field="colonia_id")
    if not work.process.covers(colonia):
        raise DomainError(
            _l("This process is for residents of other zones of the municipality."),
            field="colonia_id",
        )


def pending(item: Pledge) -> bool:
    """A pledge that is neither cancelled nor has any delivery yet."""
    return item.cancelled_at is None and not item.deliveries


def cancel(user, item: Pledge, now: datetime) -> None:
    """Let a resident withdraw their own pledge while nothing has been delivered."""
    if item.user_id != user.id:
        raise NotAllowed(_l("You can only cancel your own pledges."))
    if not pending(item):
        raise DomainError(_l("Only pledges with nothing delivered yet can be cancelled."))
    item.cancelled_at = now
    db.session.commit()


def delivered_quantity(item: Pledge) -> int:
    query = db.select(func.coalesce(func.sum(Delivery.quantity), 0))
    return db.session.execute(query.where(Delivery.pledge_id == item.id)).scalar_one()


@dataclass(frozen=True)
class DeliveryData:
    quantity: int | None
    delivered_on: date | None
    note: str = ""


def record_delivery(actor, item: Pledge, data: DeliveryData, today: date) -> Delivery:
    """Record what was delivered; the total cannot go over the pledge."""
    if item.cancelled_at is not None:
        raise DomainError(_l("This pledge was cancelled."))
    if data.quantity is None or data.quantity <= 0:
        raise DomainError(_l("Write a whole number greater than zero."), field="quantity")
    # Take the pledge for this transaction so two desks recording at once cannot both fit
    # the rest: PostgreSQL locks the row; SQLite ignores FOR UPDATE, so a write that changes
    # nothing takes its database write lock first and the sum read after it is current.
    table = Pledge.__table__
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(update(table).where(table.c.id == item.id).values(id=table.c.id))
    db.session.execute(db.select(Pledge.id).where(Pledge.id == item.id).with_for_update())
    left = item.quantity - delivered_quantity(item)
    if data.quantity > left:
        raise DomainError(
            _l(
                "That is more than what is left of the pledge (%(n)s). Record a new pledge "
                "for the extra.",
                n=number(left),
            ),
            field="quantity",
        )
    if data.delivered_on is None or data.delivered_on > today:
        raise DomainError(
            _l("Give the delivery date; it cannot be in the future."), field="delivered_on"
        )
    if len(data.note) > MAX_NOTE:
        raise DomainError(_l("At most %(n)s characters.", n=MAX_NOTE), field="note")
    delivery = Delivery(
        quantity=data.quantity,
        delivered_on=data.delivered_on,
        note=data.note.strip(),
        recorded_by_id=actor.id,
    )
    item.deliveries.append(delivery)
    db.session.flush()
    record(actor, "collaboration.delivery", item, quantity=data.quantity, on=data.delivered_on)
    db.session.commit()
    return delivery


def get_pledge(process, pledge_id: int) -> Pledge | None:
    item = db.session.get(Pledge, pledge_id)
    return item if item is not None and item.work.process_id == process.id else None


def user_pledges(process, user) -> list[Pledge]:
    query = (
        db.select(Pledge)
        .join(WatchedWork)
        .where(WatchedWork.process_id == process.id, Pledge.user_id == user.id)
        .options(selectinload(Pledge.deliveries), selectinload(Pledge.work))
    )
    return list(db.session.execute(query.order_by(Pledge.id.desc())).scalars())


def process_pledges(process, work_id: int | None = None) -> list[Pledge]:
    """Every pledge of the process for staff, newest first."""
    query = db.select(Pledge).join(WatchedWork).where(WatchedWork.process_id == process.id)
    if work_id is not None:
        query = query.where(Pledge.work_id == work_id)
    query = query.options(
        selectinload(Pledge.deliveries),
        selectinload(Pledge.work),
        selectinload(Pledge.user),
        selectinload(Pledge.colonia),
    )
    return list(db.session.execute(query.order_by(Pledge.id.desc())).scalars())
