"""The council's full cycle through the interface, ending on the public accountability page.

Staff create two works and a round, a council member scores, the council approves the list,
staff add a task and record three monthly follow-ups in three held sessions (the sessions
are set up in the database), then the public pages show the work with its progress; axe on
the public pages. Selectors use ids and field names, not visible words.
"""

import pytest

from participa.auth.models import Role, User
from participa.core.timeutil import utcnow
from participa.council import sessions
from participa.council.models import CouncilSession, SessionKind, SessionStatus
from participa.extensions import db
from participa.works.models import PrioritisationRound, ProgressReport, Work
from tests.browser.conftest import wait_for_charts
from tests.browser.test_accessibility import check_axe

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

TITLES = ("Colector pluvial de la calle Juárez", "Andador del mercado municipal")
PERIOD = "Ciclo navegador"


@pytest.fixture
def axe_report() -> dict:
    return {}


def held_sessions(live_server) -> list[int]:
    """Three held extraordinary sessions (held earlier, today's numbering): their ids."""
    from datetime import timedelta

    from flask_babel import get_timezone

    app = live_server.app
    with app.app_context(), app.test_request_context():
        staff = db.session.execute(db.select(User).where(User.role == Role.STAFF)).scalar_one()
        made = []
        for months in (3, 2, 1):
            session = sessions.create_session(
                staff,
                SessionKind.EXTRAORDINARY,
                utcnow() - timedelta(days=30 * months),
                "Sala de Cabildo",
                get_timezone(),
            )
            sessions.mark_held(staff, session)
            made.append(session.id)
        assert all(db.session.get(CouncilSession, i).status is SessionStatus.HELD for i in made)
        return made


def _work_id(app, title: str) -> int:
    with app.app_context():
        query = db.select(Work.id).where(Work.title == title)
        return db.session.execute(query).scalar_one()


@pytest.mark.parametrize("viewport", ["desktop"])
def test_full_cycle_from_works_to_the_public_page(page, live_server, logged_in, axe_report):
    app = live_server.app
    logged_in("staff")
    for i, title in enumerate(TITLES):
        page.goto("/gestion/obras/nueva")
        page.locator("#title").fill(title)
        page.locator("#estimated_cost").fill(f"${(i + 1) * 400},000")
        page.locator("#beneficiaries").fill("900")
        page.locator("#funding").select_option("municipal")
        page.locator("form:has(#title) button[type=submit]").click()
        expect(page.locator("#work-status")).to_be_visible()
    ids = [_work_id(app, t) for t in TITLES]

    page.goto("/gestion/obras/priorizacion/")
    page.locator("#period").fill(PERIOD)
    page.locator("form:has(#period) button[type=submit]").click()
    expect(page.locator("#round-status")).to_be_visible()
    round_url = page.url.split("#")[0]
    page.locator("form[action$='/criterios'] #name").fill("Urgencia")
    page.locator("form[action$='/criterios'] button[type=submit]").click()
    for work_id in ids:
        page.locator(f"input[name=work_ids][value='{work_id}']").check()
    page.locator("form[action$='/candidatas'] button[type=submit]").click()
    page.locator("form[action$='/estado/open'] button[type=submit]").click()
    expect(page.locator("form[action$='/estado/closed']")).to_have_count(1)

    logged_in("council")
    page.goto(round_url)
    page.locator("#score-link").click()
    inputs = page.locator("#score-form input[type=number]")
    expect(inputs).to_have_count(2)
    inputs.nth(0).fill("9")
    inputs.nth(1).fill("4")
    page.locator("#score-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()

    logged_in("staff")
    page.goto(round_url)
    page.locator("form[action$='/estado/closed'] button[type=submit]").click()
    logged_in("council")
    page.goto(f"{round_url}/resultados")
    page.locator("#approval-form button[type=submit]").click()
    expect(page.locator("#approved-list li")).to_have_count(2)
    with app.app_context():
        round_ = db.session.execute(
            db.select(PrioritisationRound).where(PrioritisationRound.period == PERIOD)
        ).scalar_one()
        assert round_.status.value == "approved"

    logged_in("staff")
    first = ids[0]
    page.goto(f"/gestion/obras/{first}")
    page.locator("#task-form #title").fill("Licitación")
    page.locator("#task-form #area").fill("Adquisiciones")
    page.locator("#task-form #starts_on").fill("2026-01-10")
    page.locator("#task-form #ends_on").fill("2026-02-10")
    page.locator("#task-form button[type=submit]").click()
    expect(page.locator("#tasks-table tbody tr")).to_have_count(1)

    for session_id, (progress, spent) in zip(
        held_sessions(live_server), ((15, "60,000"), (40, "150000"), (65, "$260,000")), strict=True
    ):
        page.goto(f"/gestion/consejo/sesiones/{session_id}")
        page.locator(f"a[href$='/gestion/obras/seguimiento/sesion/{session_id}']").click()
        section = page.locator(f"#w{first}")
        section.locator(f"#w{first}-progress").fill(str(progress))
        section.locator(f"#w{first}-spent").fill(spent)
        section.locator("button[type=submit]").click()
        expect(page.locator(".flash-success")).to_be_visible()
    with app.app_context():
        query = db.select(ProgressReport.progress).where(ProgressReport.work_id == first)
        assert sorted(db.session.execute(query).scalars()) == [15, 40, 65]

    page.goto("/obras/")
    row = page.locator(".priorities-table tbody tr", has=page.locator(f"a[href$='/obras/{first}']"))
    expect(row).to_contain_text("65%")
    check_axe(page, "followup-public-list", axe_report)
    row.locator("a").click()
    expect(page.locator("#work-progress")).to_contain_text("65%")
    assert wait_for_charts(page) == 3  # progress, spending, schedule
    expect(page.locator("#history-table tbody tr")).to_have_count(3)
    check_axe(page, "followup-public-work", axe_report)


def test_public_work_page_of_the_demo_is_accessible(page, live_server, axe_report, viewport):
    page.goto("/obras/")
    page.locator(".priorities-table tbody tr a").first.click()
    expect(page.locator("#history-table")).to_be_visible()
    wait_for_charts(page)
    check_axe(page, f"followup-work-{viewport}", axe_report)
