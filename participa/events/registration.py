"""Registering for an event: seats up to its capacity, then a waiting list in arrival order.

Every change of seats happens with the event's row locked (`services.lock_event`), so two
people can never take the last seat at once; the unique (event, user) constraint keeps one
registration per person even if the same person sends the form twice at the same moment.
"""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from participa.core.errors import DomainError
from participa.events.models import Event, Registration, RegistrationStatus
from participa.events.services import confirmed_count, lock_event, promote, resident_problem
from participa.extensions import db

ALREADY_REGISTERED = _l("You are already registered for this event.")


class AlreadyRegistered(DomainError):
    pass


def registration_window_problem(event: Event, now: datetime):
    """Why nobody can register now, or None."""
    if event.has_started(now):
        return _l("This event has already started; registration is closed.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _l("Registration has not opened yet.")
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _l("Registration is closed.")
    return None


def registration_of(event: Event, user) -> Registration | None:
    query = db.select(Registration).where(
        Registration.event_id == event.id, Registration.user_id == user.id
    )
    return db.session.execute(query).scalar_one_or_none()


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting; None for a confirmed seat."""
    if registration.status is not RegistrationStatus.WAITLISTED:
        return None
    query = db.select(sa.func.count(Registration.id)).where(
        Registration.event_id == registration.event_id,
        Registration.status == RegistrationStatus.WAITLISTED,
        Registration.id <= registration.id,
    )
    return db.session.execute(query).scalar_one()


def registration_problem(event: Event, user, *, now: datetime, today: date):
    """Why `user` cannot register for `event` now, or None."""
    return resident_problem(event.process, user, today) or registration_window_problem(event, now)


def register(event_id: int, user, *, now: datetime, today: date) -> Registration:
    """Give `user` a seat if one is free, else a place on the waiting list."""
    event = lock_event(event_id)
    if registration_of(event, user) is not None:
        db.session.rollback()
        raise AlreadyRegistered(ALREADY_REGISTERED)
    if problem := registration_problem(event, user, now=now, today=today):
        db.session.rollback()
        raise DomainError(problem)
    full = event.capacity is not None and confirmed_count(event) >= event.capacity
    status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
    registration = Registration(event_id=event.id, user_id=user.id, status=status, created_at=now)
    db.session.add(registration)
    try:
        db.session.commit()
    except IntegrityError as error:  # the same person's other request won
        db.session.rollback()
        raise AlreadyRegistered(ALREADY_REGISTERED) from error
    return registration


def cancel(event_id: int, user, *, now: datetime) -> None:
    """Give up a seat or a place on the waiting list; the first one waiting gets the seat."""
    event = lock_event(event_id)
    registration = registration_of(event, user)
    if registration is None:
        db.session.rollback()
        raise DomainError(_l("You are not registered for this event."))
    if event.has_started(now):
        db.session.rollback()
        raise DomainError(_l("The event has started; the registration can no longer change."))
    db.session.delete(registration)
    db.session.flush()
    promote(event)
    db.session.commit()


def registrations(event: Event) -> list[Registration]:
    """Confirmed seats first, then the waiting list, each in arrival order."""
    waiting_last = sa.case((Registration.status == RegistrationStatus.WAITLISTED, 1), else_=0)
    query = (
        db.select(Registration)
        .where(Registration.event_id == event.id)
        .options(joinedload(Registration.user))
        .order_by(waiting_last, Registration.id)
    )
    return list(db.session.execute(query).scalars())


def registration_rows(event: Event):
    """Rows for the staff CSV of registrations."""
    yield ("posicion", "estado", "nombre", "curp", "colonia", "correo", "registro_utc")
    for position, registration in enumerate(registrations(event), start=1):
        user = registration.user
        yield (
            position,
            "confirmado" if registration.status is RegistrationStatus.CONFIRMED else "en espera",
            user.name,
            user.curp or "",
            user.colonia.name if user.colonia else "",
            user.email,
            registration.created_at.isoformat(timespec="seconds"),
        )
