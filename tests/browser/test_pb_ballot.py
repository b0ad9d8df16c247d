"""A resident votes in a knapsack PB ballot in Chromium, with and without JavaScript.

Selectors use ids, data attributes and form values rather than visible words, so the tests
hold whether the Spanish catalog is compiled or not. Amounts read the same in both ($1,000,000).
"""

import re

import pytest
import sqlalchemy as sa

from participa.budgets.models import PbParticipation, PbVote
from participa.extensions import db
from tests.browser.conftest import PB_PROJECTS, PB_TITLE, VIEWPORTS, PageWatch, log_in
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

RECEIPT = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")


def stored(live_server, ballot_id: int, curp: str) -> tuple[int, int]:
    """(this resident's participations, all votes) of the ballot in the live database."""
    with live_server.app.app_context():
        mine = db.session.execute(
            sa.select(sa.func.count())
            .select_from(PbParticipation)
            .where(
                PbParticipation.ballot_id == ballot_id, PbParticipation.voter_key == f"curp:{curp}"
            )
        ).scalar_one()
        votes = db.session.execute(
            sa.select(sa.func.count()).select_from(PbVote).where(PbVote.ballot_id == ballot_id)
        ).scalar_one()
        return mine, votes


def box(page, index: int):
    """The checkbox of the index-th project of PB_PROJECTS."""
    return page.locator("li.ballot-project input[type=checkbox]").nth(index)


def open_ballot(page, pb_knapsack) -> None:
    """From the process page, follow the ballot's vote link."""
    page.goto(f"/procesos/{pb_knapsack['process']}")
    page.locator(f"main a[href$='/boletas/{pb_knapsack['ballot']}/votar']").click()
    expect(page.locator("form[data-ballot-rule=knapsack]")).to_be_visible()
    expect(page.locator("li.ballot-project")).to_have_count(len(PB_PROJECTS))


def review_and_confirm(page) -> str:
    """Review the ballot, confirm it, and return the receipt code shown."""
    page.locator("button[name=step][value=review]").click()
    expect(page.locator("#ballot-totals")).to_contain_text("$750,000")  # total cost
    expect(page.locator("#ballot-totals")).to_contain_text("$250,000")  # money left
    expect(page.locator("table.ballot-review tbody tr")).to_have_count(2)
    page.locator("button[name=step][value=confirm]").click()
    code = page.locator("#receipt-code").inner_text().strip()
    assert RECEIPT.fullmatch(code), code
    return code


def test_resident_sees_running_totals_fixes_an_over_budget_ballot_and_votes(
    page, live_server, new_resident, pb_knapsack, watch
):
    watch.allow(r"status of 400")  # the refused ballot comes back as 400 with its message
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    open_ballot(page, pb_knapsack)

    live = page.locator("#ballot-live")
    expect(page.locator("[data-ballot-summary]")).to_be_visible()  # shown by ballot.js
    assert live.get_attribute("aria-live") == "polite"
    expect(live.locator("[data-total=remaining]")).to_have_text("$1,000,000")

    box(page, 0).check()
    expect(live.locator("[data-total=count]")).to_have_text("1")
    expect(live.locator("[data-total=cost]")).to_have_text("$400,000")
    expect(live.locator("[data-total=remaining]")).to_have_text("$600,000")
    expect(live.locator("[data-warning=over-amount]")).to_be_hidden()

    box(page, 1).check()
    box(page, 2).check()
    expect(live).to_contain_text("$1,050,000")
    expect(live.locator("[data-total=remaining]")).to_have_text("-$50,000")
    expect(live.locator("[data-warning=over-amount]")).to_be_visible()

    # Nothing is disabled: the resident may still send it, and the server refuses it.
    page.locator("button[name=step][value=review]").click()
    expect(page.locator(".error-summary[role=alert]")).to_be_visible()
    expect(page.locator("#ballot-error")).to_contain_text("$1,050,000")
    expect(page.locator("#ballot-error")).to_contain_text("$1,000,000")
    assert "ballot-error" in page.locator("fieldset.ballot-projects").get_attribute(
        "aria-describedby"
    )
    assert stored(live_server, pb_knapsack["ballot"], resident.curp)[0] == 0

    expect(box(page, 2)).to_be_checked()  # the choices come back as they were
    box(page, 2).uncheck()
    expect(live.locator("[data-total=cost]")).to_have_text("$750,000")
    expect(live.locator("[data-total=remaining]")).to_have_text("$250,000")
    expect(live.locator("[data-warning=over-amount]")).to_be_hidden()

    votes_before = stored(live_server, pb_knapsack["ballot"], resident.curp)[1]
    code = review_and_confirm(page)
    mine, votes = stored(live_server, pb_knapsack["ballot"], resident.curp)
    assert (mine, votes) == (1, votes_before + 1)

    # The public receipt check finds the vote, without saying what it chose.
    page.locator(".site-footer a[href$='/recibos']").click()
    page.locator("#codigo").fill(code)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text(PB_TITLE)
    expect(page.locator("main")).not_to_contain_text(PB_PROJECTS[0][0])


@pytest.fixture
def page_without_js(browser, live_server, viewport, watch):
    context = browser.new_context(
        base_url=live_server.base_url,
        locale="es-MX",
        timezone_id="America/Mexico_City",
        java_script_enabled=False,
        **VIEWPORTS[viewport],
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", watch.console)
    page.on("response", watch.response)
    page.on("request", watch.request)
    yield page
    context.close()


def test_the_ballot_works_without_javascript(
    page_without_js, live_server, new_resident, pb_knapsack, watch: PageWatch
):
    page = page_without_js
    watch.allow(r"status of 400")
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    open_ballot(page, pb_knapsack)
    expect(page.locator("[data-ballot-summary]")).to_be_hidden()  # live totals need JS

    box(page, 0).check()
    box(page, 1).check()
    box(page, 2).check()
    page.locator("button[name=step][value=review]").click()
    expect(page.locator("#ballot-error")).to_contain_text("$1,050,000")
    assert stored(live_server, pb_knapsack["ballot"], resident.curp)[0] == 0

    box(page, 2).uncheck()
    review_and_confirm(page)
    assert stored(live_server, pb_knapsack["ballot"], resident.curp)[0] == 1


def test_the_ballot_page_and_its_errors_are_accessible(
    page, new_resident, pb_knapsack, watch, viewport
):
    watch.allow(r"status of 400")
    report: dict = {}
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    page.goto(f"/procesos/{pb_knapsack['process']}")
    check_axe(page, f"pb-process[{viewport}]", report)  # the ballots on the process page
    open_ballot(page, pb_knapsack)
    check_axe(page, f"pb-ballot[{viewport}]", report)
    check_labels(page)

    for index in range(3):
        box(page, index).check()
    expect(page.locator("[data-warning=over-amount]")).to_be_visible()
    check_axe(page, f"pb-ballot-over[{viewport}]", report)
    page.locator("button[name=step][value=review]").click()
    expect(page.locator("#ballot-error")).to_be_visible()
    check_axe(page, f"pb-ballot-errors[{viewport}]", report)

    box(page, 0).uncheck()
    page.locator("button[name=step][value=review]").click()
    expect(page.locator("table.ballot-review")).to_be_visible()
    check_axe(page, f"pb-review[{viewport}]", report)
    page.locator("button[name=step][value=confirm]").click()
    expect(page.locator("#receipt-code")).to_be_visible()
    check_axe(page, f"pb-receipt[{viewport}]", report)


def test_each_project_control_is_a_large_touch_target(page, new_resident, pb_knapsack):
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    open_ballot(page, pb_knapsack)
    heights = page.locator("li.ballot-project label.choice").evaluate_all(
        "labels => labels.map(l => l.getBoundingClientRect().height)"
    )
    assert len(heights) == len(PB_PROJECTS) and min(heights) >= 44, heights
