"""Simultaneous supports: one person many times ends with one; many people cross once."""

import threading
from collections import Counter

import pytest

from participa.extensions import db
from participa.notifications.models import NoticeKind, Notification
from participa.proposals.models import Proposal, ProposalStatus, Support
from tests import factories
from tests.proposals.helpers import Kit
from tests.race import simultaneous_posts

ATTEMPTS = 30


def _threshold_notices() -> int:
    query = db.select(db.func.count(Notification.id)).where(
        Notification.kind == NoticeKind.THRESHOLD_REACHED, Notification.audience == "staff"
    )
    return db.session.execute(query).scalar_one()


def check_one_person(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    kit = Kit(factories.Factories())
    process = kit.initiative(threshold=1)
    proposal = kit.proposal(process)
    resident = kit.resident()
    proposal_id, path = proposal.id, f"/procesos/{process.id}/propuestas/{proposal.id}/apoyar"
    statuses, _pages = simultaneous_posts(app, resident.email, path, {}, ATTEMPTS)
    assert statuses[302] == 1, statuses
    assert sum(statuses.values()) == ATTEMPTS and set(statuses) <= {302, 400, 409}, statuses
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count(Support.id))).scalar_one() == 1
    stored = db.session.get(Proposal, proposal_id)
    assert stored.support_count == 1 and stored.status is ProposalStatus.EVALUATION
    assert _threshold_notices() == 1


def check_many_people(app, people: int = 12, threshold: int = 5):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    kit = Kit(factories.Factories())
    process = kit.initiative(threshold=threshold)
    proposal = kit.proposal(process)
    clients = []
    for _ in range(people):
        client = app.test_client()
        assert factories.login(client, kit.resident().email).status_code == 302
        clients.append(client)
    proposal_id, path = proposal.id, f"/procesos/{process.id}/propuestas/{proposal.id}/apoyar"
    db.session.remove()
    barrier = threading.Barrier(people)
    results = [None] * people

    def attempt(index: int):
        barrier.wait(timeout=10)
        results[index] = clients[index].post(path).status_code

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = Counter(results)
    assert statuses[302] == threshold, statuses  # the rest found it no longer collecting
    db.session.expire_all()
    stored = db.session.get(Proposal, proposal_id)
    supports = db.session.execute(db.select(db.func.count(Support.id))).scalar_one()
    assert stored.support_count == supports == threshold
    assert stored.status is ProposalStatus.EVALUATION
    assert _threshold_notices() == 1


def test_one_person_many_simultaneous_supports_sqlite(app):
    check_one_person(app)


def test_many_people_cross_the_threshold_once_sqlite(app):
    check_many_people(app)


@pytest.mark.postgres
def test_one_person_many_simultaneous_supports_postgres(pg_app):
    check_one_person(pg_app)


@pytest.mark.postgres
def test_many_people_cross_the_threshold_once_postgres(pg_app):
    check_many_people(pg_app)
