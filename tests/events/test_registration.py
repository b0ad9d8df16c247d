"""Registering: seats, the waiting list in arrival order, promotion on cancel, one per person."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.events import registration, services
from participa.events.models import Registration, RegistrationStatus
from participa.extensions import db
from participa.processes.types import ProcessStatus, ScopeKind
from tests.events.conftest import new_event

TODAY = date.today()
CONFIRMED, WAITLISTED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED


def register(event, user, now=None):
    return registration.register(event.id, user, now=now or utcnow(), today=TODAY)


def statuses(event) -> list[tuple[int, RegistrationStatus]]:
    return [(r.user_id, r.status) for r in registration.registrations(event)]


def test_seats_go_first_then_the_waiting_list_in_arrival_order(event, residents):
    for person in residents[:4]:
        register(event, person)
    a, b, c, d = (p.id for p in residents[:4])
    assert statuses(event) == [(a, CONFIRMED), (b, CONFIRMED), (c, WAITLISTED), (d, WAITLISTED)]
    third = registration.registration_of(event, residents[2])
    fourth = registration.registration_of(event, residents[3])
    assert (registration.waitlist_position(third), registration.waitlist_position(fourth)) == (1, 2)
    assert services.seats_left(event) == 0


def test_cancelling_a_seat_gives_it_to_the_first_on_the_waiting_list(event, residents):
    for person in residents[:4]:
        register(event, person)
    registration.cancel(event.id, residents[0], now=utcnow())
    a, b, c, d = (p.id for p in residents[:4])
    assert statuses(event) == [(b, CONFIRMED), (c, CONFIRMED), (d, WAITLISTED)]
    fourth = registration.registration_of(event, residents[3])
    assert registration.waitlist_position(fourth) == 1


def test_cancelling_from_the_waiting_list_promotes_nobody(event, residents):
    for person in residents[:4]:
        register(event, person)
    registration.cancel(event.id, residents[3], now=utcnow())
    assert [s for _u, s in statuses(event)] == [CONFIRMED, CONFIRMED, WAITLISTED]


def test_one_registration_per_person(event, residents):
    register(event, residents[0])
    with pytest.raises(registration.AlreadyRegistered):
        register(event, residents[0])
    assert len(statuses(event)) == 1


def test_the_database_refuses_a_second_registration(event, residents):
    db.session.add(Registration(event_id=event.id, user_id=residents[0].id, status=CONFIRMED))
    db.session.commit()
    db.session.add(Registration(event_id=event.id, user_id=residents[0].id, status=WAITLISTED))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_no_capacity_means_everyone_gets_a_seat(process, residents):
    event = new_event(process)
    for person in residents:
        register(event, person)
    assert {s for _u, s in statuses(event)} == {CONFIRMED}
    assert services.seats_left(event) is None


@pytest.mark.parametrize(
    "change, message",
    [
        ({"registration_opens_at_days": 1}, "Registration has not opened yet."),
        ({"registration_closes_at_days": -1}, "Registration is closed."),
        ({"days": -0.01}, "This event has already started; registration is closed."),
    ],
)
def test_registration_window(process, residents, change, message):
    now = utcnow()
    fields = {}
    if "registration_opens_at_days" in change:
        fields["registration_opens_at"] = now + timedelta(days=change["registration_opens_at_days"])
    if "registration_closes_at_days" in change:
        fields["registration_closes_at"] = now + timedelta(
            days=change["registration_closes_at_days"]
        )
    event = new_event(process, days=change.get("days", 7), **fields)
    with pytest.raises(DomainError) as error:
        register(event, residents[0], now=now)
    assert str(error.value) == message
    assert statuses(event) == []


def test_only_eligible_residents_register(make, colonias, process, residents):
    process.scope = ScopeKind.COLONIAS
    process.colonias = [colonias["Lomas"]]
    db.session.commit()
    event = new_event(process)
    with pytest.raises(DomainError, match="other zones"):
        register(event, residents[0])
    no_curp = make.user(colonia=None)
    with pytest.raises(DomainError, match="CURP and colonia"):
        register(event, no_curp)
    process.status = ProcessStatus.DRAFT
    db.session.commit()
    with pytest.raises(DomainError, match="not taking part"):
        register(event, make.user(colonia=colonias["Lomas"]))
    assert statuses(event) == []


def test_min_age_applies(make, colonias, process):
    process.min_age = 18
    db.session.commit()
    event = new_event(process)
    young = make.user(
        colonia=colonias["Centro"], birth=date.today().replace(year=date.today().year - 15)
    )
    with pytest.raises(DomainError, match="18"):
        register(event, young)


def test_cannot_cancel_without_a_registration_or_after_the_start(process, residents):
    event = new_event(process)
    with pytest.raises(DomainError, match="not registered"):
        registration.cancel(event.id, residents[0], now=utcnow())
    register(event, residents[0])
    with pytest.raises(DomainError, match="has started"):
        registration.cancel(event.id, residents[0], now=event.starts_at)
    assert len(statuses(event)) == 1


def test_more_seats_let_the_waiting_list_in_and_fewer_than_taken_are_refused(
    staff_user, process, event, residents
):
    for person in residents[:4]:
        register(event, person)
    data = services.EventData(
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        place=event.place,
        capacity=3,
    )
    services.save_event(staff_user, process, event, data)
    assert [s for _u, s in statuses(event)] == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    fewer = services.EventData(**{**data.__dict__, "capacity": 2})
    with pytest.raises(DomainError, match="cannot be fewer"):
        services.save_event(staff_user, process, event, fewer)
    db.session.expire_all()
    assert event.capacity == 3


def test_registration_csv_rows(event, residents):
    for person in residents[:3]:
        register(event, person)
    rows = list(registration.registration_rows(event))
    assert rows[0][:3] == ("posicion", "estado", "nombre")
    assert [row[1] for row in rows[1:]] == ["confirmado", "confirmado", "en espera"]
    assert rows[3][3] == residents[2].curp
