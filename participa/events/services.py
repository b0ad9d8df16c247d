"""Events of a process: staff create and change them; residents' eligibility; locking."""

from dataclasses import dataclass, fields
from datetime import date, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.events.models import Event, Registration, RegistrationStatus
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.services import public_process_ids
from participa.processes.types import Component, ProcessStatus
from participa.tally import age_on
from participa.territory.models import Colonia

MAX_TITLE = 200
MAX_PLACE = 300
MAX_URL = 500
MAX_AGENDA = 20_000
# Residents register and ask while the process is announced or open.
TAKING_PART = (ProcessStatus.PUBLISHED, ProcessStatus.OPEN)


@dataclass(frozen=True)
class EventData:
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    online_url: str = ""
    colonia_id: int | None = None
    capacity: int | None = None
    agenda: str = ""
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    questions_allowed: bool = True


def public_filter():
    """Events anyone may find: those of a process that is not a draft (as the event page)."""
    return Event.process_id.in_(public_process_ids())


def events_of(process: Process) -> list[Event]:
    query = db.select(Event).where(Event.process_id == process.id).order_by(Event.starts_at)
    return list(db.session.execute(query).scalars())


def get_event(process: Process, event_id: int) -> Event | None:
    event = db.session.get(Event, event_id)
    return event if event is not None and event.process_id == process.id else None


def lock_event(event_id: int) -> Event:
    """Take the event's row for this transaction, so seats are counted by one writer at once.

    PostgreSQL locks the row (SELECT ... FOR UPDATE). SQLite has one write lock per database;
    pysqlite opens the transaction at the first write, so a write that changes nothing takes
    that lock now (as BEGIN IMMEDIATE would) and every count read after it is current.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        table = Event.__table__
        db.session.execute(sa.update(table).where(table.c.id == event_id).values(id=table.c.id))
    query = (
        db.select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return db.session.execute(query).scalar_one()


def confirmed_count(event: Event) -> int:
    query = db.select(sa.func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
    )
    return db.session.execute(query).scalar_one()


def seats_left(event: Event) -> int | None:
    """Free seats, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - confirmed_count(event), 0)


def promote(event: Event) -> list[Registration]:
    """Give free seats to the waiting list in arrival order (the caller holds the lock)."""
    free = None if event.capacity is None else event.capacity - confirmed_count(event)
    query = (
        db.select(Registration)
        .where(Registration.event_id == event.id)
        .where(Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.id)
    )
    if free is not None:
        query = query.limit(max(free, 0))
    promoted = list(db.session.execute(query).scalars())
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
    db.session.flush()
    return promoted


def resident_problem(process: Process, user, today: date):
    """Why `user` cannot take part in the events of `process`, or None."""
    if process.status not in TAKING_PART:
        return _l("This process is not taking part now.")
    if not user.curp or user.colonia is None:
        return _l("Only residents registered with their CURP and colonia can take part.")
    if not process.covers(user.colonia):
        return _l("This process is for residents of other zones of the municipality.")
    if process.min_age is not None and age_on(user.birth_date, today) < process.min_age:
        return _l("This process is for people aged %(age)s or more.", age=process.min_age)
    return None


def _valid_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text


MAX_ID = 2**31 - 1  # ids are 32-bit integers; a bigger number cannot name a row


def _check(data: EventData) -> None:
    if not data.title.strip():
        raise DomainError(_l("Give the event a title."), field="title")
    if data.ends_at <= data.starts_at:
        raise DomainError(_l("The event must end after it starts."), field="ends_at")
    if not data.place.strip() and not data.online_url.strip():
        raise DomainError(_l("Say where the event takes place or give its online link."), "place")
    if data.online_url and not _valid_url(data.online_url):
        raise DomainError(
            _l("The link must be a web address starting with http:// or https://."), "online_url"
        )
    if data.capacity is not None and data.capacity < 1:
        raise DomainError(_l("Seats must be at least 1, or empty for no limit."), "capacity")
    if data.colonia_id is not None and (
        not 0 < data.colonia_id <= MAX_ID or db.session.get(Colonia, data.colonia_id) is None
    ):
        raise DomainError(_l("Choose a colonia from the list."), field="colonia_id")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens and closes and closes <= opens:
        raise DomainError(
            _l("Registration must close after it opens."), field="registration_closes_at"
        )
    if closes and closes > data.ends_at:
        raise DomainError(
            _l("Registration cannot close after the event ends."), "registration_closes_at"
        )


def save_event(actor, process: Process, event: Event | None, data: EventData) -> Event:
    """Create or change an event of `process`; more seats let the waiting list in."""
    if Component.EVENT not in process.components:
        raise DomainError(_l("This kind of process has no events."))
    if process.status is ProcessStatus.ARCHIVED:
        raise DomainError(_l("An archived process cannot change."))
    _check(data)
    if event is not None:
        event = lock_event(event.id)
        taken = confirmed_count(event)
        if data.capacity is not None and data.capacity < taken:
            db.session.rollback()  # let the lock go
            message = _l("%(num)s people already have a seat; seats cannot be fewer.", num=taken)
            raise DomainError(message, field="capacity")
    event = event or Event(process_id=process.id)
    for name in (f.name for f in fields(EventData)):
        setattr(event, name, getattr(data, name))
    event.place, event.online_url = data.place.strip(), data.online_url.strip()
    db.session.add(event)
    db.session.flush()
    promoted = promote(event)
    record(
        actor,
        "event.save",
        event,
        process=process.id,
        title=event.title,
        starts_at=event.starts_at,
        capacity=event.capacity,
        promoted=len(promoted),
    )
    db.session.commit()
    return event
