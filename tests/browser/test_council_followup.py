"""The council reads the monthly follow-up from its dashboard: read only, on a phone and a
desktop, axe clean. Selectors use ids and attributes, not visible words."""

import pytest

from tests.browser.test_accessibility import check_axe

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None


@pytest.fixture
def axe_report() -> dict:
    return {}


def test_council_reads_the_follow_up_without_edit_controls(page, logged_in, axe_report, viewport):
    logged_in("council")
    page.goto("/consejo/")
    page.locator("#followup-link").click()
    page.wait_for_load_state()
    assert page.url.endswith("/consejo/seguimiento/")
    check_axe(page, f"council-followup-index[{viewport}]", axe_report)
    page.locator("main a[href*='/consejo/seguimiento/sesion/']").first.click()
    page.wait_for_load_state()
    assert "/consejo/seguimiento/sesion/" in page.url
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main section.panel").first).to_be_visible()  # the demo's priorities
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("main button")).to_have_count(0)
    expect(page.locator("main a[href*='/gestion/']")).to_have_count(0)
    check_axe(page, f"council-followup-session[{viewport}]", axe_report)
