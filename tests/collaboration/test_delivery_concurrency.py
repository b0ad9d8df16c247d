"""Ten desks record a delivery of the same pledge at once: the pledge is never exceeded."""

from collections import Counter

import pytest

from participa.auth.models import Role
from participa.collaboration.models import Delivery, Pledge, PledgeKind
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from tests import factories
from tests.oversight.conftest import add_work
from tests.race import simultaneous_posts

ATTEMPTS = 10


def check_deliveries_never_exceed_the_pledge(app):
    make = factories.Factories()
    staff = make.user(Role.STAFF)
    resident = make.user(colonia=make.territory()["Centro"])
    process = make.process(ProcessStatus.OPEN, ProcessType.COLABORACION)
    work = add_work(process, "Cancha")
    pledge = Pledge(work_id=work.id, user_id=resident.id, kind=PledgeKind.LABOUR, quantity=10)
    db.session.add(pledge)
    db.session.commit()
    path = f"/gestion/procesos/{process.id}/aportaciones/{pledge.id}/entrega"
    data = {"quantity": "3", "delivered_on": factories.municipal_today().isoformat()}

    statuses, _pages = simultaneous_posts(app, staff.email, path, data, ATTEMPTS)

    assert statuses == Counter({302: 3, 400: ATTEMPTS - 3}), statuses
    delivered = db.session.execute(db.select(Delivery.quantity)).scalars().all()
    assert delivered == [3, 3, 3]


def test_simultaneous_deliveries_never_exceed_the_pledge_sqlite(app):
    check_deliveries_never_exceed_the_pledge(app)


@pytest.mark.postgres
def test_simultaneous_deliveries_never_exceed_the_pledge_postgres(pg_app):
    check_deliveries_never_exceed_the_pledge(pg_app)
