"""Citizen audit and popular collaboration in Chromium: filing a finding on a phone, axe.

Selectors use URLs, ids and form names rather than visible words, so the tests hold whether
the Spanish catalog is compiled or not.
"""

import pytest
from PIL import Image

from participa.extensions import db
from participa.oversight.models import Finding, WatchedWork
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

AUDIT = "Auditoría ciudadana de obra pública 2026"
COLLABORATION = "Colaboración popular: cancha y jardín vecinal"
STREET = "Pavimentación de la calle Morelos"
COURT = "Techado de la cancha de San Juan"
VIEWPORT_WIDTH = 360


@pytest.fixture(scope="module")
def axe_report() -> dict:
    """Moderate and minor axe findings of these pages (serious ones fail the test)."""
    return {}


def work_id(live_server, name: str) -> int:
    with live_server.app.app_context():
        query = db.select(WatchedWork.id).where(WatchedWork.name == name)
        return db.session.execute(query).scalar_one()


def findings_titled(live_server, title: str) -> list[tuple[int, int]]:
    """(finding id, photos) of the findings with this title in the live database."""
    with live_server.app.app_context():
        query = db.select(Finding).where(Finding.title == title)
        return [(f.id, len(f.photos)) for f in db.session.execute(query).scalars()]


@pytest.mark.parametrize("viewport", ["phone"])
def test_resident_files_a_finding_with_a_photo_on_a_phone(
    page, live_server, new_resident, tmp_path, axe_report, viewport
):
    photo = tmp_path / "bache.jpg"
    Image.new("RGB", (800, 600), "sienna").save(photo, "JPEG")
    resident = new_resident()
    log_in(page, resident.email, resident.password)
    process = live_server.process_id(AUDIT)
    street = work_id(live_server, STREET)

    page.goto(f"/procesos/{process}")
    with page.expect_navigation():
        page.locator(f"main a[href$='/obras/{street}']").click()
    with page.expect_navigation():
        page.locator(f"main a[href$='/obras/{street}/hallazgo']").click()
    check_axe(page, f"finding-form[{viewport}]", axe_report)
    check_labels(page)
    page.locator("#title").fill("Coladera sin tapa")
    page.locator("#text").fill("Hay una coladera **sin tapa** en la esquina.<script>x()</script>")
    page.locator("#location").fill("Morelos y Juárez")
    page.locator("#photos").set_input_files(str(photo))
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.base_url}/procesos/{process}/obras/{street}")
    (finding_id, photos), *_ = findings_titled(live_server, "Coladera sin tapa")
    assert photos == 1
    article = page.locator(f"article:has(#finding-{finding_id})")
    expect(article.locator("strong")).to_have_text("sin tapa")
    expect(article.locator("script")).to_have_count(0)
    image = article.locator(".finding-photos img")
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()  # loading="lazy": fetched once near the screen
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") == 800
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT_WIDTH, f"the page scrolls sideways on a phone ({width}px)"


def test_subject_pages_are_accessible(page, live_server, logged_in, axe_report, viewport):
    audit = live_server.process_id(AUDIT)
    collaboration = live_server.process_id(COLLABORATION)
    street, court = work_id(live_server, STREET), work_id(live_server, COURT)
    pages = {
        "audit-process": f"/procesos/{audit}",
        "audit-work": f"/procesos/{audit}/obras/{street}",
        "collaboration-process": f"/procesos/{collaboration}",
        "collaboration-work": f"/procesos/{collaboration}/obras/{court}",
        "collaboration-totals": f"/procesos/{collaboration}/aportaciones",
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        page.locator("details").evaluate_all("ds => ds.forEach(d => (d.open = true))")
        check_axe(page, f"{name}[{viewport}]", axe_report)
        check_labels(page)
    logged_in("citizen")
    page.goto(f"/procesos/{collaboration}/obras/{court}/aportar")
    check_axe(page, f"pledge-form[{viewport}]", axe_report)
    check_labels(page)
