"""Staff add a PB project by form, with a photo, on a phone and a desktop; axe on every step.

Selectors use URLs, ids and form names rather than visible words, so the test holds whether
the Spanish catalog is compiled or not.
"""

import uuid

import pytest
from PIL import Image

from participa.budgets.models import PbBallot, PbProject
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

TITLE = "Presupuesto participativo: proyectos de la oficina"


@pytest.fixture(scope="module")
def axe_report() -> dict:
    return {}


@pytest.fixture(scope="module")
def announced_pb(live_server) -> int:
    """An announced PB process (projects may still change) with one $2,000,000 ballot."""
    with live_server.app.app_context():
        process = Process(
            type=ProcessType.PRESUPUESTO,
            status=ProcessStatus.PUBLISHED,
            title=TITLE,
            description="Proyectos capturados por la oficina.",
        )
        db.session.add(process)
        db.session.flush()
        db.session.add(PbBallot(process_id=process.id, name="Municipio", amount=2_000_000))
        db.session.commit()
        return process.id


def test_staff_add_a_project_with_a_photo(
    page, watch, logged_in, live_server, announced_pb, tmp_path, axe_report, viewport
):
    watch.allow(r"status of 400")  # the refused form comes back as 400 with its message
    photo = tmp_path / "cancha.png"
    Image.new("RGB", (900, 600), "seagreen").save(photo, "PNG")
    title = f"Techado de cancha {uuid.uuid4().hex[:6]}"
    logged_in("staff")
    base = f"/gestion/procesos/{announced_pb}/proyectos"
    page.goto(f"{base}/")
    check_axe(page, f"pb-staff-projects[{viewport}]", axe_report)
    page.locator(f"main a[href$='{base}/nuevo']").first.click()
    expect(page).to_have_url(f"{live_server.base_url}{base}/nuevo")
    check_axe(page, f"pb-staff-add[{viewport}]", axe_report)
    check_labels(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the form scrolls sideways ({width}px)"

    page.locator("#title").fill(title)
    page.locator("#description").fill("Techar la cancha de la unidad deportiva.")
    page.locator("#category").fill("Deporte")
    page.locator("#estimated_cost").fill("-5")
    page.locator("#location").fill("Unidad deportiva")
    page.locator("#latitude").fill("20.6597")
    page.locator("#longitude").fill("-103.3496")
    page.locator("#photo").set_input_files(str(photo))
    page.locator("#photo_alt").fill("Cancha de basquetbol sin techo")
    page.locator("main form[enctype] button[type=submit]").click()

    # A negative cost: the page says so beside the field and keeps what was typed.
    expect(page.locator("#estimated_cost-error")).to_be_visible()
    expect(page.locator("#estimated_cost")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title")).to_have_value(title)
    check_axe(page, f"pb-staff-add-errors[{viewport}]", axe_report)
    page.locator("#estimated_cost").fill("$1,250,000.50")
    page.locator("#photo").set_input_files(str(photo))  # a browser never re-sends a file
    page.locator("main form[enctype] button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.base_url}{base}/")
    expect(page.locator("main table th[scope=row]", has_text=title)).to_have_count(1)
    with live_server.app.app_context():
        project = db.session.execute(db.select(PbProject).where(PbProject.title == title))
        project = project.scalar_one()
        assert (project.estimated_cost, project.photo_alt) == (
            1_250_001,
            "Cancha de basquetbol sin techo",
        )
        assert project.photo is not None
        project_id = project.id
    page.goto(f"{base}/{project_id}")
    image = page.locator("main img.project-photo")
    expect(image).to_have_attribute("alt", "Cancha de basquetbol sin techo")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 900
    check_axe(page, f"pb-staff-review[{viewport}]", axe_report)
    page.goto(f"{base}/{project_id}/editar")
    check_axe(page, f"pb-staff-edit[{viewport}]", axe_report)
    check_labels(page)


def test_counting_options_are_folded_and_accessible(
    page, logged_in, live_server, announced_pb, axe_report, viewport
):
    logged_in("staff")
    page.goto(f"/gestion/procesos/{announced_pb}/boletas/")
    page.locator("main ul.plain-list a").first.click()
    expect(page.locator("#counting_rule")).to_be_visible()
    expect(page.locator("#mes_completion")).to_be_hidden()  # inside the closed <details>
    page.locator("main details.advanced summary").click()
    expect(page.locator("#mes_completion")).to_be_visible()
    expect(page.locator("#mes_comparison")).to_be_visible()
    check_axe(page, f"pb-ballot-counting[{viewport}]", axe_report)
    check_labels(page)
