"""Results not published yet: a page that says when they come, not a 404, on a phone and a
desktop, axe clean, and nothing counted on it. Selectors use ids, not visible words."""

import pytest

from tests.browser.test_accessibility import check_axe

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None


@pytest.fixture
def axe_report() -> dict:
    return {}


@pytest.mark.parametrize("role", [None, "citizen"])
def test_results_of_an_open_consultation_say_when_they_come(
    page, logged_in, process_ids, axe_report, viewport, role
):
    if role:
        logged_in(role)
    response = page.goto(f"/procesos/{process_ids['open']}/resultados")
    assert response.status == 200
    heading = page.locator("#pending-heading")
    expect(heading).to_be_visible()
    assert heading.inner_text().strip()
    # Nothing counted before publication: no chart, no table of figures, no download.
    expect(page.locator("main .chart")).to_have_count(0)
    expect(page.locator("main table")).to_have_count(0)
    expect(page.locator("main a[href$='.csv']")).to_have_count(0)
    check_axe(page, f"results-pending[{role or 'visitor'}][{viewport}]", axe_report)
