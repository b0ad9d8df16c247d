"""The office's annual plan in Chromium: the council reads the Gantt on a desktop and a phone,
staff mark an activity finished and its overdue mark goes; axe on every page of the plan.

The live server holds the seeded demo, whose plan covers November and December of this year.
Selectors use ids, classes and field names rather than visible words.
"""

from zoneinfo import ZoneInfo

import pytest

from participa.core.timeutil import local_today
from participa.extensions import db
from participa.officeplan.models import ActivityStatus, PlanActivity, WorkPlan
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None


@pytest.fixture
def axe_report() -> dict:
    return {}


@pytest.fixture
def demo_plan(live_server) -> dict:
    """The demo plan's year, and one activity made overdue (March, pending) for this test."""
    with live_server.app.app_context(), live_server.app.test_request_context():
        year = local_today(ZoneInfo(live_server.app.config["BABEL_DEFAULT_TIMEZONE"])).year
        plan = db.session.execute(db.select(WorkPlan).where(WorkPlan.year == year)).scalar_one()
        activity = db.session.execute(
            db.select(PlanActivity).where(
                PlanActivity.plan_id == plan.id, PlanActivity.number == "6"
            )
        ).scalar_one()
        activity.start_month, activity.end_month = 1, 1
        activity.status = ActivityStatus.PENDING
        db.session.commit()
        return {"year": year, "activity": activity.id}


def test_the_council_reads_the_gantt_and_prints_it(
    page, logged_in, demo_plan, viewport, axe_report
):
    logged_in("council")
    page.goto("/consejo/")
    page.locator("#office-plan-link").click()
    expect(page).to_have_url(f"{page.url.split('/consejo')[0]}/consejo/plan/{demo_plan['year']}")
    gantt = page.locator("table#gantt")
    expect(gantt).to_be_visible()
    expect(gantt.locator("thead th.gantt-month")).to_have_count(12)  # January to December now
    overdue = page.locator(f"#activity-{demo_plan['activity']}")
    expect(overdue).to_have_class("gantt-row gantt-overdue")
    expect(overdue.locator(".badge-overdue")).to_be_visible()
    expect(page.locator("#add-activity")).to_have_count(0)  # read-only for the council
    # The grid scrolls inside its region: the page itself never scrolls sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    check_axe(page, f"plan-gantt[{viewport}]", axe_report)
    page.locator("#print-link").click()
    page.emulate_media(media="print")
    expect(page.locator("table#gantt")).to_be_visible()
    expect(page.locator(".site-header nav")).to_be_hidden()
    page.emulate_media(media="screen")
    check_axe(page, f"plan-print[{viewport}]", axe_report)


@pytest.mark.parametrize("viewport", ["desktop"])
def test_staff_finish_an_activity_and_its_overdue_mark_goes(
    page, logged_in, live_server, demo_plan, viewport, axe_report
):
    logged_in("staff")
    page.goto(f"/consejo/plan/actividad/{demo_plan['activity']}")
    expect(page.locator("#activity-status .badge-overdue")).to_be_visible()
    check_axe(page, "plan-activity", axe_report)
    page.goto(f"/gestion/plan/actividad/{demo_plan['activity']}/editar")
    check_labels(page)
    check_axe(page, "plan-activity-form", axe_report)
    page.locator("#activity-form select[name=status]").select_option("done")
    page.locator("#activity-form button[type=submit]").click()
    expect(page.locator("#activity-status .badge-overdue")).to_have_count(0)
    with live_server.app.app_context():
        assert db.session.get(PlanActivity, demo_plan["activity"]).status is ActivityStatus.DONE
    for path in (
        "/gestion/solicitudes/",
        "/gestion/orientacion/",
        "/gestion/guias/derechos",
        "/como-participar/",
        "/derechos",
    ):
        page.goto(path)
        check_labels(page)
        check_axe(page, f"officeplan{path}", axe_report)
