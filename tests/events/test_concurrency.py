"""Many residents race for the last seats: exactly `capacity` get one, the rest wait in order."""

import threading
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from participa.core.timeutil import utcnow
from participa.events import registration
from participa.events.models import Registration, RegistrationStatus
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from tests import factories
from tests.events.conftest import new_event
from tests.factories import login

PEOPLE = 20
CAPACITY = 5


def race(app):
    """Log PEOPLE residents in, then let them all press "Register" at the same moment."""
    make = factories.Factories()
    centro = make.territory()["Centro"]
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.AYUNTAMIENTO_ABIERTO)
    event = new_event(process, capacity=CAPACITY)
    path = f"/procesos/{process.id}/eventos/{event.id}/registro"
    clients = []
    for _ in range(PEOPLE):
        user = make.user(colonia=centro)
        client = app.test_client()
        assert login(client, user.email).status_code == 302
        clients.append(client)
    event_id = event.id
    db.session.remove()  # the main thread holds no connection or transaction during the race

    barrier = threading.Barrier(PEOPLE)
    results: list = [None] * PEOPLE

    def attempt(index: int):
        barrier.wait(timeout=10)
        try:
            results[index] = clients[index].post(path).status_code
        except Exception as error:  # noqa: BLE001 - a crash is a result to report
            results[index] = f"crash: {error!r}"

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return Counter(results), event_id


def check_capacity_holds(app):
    statuses, event_id = race(app)
    assert statuses == Counter({302: PEOPLE}), statuses
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(Registration.id, Registration.status)
        .where(Registration.event_id == event_id)
        .order_by(Registration.id)
    ).all()
    assert len(rows) == PEOPLE
    seats = [status for _id, status in rows]
    # Arrival order is the order the lock was granted, which is the id order: the first
    # CAPACITY to arrive have seats, everyone after them waits.
    expected = [RegistrationStatus.CONFIRMED] * CAPACITY
    expected += [RegistrationStatus.WAITLISTED] * (PEOPLE - CAPACITY)
    assert seats == expected


def test_capacity_holds_under_simultaneous_registrations_sqlite(app):
    check_capacity_holds(app)


@pytest.mark.postgres
def test_capacity_holds_under_simultaneous_registrations_postgres(pg_app):
    check_capacity_holds(pg_app)


def test_cancel_and_register_at_once_never_exceed_capacity(app):
    """Cancellations promote inside the same lock, so seats never go over capacity."""
    make = factories.Factories()
    centro = make.territory()["Centro"]
    process = make.process(ProcessStatus.PUBLISHED, type=ProcessType.AYUNTAMIENTO_ABIERTO)
    event = new_event(process, capacity=2)
    people = [make.user(colonia=centro) for _ in range(6)]
    for person in people[:4]:
        registration.register(event.id, person, now=utcnow(), today=date.today())
    clients = []
    for person in people:
        client = app.test_client()
        login(client, person.email)
        clients.append(client)
    base = f"/procesos/{process.id}/eventos/{event.id}"
    jobs = [
        (clients[0], "cancelar"),
        (clients[1], "cancelar"),
        (clients[4], "registro"),
        (clients[5], "registro"),
    ]
    waiting = [people[2].id, people[3].id]
    db.session.remove()
    barrier = threading.Barrier(len(jobs))

    def run(client, page):
        barrier.wait(timeout=10)
        client.post(f"{base}/{page}")

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    confirmed = (
        db.session.execute(
            sa.select(Registration.user_id)
            .where(Registration.status == RegistrationStatus.CONFIRMED)
            .order_by(Registration.id)
        )
        .scalars()
        .all()
    )
    # The two waiting since before the race take the two freed seats; newcomers wait.
    assert confirmed == waiting


def check_first_comments_share_one_thread(app):
    """Residents posting the very first comments at once all land in one thread."""
    from participa.comments.models import Comment, CommentThread

    make = factories.Factories()
    centro = make.territory()["Centro"]
    process = make.process(ProcessStatus.OPEN, type=ProcessType.DEBATE)
    event = new_event(process)
    path = f"/procesos/{process.id}/eventos/{event.id}/comentarios"
    clients = []
    for _ in range(6):
        client = app.test_client()
        assert login(client, make.user(colonia=centro).email).status_code == 302
        clients.append(client)
    db.session.remove()
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def attempt(index: int):
        barrier.wait(timeout=10)
        try:
            response = clients[index].post(path, data={"body": f"Comentario {index}"})
            results[index] = response.status_code
        except Exception as error:  # noqa: BLE001 - a crash is a result to report
            results[index] = f"crash: {error!r}"

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(results) == Counter({302: len(clients)}), results
    db.session.expire_all()
    assert db.session.execute(sa.select(sa.func.count(CommentThread.id))).scalar_one() == 1
    assert db.session.execute(sa.select(sa.func.count(Comment.id))).scalar_one() == len(clients)


def test_simultaneous_first_comments_share_one_thread_sqlite(app):
    check_first_comments_share_one_thread(app)


@pytest.mark.postgres
def test_simultaneous_first_comments_share_one_thread_postgres(pg_app):
    check_first_comments_share_one_thread(pg_app)
