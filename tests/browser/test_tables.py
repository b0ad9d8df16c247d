"""A staff member serves one person at a table in tablet mode, on a tablet, with axe.

The demo has a table at the open budget's city-wide ballot, served by the demo staff account.
Selectors use ids, names and URLs rather than words, so the test holds in either language.
"""

import random
import re
from datetime import date

import sqlalchemy as sa

from participa.budgets.models import PbParticipation
from participa.demo.people import make_curp
from participa.eligibility.participants import Channel
from participa.extensions import db
from participa.tables.models import VotingTable
from tests.browser.conftest import PageWatch, log_in
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

TABLET = {"viewport": {"width": 800, "height": 1280}, "is_mobile": True, "has_touch": True}
RECEIPT = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")
MIN_TARGET = 44  # CSS pixels: the WCAG 2.5.5 touch target


def _demo_table(live_server):
    with live_server.app.app_context():
        table = db.session.execute(sa.select(VotingTable)).scalars().first()
        return table.process_id, table.id, table.pb_ballot_id


def _desk_votes(live_server, ballot_id: int, curp: str) -> tuple[int, int]:
    with live_server.app.app_context():
        mine = db.session.execute(
            sa.select(sa.func.count())
            .select_from(PbParticipation)
            .where(
                PbParticipation.ballot_id == ballot_id,
                PbParticipation.voter_key == f"curp:{curp}",
                PbParticipation.channel == Channel.DESK,
            )
        ).scalar_one()
        desk = db.session.execute(
            sa.select(sa.func.count())
            .select_from(PbParticipation)
            .where(PbParticipation.ballot_id == ballot_id, PbParticipation.channel == Channel.DESK)
        ).scalar_one()
        return mine, desk


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _big_buttons(page):
    heights = page.locator("main .tablet .button").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= MIN_TARGET, heights


def test_tablet_mode_serves_one_person_on_a_tablet(browser, live_server):
    process_id, table_id, ballot_id = _demo_table(live_server)
    context = browser.new_context(
        base_url=live_server.base_url, locale="es-MX", timezone_id="America/Mexico_City", **TABLET
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = PageWatch(live_server.base_url.removeprefix("http://"))
    page.on("console", watch.console)
    page.on("pageerror", watch.page_error)
    page.on("response", watch.response)
    report: dict = {}
    try:
        staff = live_server.accounts["staff"]
        log_in(page, staff.email, staff.password)
        page.goto(f"/gestion/procesos/{process_id}/mesas/")
        page.locator(f"main a[href$='/mesas/{table_id}']").first.click()
        page.locator(f"main a[href$='/mesas/{table_id}/tableta']").click()

        curp = make_curp(random.Random(99), date(1979, 4, 9), "M")
        page.locator("#key").fill(curp)
        page.locator("#colonia_id").select_option(index=2)
        check_labels(page)
        check_axe(page, "table-lookup", report)
        _big_buttons(page)
        page.locator("main form button[type=submit]").click()

        expect(page.locator(".tablet-ok[role=status]")).to_be_visible()
        _no_sideways_scroll(page)
        _big_buttons(page)
        check_axe(page, "table-person", report)
        page.locator("main a[href$='/tableta/votar']").click()

        expect(page.locator("form[data-ballot-rule=knapsack]")).to_be_visible()
        page.locator("li.ballot-project input[type=checkbox]").first.check()
        check_labels(page)
        check_axe(page, "table-vote", report)
        _no_sideways_scroll(page)
        page.locator("form.ballot button[type=submit]").click()

        code = page.locator("#receipt-code").inner_text().strip()
        assert RECEIPT.fullmatch(code), code
        expect(page.locator("[data-print]")).to_be_visible()  # shown by print.js
        check_axe(page, "table-receipt", report)
        assert _desk_votes(live_server, ballot_id, curp)[0] == 1

        # The same person again: refused, on the table as on the web.
        page.locator("main form button[type=submit]").click()  # next person
        page.locator("#key").fill(curp)
        page.locator("#colonia_id").select_option(index=2)
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".tablet-refused[role=alert]")).to_be_visible()
        assert page.locator("main a[href$='/tableta/votar']").count() == 0
        assert not watch.problems, watch.problems
    finally:
        context.close()
