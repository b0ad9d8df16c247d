"""The home for a resident (what is open to them first, what they took part in marked), the
list filters folded on a phone, and the one-line over-budget bar of a PB ballot."""

import pytest

from tests.browser.conftest import (
    OPEN_TITLE,
    SCREENSHOTS,
    answer_every_question,
    log_in,
)
from tests.browser.test_accessibility import check_axe
from tests.browser.test_pb_ballot import box, open_ballot

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

TOOK_PART = "Ya participaste"


@pytest.fixture
def axe_report() -> dict:
    """Moderate and minor axe findings of these pages (printed by check_axe; serious fail)."""
    return {}


def card(page, title: str):
    return page.locator(".taking-part article.card", has=page.get_by_role("link", name=title))


def answer_open_consultation(page, live_server) -> None:
    page.goto(f"/procesos/{live_server.process_id(OPEN_TITLE)}/responder")
    answer_every_question(page)
    page.locator("button[name=step][value=review]").click()
    page.locator("button[name=step][value=confirm]").click()
    expect(page.locator("#receipt-code")).to_be_visible()


def test_a_resident_who_answered_sees_it_marked_and_what_is_theirs_first(
    page, live_server, new_resident, viewport, axe_report
):
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    page.goto("/")
    consultation = card(page, OPEN_TITLE)
    expect(consultation).to_have_count(1)
    expect(consultation).not_to_contain_text(TOOK_PART)

    answer_open_consultation(page, live_server)
    page.goto("/")
    expect(consultation.locator(".badge-took-part")).to_have_text(TOOK_PART)
    expect(page.locator(".taking-part .badge-took-part")).to_have_count(1)
    # Open to the resident first (not yet taken part, then taken part), then the others.
    marks = page.locator(".taking-part article.card").evaluate_all(
        "cards => cards.map(c => c.querySelector('.badge-took-part') ? 'took'"
        " : c.querySelector('.badge-for-you') ? 'mine' : 'other')"
    )
    assert "took" in marks
    assert marks == sorted(marks, key=["mine", "took", "other"].index), marks
    # Pictures keep their room while loading: width and height on every card image.
    sizes = page.locator(".taking-part img.card-image").evaluate_all(
        "imgs => imgs.map(i => [i.getAttribute('width'), i.getAttribute('height'), i.alt])"
    )
    assert sizes and all(s == ["320", "180", ""] for s in sizes), sizes
    assert page.locator(".taking-part svg.icon[aria-hidden=true]").count() >= len(sizes)
    check_axe(page, f"home-resident[{viewport}]", axe_report)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-resident-{viewport}.png"), full_page=True)


def test_a_visitor_is_asked_to_log_in_to_see_what_is_theirs(page, viewport, axe_report):
    page.goto("/")
    expect(page.locator(".taking-part .section-hint a")).to_contain_text("Inicia sesión")
    expect(page.locator(".taking-part .badge-took-part")).to_have_count(0)
    check_axe(page, f"home-visitor[{viewport}]", axe_report)


@pytest.mark.parametrize("path", ["/obras/", "/procesos/{pb}/proyectos/"])
def test_filters_are_folded_on_a_phone_and_open_on_a_desktop(
    page, pb_knapsack, viewport, axe_report, path
):
    page.goto(path.format(pb=pb_knapsack["process"]) + "?estado=")
    filters = page.locator("details[data-filters]")
    summary = filters.locator("summary")
    expect(summary).to_contain_text("Filtros")
    submit = filters.locator("button[type=submit]")
    if viewport == "phone":
        assert not filters.evaluate("d => d.open")
        expect(submit).to_be_hidden()
        summary.click()
        expect(submit).to_be_visible()
    else:
        assert filters.evaluate("d => d.open")
        expect(submit).to_be_visible()
    check_axe(page, f"filters{path.split('/')[1]}[{viewport}]", axe_report)


def test_filters_in_use_are_counted_on_the_folded_summary(page, pb_knapsack):
    page.goto(
        f"/procesos/{pb_knapsack['process']}/proyectos/?q=Parque&categoria=Espacio+p%C3%BAblico"
    )
    expect(page.locator("details[data-filters] summary")).to_contain_text("2 activos")
    expect(page.locator("article.card")).to_have_count(1)


def test_the_over_budget_bar_is_at_most_two_lines_on_a_phone(
    page, new_resident, pb_knapsack, viewport, axe_report
):
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    open_ballot(page, pb_knapsack)
    for index in range(3):
        box(page, index).check()
    bar = page.locator("[data-ballot-summary]")
    warning = bar.locator("[data-warning=over-amount]")
    expect(warning).to_be_visible()
    expect(bar).to_have_class("ballot-summary is-over")
    assert page.locator("#ballot-live").get_attribute("aria-live") == "polite"
    # Screen readers still hear the whole sentence.
    expect(warning).to_contain_text("cuestan más que el monto")
    height, line = bar.evaluate(
        "b => [b.getBoundingClientRect().height,"
        " parseFloat(getComputedStyle(b.querySelector('[data-warning=over-amount]')).lineHeight)]"
    )
    if viewport == "phone":
        expect(warning.locator(".ballot-warning-short")).to_contain_text("$50,000")
        # Two lines of text, the padding and the border: no taller.
        assert height <= 2 * line + 16, (height, line)
        assert bar.evaluate("b => getComputedStyle(b).position") == "sticky"
    else:
        assert height <= 3 * line + 24, (height, line)  # the totals line and the warning
    check_axe(page, f"pb-ballot-over-bar[{viewport}]", axe_report)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"pb-ballot-over-bar-{viewport}.png"))
