"""One council member saves the same scores ten times at once: one complete set is stored."""

import pytest
import sqlalchemy as sa

from participa.extensions import db
from participa.works.models import Score
from tests import factories
from tests.race import simultaneous_posts
from tests.works.conftest import WorksFactories

ATTEMPTS = 10


def check_one_set(app):
    works = WorksFactories(factories.Factories())
    round_ = works.open_round()
    (member,) = works.council()
    data = {f"s_{c.work_id}_{k.id}": "6" for c in round_.candidates for k in round_.criteria}
    path = f"/gestion/obras/priorizacion/{round_.id}/calificar"
    statuses, _pages = simultaneous_posts(app, member.email, path, data, ATTEMPTS)
    # Each save either stands (302) or is told it crossed another one (400): never a crash.
    assert set(statuses) <= {302, 400} and statuses[302] >= 1, statuses
    db.session.expire_all()
    values = db.session.execute(sa.select(Score.value)).scalars().all()
    assert values == [6, 6, 6, 6]  # 2 works × 2 criteria, once


def test_simultaneous_saves_of_one_member_store_one_set_sqlite(app):
    check_one_set(app)


@pytest.mark.postgres
def test_simultaneous_saves_of_one_member_store_one_set_postgres(pg_app):
    check_one_set(pg_app)
