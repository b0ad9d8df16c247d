"""Twenty accounts claim one roll entry at the same moment: one holder, nineteen conflicts."""

import threading
from collections import Counter

import pytest

from participa.eligibility.models import ConflictStatus, ResidentKey, RollConflict, RollEntry
from participa.extensions import db
from tests import factories
from tests.eligibility.helpers import Kit, voter_key

CLAIMANTS = 20


def check_one_holder(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    kit = Kit(factories.Factories())
    kit.import_roll(f"clave_elector,colonia\n{voter_key(1)},Centro\n")
    people = [kit.resident() for _ in range(CLAIMANTS)]
    clients = [kit.client_of(app, person) for person in people]
    ids = {person.id for person in people}
    db.session.remove()  # the main thread holds no connection or transaction during the race
    barrier = threading.Barrier(CLAIMANTS)
    results: list = [None] * CLAIMANTS

    def attempt(index: int):
        barrier.wait(timeout=10)
        try:
            response = clients[index].post(
                "/cuenta/claves", data={"kind": "voter", "value": voter_key(1)}
            )
            results[index] = response.status_code
        except Exception as error:  # noqa: BLE001 - a crash is a result to report
            results[index] = f"crash: {error!r}"

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(CLAIMANTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(results) == {302: CLAIMANTS}, results
    db.session.expire_all()
    (entry,) = db.session.execute(db.select(RollEntry)).scalars().all()
    assert entry.user_id in ids
    found = db.session.execute(db.select(RollConflict)).scalars().all()
    assert len(found) == CLAIMANTS - 1
    assert {c.claimant_id for c in found} == ids - {entry.user_id}
    assert all(c.holder_id == entry.user_id and c.status is ConflictStatus.OPEN for c in found)
    keys = db.session.execute(db.select(db.func.count(ResidentKey.id))).scalar_one()
    assert keys == CLAIMANTS


def test_twenty_simultaneous_claims_of_one_entry_sqlite(app):
    check_one_holder(app)


@pytest.mark.postgres
def test_twenty_simultaneous_claims_of_one_entry_postgres(pg_app):
    check_one_holder(pg_app)
