"""Works tests read pages and messages in English (their msgids); factories for works and rounds."""

from datetime import UTC, datetime

import pytest

from participa.auth.models import Role
from participa.extensions import db
from participa.works import rounds, services
from participa.works.models import Funding, RoundStatus, WorkKind

NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english_messages(request):
    # The PostgreSQL tests use `pg_app` alone: asking for `app` too would push a second app.
    name = "pg_app" if "pg_app" in request.fixturenames else "app"
    request.getfixturevalue(name).config["BABEL_DEFAULT_LOCALE"] = "en"


def work_data(**changes) -> services.WorkData:
    values = {
        "title": "Pozo de agua en Lomas",
        "description": "Un pozo **profundo**.",
        "kind": WorkKind.WORK,
        "zone": "",
        "estimated_cost": 1_500_000,
        "beneficiaries": 800,
        "directorate": "Agua Potable",
        "funding": Funding.MUNICIPAL,
        "fais_eligible": False,
        "fais_category": None,
    }
    return services.WorkData(**{**values, **changes})


class WorksFactories:
    def __init__(self, make):
        self.make = make
        self.staff = make.user(Role.STAFF)

    def work(self, title="Pozo de agua", cost=1_000_000, **changes):
        data = work_data(title=title, estimated_cost=cost, **changes)
        return services.create_work(self.staff, data, services.Origin(), NOW)

    def round(self, works=None, criteria=(("Apoyo", "2", 10, True), ("Costo", "1", 10, False))):
        round_ = rounds.create_round(self.staff, "2027", NOW)
        for name, weight, scale, higher in criteria:
            rounds.add_criterion(
                self.staff, round_, rounds.CriterionData(name, weight, scale, higher)
            )
        works = works if works is not None else [self.work("Agua"), self.work("Banquetas")]
        rounds.set_candidates(self.staff, round_, [w.id for w in works])
        return round_

    def open_round(self, **kwargs):
        round_ = self.round(**kwargs)
        rounds.change_status(self.staff, round_, RoundStatus.OPEN)
        return round_

    def scores(self, round_, member, per_work: dict):
        """per_work: work id -> tuple of scores in criteria order."""
        values = {
            (work_id, k.id): v
            for work_id, scores in per_work.items()
            for k, v in zip(round_.criteria, scores, strict=True)
        }
        rounds.save_scores(member, round_, values, NOW)

    def council(self, n=1):
        return [self.make.user(Role.COUNCIL) for _ in range(n)]


@pytest.fixture
def works(make):
    return WorksFactories(make)


@pytest.fixture
def session():
    return db.session
