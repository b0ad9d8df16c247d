"""The header's search box in a real browser: type without accents, find, follow a link."""

from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

DEMO_TITLE = "Semáforo frente a la Secundaria Técnica 12"  # participa/demo/proposals.py


def test_the_header_box_finds_a_proposal_without_accents(page, viewport):
    page.goto("/")
    box = page.locator(".site-header #site-search-q")
    expect(box).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box.fill("SEMAFORO secundaria")
    page.locator(".site-search button[type=submit]").click()
    page.wait_for_load_state()
    assert "/buscar?q=" in page.url
    expect(page.locator("h1")).to_have_text("Buscar")
    expect(page.locator("#buscar-q")).to_have_value("SEMAFORO secundaria")
    link = page.locator(".search-hits a", has_text=DEMO_TITLE)
    expect(link).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_labels(page)
    check_axe(page, f"search-{viewport}", {})
    link.click()
    expect(page.locator("h1")).to_have_text(DEMO_TITLE)


def test_a_too_long_search_says_so(page, viewport):
    page.goto("/buscar?q=" + "semaforo+" * 12)
    expect(page.locator("#buscar-error")).to_have_text(
        "Escribe como máximo 100 caracteres para buscar."
    )
    expect(page.locator("#buscar-q")).to_have_attribute("aria-invalid", "true")
    check_axe(page, f"search-too-long-{viewport}", {})
