"""A council member scores the candidates of an open round and the council approves the list.

Chromium on the seeded demo (which has its own approved round of five members); here a fresh
round is opened, scored in the browser, closed by staff (service) and approved in the browser.
Selectors use ids and field names, not visible words.
"""

import pytest

from participa.auth.models import Role, User
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.works import rounds, services
from participa.works.models import PrioritisationRound, RoundStatus, WorkStatus
from tests.browser.conftest import wait_for_charts
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

TITLES = ("Cisterna del mercado", "Puente peatonal del arroyo", "Rampa de la biblioteca")


@pytest.fixture
def axe_report() -> dict:
    """Moderate and minor axe findings of these pages (printed by check_axe; serious fail)."""
    return {}


@pytest.fixture(scope="module")
def scoring_round(live_server) -> int:
    """An open round of three new works and two criteria; its id."""
    with live_server.app.app_context(), live_server.app.test_request_context():
        staff = db.session.execute(db.select(User).where(User.role == Role.STAFF)).scalar_one()
        works = []
        for i, title in enumerate(TITLES):
            data = services.WorkData(
                title,
                "",
                services.WorkKind.WORK,
                "",
                100_000 * (i + 1),
                500,
                "Obras Públicas",
                services.Funding.MUNICIPAL,
                False,
                None,
            )
            works.append(services.create_work(staff, data, services.Origin(), utcnow()))
        round_ = rounds.create_round(staff, "Prueba navegador", utcnow())
        for name, weight, higher in (("Urgencia", "2", True), ("Costo", "1", False)):
            rounds.add_criterion(staff, round_, rounds.CriterionData(name, weight, 10, higher))
        rounds.set_candidates(staff, round_, [w.id for w in works])
        rounds.change_status(staff, round_, RoundStatus.OPEN)
        return round_.id


@pytest.mark.parametrize("viewport", ["desktop"])
def test_council_scores_then_approves_the_priorities(
    page, live_server, logged_in, scoring_round, watch, axe_report
):
    watch.allow(r"status of 400")  # the incomplete form comes back as 400 with its message
    logged_in("council")
    base = f"/gestion/obras/priorizacion/{scoring_round}"
    page.goto(base)
    with page.expect_navigation():
        page.locator("#score-link").click()
    check_labels(page)
    inputs = page.locator("#score-form input[type=number]")
    expect(inputs).to_have_count(6)
    # First the council member forgets one score: nothing is stored and the field says so.
    for i in range(5):
        inputs.nth(i).fill(str(9 - 2 * i if i % 2 == 0 else i))
    page.locator("#score-form button[type=submit]").click()
    expect(page.locator(".field-error")).to_have_count(1)
    with live_server.app.app_context():
        assert rounds.scorers(db.session.get(PrioritisationRound, scoring_round)) == []
    inputs = page.locator("#score-form input[type=number]")
    values = ["10", "1", "6", "5", "2", "9"]  # (urgency, cost) per work, in title order
    for i, value in enumerate(values):
        inputs.nth(i).fill(value)
    page.locator("#score-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()

    with live_server.app.app_context():
        round_ = db.session.get(PrioritisationRound, scoring_round)
        staff = db.session.execute(db.select(User).where(User.role == Role.STAFF)).scalar_one()
        rounds.change_status(staff, round_, RoundStatus.CLOSED)

    page.goto(f"{base}/resultados")
    wait_for_charts(page)
    first = page.locator("#rankings-table tbody tr").first.locator("td").first
    expect(first).to_have_text(TITLES[0])
    check_axe(page, "works-results", axe_report)
    page.locator("#approval-form button[type=submit]").click()
    expect(page.locator("#approved-list li")).to_have_count(3)
    expect(page.locator("#approved-list li").first).to_have_text(TITLES[0])
    with live_server.app.app_context():
        round_ = db.session.get(PrioritisationRound, scoring_round)
        assert round_.status is RoundStatus.APPROVED
        assert {c.work.status for c in round_.candidates} == {WorkStatus.PRIORITY}

    page.goto(f"{base}/presentacion")
    assert wait_for_charts(page) == 2
    expect(page.locator(".presentation-slide h2").first).to_contain_text(TITLES[0])
    check_axe(page, "works-presentation", axe_report)


def test_public_list_of_priorities_is_accessible(page, axe_report, viewport):
    page.goto("/obras/")
    expect(page.locator("table.priorities-table").first).to_be_visible()
    check_axe(page, f"works-public-{viewport}", axe_report)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_staff_pages_of_works_are_accessible(page, logged_in, axe_report):
    logged_in("staff")
    for name, path in (("works", "/gestion/obras/"), ("work-form", "/gestion/obras/nueva")):
        page.goto(path)
        check_labels(page)
        check_axe(page, f"staff-{name}", axe_report)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_demo_schedule_draws_timelines_and_names_overdue_tasks(
    page, live_server, logged_in, axe_report
):
    with live_server.app.app_context():
        query = db.select(PrioritisationRound.id).where(
            PrioritisationRound.status == RoundStatus.APPROVED
        )
        demo_round = db.session.execute(query.order_by(PrioritisationRound.id)).scalars().first()
    logged_in("council")
    page.goto(f"/gestion/obras/priorizacion/{demo_round}/cronograma")
    assert wait_for_charts(page) == 3  # all priorities, then the two with tasks
    expect(page.locator("#overdue-tasks li")).to_have_count(2)
    check_axe(page, "works-schedule", axe_report)
