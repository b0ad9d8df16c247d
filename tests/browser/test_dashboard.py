"""The council dashboard in Chromium: charts drawn, filters without JavaScript, axe.

Selectors use ids, names and values rather than visible words, so the test holds in Spanish.
"""

import re

import pytest

from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from tests.browser.conftest import wait_for_charts
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None


@pytest.fixture
def axe_report() -> dict:
    """Moderate and minor axe findings of these pages (serious ones fail the test)."""
    return {}


@pytest.fixture(scope="module")
def published_budget(live_server) -> int:
    """A PB process whose results are published (the demo's PB is still open)."""
    with live_server.app.app_context():
        process = Process(
            type=ProcessType.PRESUPUESTO,
            status=ProcessStatus.RESULTS_PUBLISHED,
            title="Presupuesto con resultados (navegador)",
        )
        db.session.add(process)
        db.session.commit()
        return process.id


def test_dashboard_starts_with_summary_cards_and_a_menu(
    page, logged_in, axe_report, viewport, published_budget
):
    """The first screen is short: cards, the council's pages, filters and the section menu."""
    logged_in("council")
    response = page.goto("/consejo/")
    assert response.status == 200
    for card in ("processes", "participation", "works", "agreements", "session"):
        expect(page.locator(f"#card-{card} .summary-value")).to_be_visible()
    expect(page.locator("#followup-link")).to_be_visible()
    expect(page.locator("#budget-results-link")).to_be_visible()
    expect(page.locator(".chart")).to_have_count(0)  # the charts live on the section pages
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, height  # it was one 7,000 px scroll
    check_axe(page, f"council-dashboard-summary[{viewport}]", axe_report)
    check_labels(page)

    # An old link to a section of the one-page dashboard lands on its menu item.
    page.goto("/consejo/#pb")
    page.locator("li#pb a").click()
    page.wait_for_load_state()
    assert "/consejo/tablero/presupuesto" in page.url
    expect(page.locator("main h1#pb")).to_be_visible()
    expect(page.locator("nav.section-menu a[aria-current=page]")).to_have_attribute(
        "href", re.compile(r"/consejo/tablero/presupuesto")
    )
    wait_for_charts(page)
    check_axe(page, f"council-dashboard-pb[{viewport}]", axe_report)

    page.goto("/consejo/")
    page.locator("#budget-results-link").click()
    page.wait_for_load_state()
    assert f"/procesos/{published_budget}/presupuesto/resultados" in page.url


def test_council_dashboard_filters_and_accessibility(page, logged_in, axe_report, viewport):
    logged_in("council")
    response = page.goto("/consejo/tablero/escuchados")
    assert response.status == 200
    expect(page.locator("main h1#heard")).to_be_visible()
    count = wait_for_charts(page)
    assert count >= 4
    expect(page.locator("#lowest-shares li").first).to_be_visible()
    # Figures come from JSON blocks, never from inline scripts (the CSP forbids them).
    expect(page.locator("script:not([src]):not([type='application/json'])")).to_have_count(0)
    page.locator("details.chart-data").evaluate_all("ds => ds.forEach(d => (d.open = true))")
    check_axe(page, f"council-dashboard-full[{viewport}]", axe_report)
    check_labels(page)

    # Narrow to women 30-44: a plain GET form, and the page says why answers stay whole.
    page.locator("#edad").select_option("30-44")
    page.locator("#sexo").select_option("M")
    page.locator("form.dashboard-filters button[type=submit]").click()
    page.wait_for_load_state()
    assert "edad=30-44" in page.url and "sexo=M" in page.url
    expect(page.locator("#edad")).to_have_value("30-44")
    # The menu keeps the filters: the consultations page says why answers stay whole.
    page.locator("nav.section-menu a[href*='/consejo/tablero/consultas']").click()
    page.wait_for_load_state()
    assert "edad=30-44" in page.url and "sexo=M" in page.url
    expect(page.locator(".secrecy-note").first).to_be_visible()
    wait_for_charts(page)
    check_axe(page, f"council-dashboard-filtered[{viewport}]", axe_report)
