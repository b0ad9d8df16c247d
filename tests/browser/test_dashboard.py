"""The council dashboard in Chromium: charts drawn, filters without JavaScript, axe.

Selectors use ids, names and values rather than visible words, so the test holds in Spanish.
"""

import pytest

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


def test_council_dashboard_filters_and_accessibility(page, logged_in, axe_report, viewport):
    logged_in("council")
    response = page.goto("/consejo/")
    assert response.status == 200
    for section in ("heard", "consultations", "pb", "proposals", "events"):
        expect(page.locator(f"main h2#{section}")).to_be_visible()
    count = wait_for_charts(page)
    assert count >= 5
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
    expect(page.locator(".secrecy-note").first).to_be_visible()
    wait_for_charts(page)
    check_axe(page, f"council-dashboard-filtered[{viewport}]", axe_report)
