"""A commitment taken at the meeting with the mayor and directors, recorded through the
interface, appears in the council's monthly follow-up of priorities, marked overdue once its
date passed; the council reads the meeting. Desktop and phone (360 × 740), axe on each page.
Selectors use ids and field names, not visible words (the interface is in Spanish)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from participa.core.timeutil import local_today
from participa.council.models import CouncilSession, SessionStatus
from participa.extensions import db
from participa.works.followup import FOLLOWED
from participa.works.models import Work
from tests.browser.test_accessibility import check_axe

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None


@pytest.fixture
def axe_report() -> dict:
    return {}


def _priority_and_session(app) -> tuple[int, int]:
    """A demo priority being followed and the newest held council session."""
    with app.app_context():
        work = db.session.execute(
            db.select(Work.id).where(Work.status.in_(FOLLOWED)).order_by(Work.id)
        ).scalar()
        session = db.session.execute(
            db.select(CouncilSession.id)
            .where(CouncilSession.status.in_((SessionStatus.HELD, SessionStatus.APPROVED)))
            .order_by(CouncilSession.starts_at.desc())
        ).scalar()
        return work, session


def test_a_mayor_meeting_commitment_appears_in_the_monthly_follow_up(
    page, live_server, logged_in, viewport, axe_report
):
    app = live_server.app
    work_id, session_id = _priority_and_session(app)
    today = local_today(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))
    text = f"Entregar el catálogo de conceptos ({viewport})"
    logged_in("staff")
    page.goto("/gestion/administracion/reuniones/nueva")
    page.locator("#kind-0").check()
    page.locator("#held_on").fill((today - timedelta(days=20)).isoformat())
    page.locator("#place").fill("Despacho de Presidencia")
    page.locator("#attendees").fill("Presidente municipal\nDirección de Obras Públicas")
    check_axe(page, f"admin-meeting-form-{viewport}", axe_report)
    page.locator("#meeting-form button[type=submit]").click()
    expect(page.locator("#attendees li")).to_have_count(2)

    form = page.locator("#commitment-form")
    form.locator("#work_id").select_option(str(work_id))
    form.locator("#directorate").fill("Obras Públicas")
    form.locator("#text").fill(text)
    form.locator("#due_on").fill((today - timedelta(days=2)).isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#commitments")).to_contain_text(text)
    check_axe(page, f"admin-meeting-{viewport}", axe_report)

    page.goto(f"/gestion/obras/seguimiento/sesion/{session_id}")
    item = page.locator(f"#w{work_id} li", has_text=text)
    expect(item).to_have_count(1)
    expect(item.locator(".badge-overdue")).to_be_visible()
    check_axe(page, f"admin-followup-{viewport}", axe_report)
    page.goto(f"/gestion/obras/{work_id}")
    expect(page.locator("#commitments")).to_contain_text(text)
    expect(page.locator("#fais")).to_be_visible()
    check_axe(page, f"admin-work-{viewport}", axe_report)
    page.goto(f"/obras/{work_id}")
    expect(page.locator("#commitments")).to_contain_text(text)
    check_axe(page, f"admin-public-work-{viewport}", axe_report)

    logged_in("council")
    page.goto("/consejo/administracion/")
    page.locator("table a").first.click()
    expect(page.locator("#commitments")).to_be_visible()
    check_axe(page, f"admin-council-read-{viewport}", axe_report)


def test_the_social_council_fais_and_export_pages_of_the_demo_are_accessible(
    page, live_server, logged_in, viewport, axe_report
):
    work_id, _ = _priority_and_session(live_server.app)
    logged_in("staff")
    page.goto("/gestion/consejos-sociales/")
    page.locator("#councils a").first.click()
    expect(page.locator("#pledges li").first).to_be_visible()
    check_axe(page, f"social-council-{viewport}", axe_report)
    page.goto(f"/gestion/administracion/obras/{work_id}/fais")
    expect(page.locator("#fais-form")).to_be_visible()
    check_axe(page, f"fais-form-{viewport}", axe_report)
    page.goto("/gestion/administracion/obras/exportar")
    check_axe(page, f"works-export-{viewport}", axe_report)
