"""Maps in Chromium: picking a place on a form (tap, keyboard, "Use my location") and the
clustered map views whose popups open the item. Tiles come from the local stub (conftest's
`tile_server`): a request that left 127.0.0.1 would fail the test."""

import re

import pytest

from participa.budgets.models import PbBallot, PbProject, ProjectStatus
from participa.demo.proposals import INITIATIVE_TITLE
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.proposals.models import Proposal
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

MAP_TITLE = "Presupuesto participativo con mapa"
# Three projects a block apart (one cluster until zoomed in) and two across town.
PLACES = [
    ("Bancas del jardín", 20.6700, -103.3500),
    ("Fuente del jardín", 20.6715, -103.3515),
    ("Kiosco del jardín", 20.6730, -103.3485),
    ("Puente del arroyo", 20.7400, -103.2800),
    ("Cancha del oriente", 20.6000, -103.4200),
]


@pytest.fixture
def axe_report() -> dict:
    return {}


@pytest.fixture(scope="module")
def mapped_budget(live_server) -> int:
    """A published PB process whose five projects have a place; its id."""
    with live_server.app.app_context():
        process = Process(
            type=ProcessType.PRESUPUESTO,
            status=ProcessStatus.PUBLISHED,
            title=MAP_TITLE,
            description="Proyectos con lugar en el mapa.",
        )
        db.session.add(process)
        db.session.flush()
        ballot = PbBallot(process_id=process.id, name="Todo el municipio", amount=5_000_000)
        ballot.projects = [
            PbProject(
                title=title,
                description="Obra con lugar.",
                category="Espacio público",
                estimated_cost=100_000,
                cost=100_000,
                status=ProjectStatus.FEASIBLE,
                latitude=latitude,
                longitude=longitude,
            )
            for title, latitude, longitude in PLACES
        ]
        db.session.add(ballot)
        db.session.commit()
        return process.id


# The map view stands still: no zoom and no cluster animation running.
IDLE = """() => {
  const box = document.querySelector('.map-view');
  return !box.classList.contains('leaflet-zoom-anim')
    && !box.querySelector('.leaflet-cluster-anim');
}"""


def wait_for_tiles(page, box: str) -> None:
    page.locator(f"{box} img.leaflet-tile-loaded").first.wait_for()


def test_a_resident_marks_the_place_of_a_proposal_on_the_map(
    page, new_resident, live_server, viewport, axe_report
):
    from tests.browser.conftest import log_in

    resident = new_resident()
    log_in(page, resident.email, resident.password)
    process_id = live_server.process_id(INITIATIVE_TITLE)
    page.goto(f"/procesos/{process_id}/propuestas/nueva")
    picker = page.locator(".map-picker")
    expect(picker).to_be_visible()
    wait_for_tiles(page, ".map-picker")
    expect(page.locator("#latitude")).to_have_value("")
    if viewport == "phone":
        picker.tap()
    else:
        picker.click()
    expect(page.locator("#latitude")).not_to_have_value("")
    expect(page.locator("[data-map-status]")).to_contain_text("Punto marcado")
    expect(page.locator(".map-picker .leaflet-marker-icon")).to_have_count(1)
    latitude = float(page.locator("#latitude").input_value())
    longitude = float(page.locator("#longitude").input_value())
    assert 20.3 <= latitude <= 21.1 and -103.8 <= longitude <= -102.9
    check_axe(page, f"proposal-picker[{viewport}]", axe_report)
    check_labels(page)

    title = f"Bancas con sombra ({viewport})"
    page.locator("#title").fill(title)
    page.locator("#body").fill("Faltan bancas cerca del kiosco.")
    page.locator("#category").select_option(index=1)
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(title)
    with live_server.app.app_context():
        proposal = db.session.execute(
            db.select(Proposal).where(Proposal.title == title)
        ).scalar_one()
        assert (proposal.latitude, proposal.longitude) == (latitude, longitude)


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_the_picker_works_with_the_keyboard_and_the_device_location(
    page, context, logged_in, live_server, mapped_budget, viewport
):
    logged_in("staff")
    with live_server.app.app_context():
        project_id = db.session.execute(
            db.select(PbProject.id).where(PbProject.title == PLACES[3][0])
        ).scalar_one()
    page.goto(f"/gestion/procesos/{mapped_budget}/proyectos/{project_id}/editar")
    # The stored point is where the marker starts.
    expect(page.locator("#latitude")).to_have_value("20.74")
    expect(page.locator(".map-picker .leaflet-marker-icon")).to_have_count(1)
    wait_for_tiles(page, ".map-picker")
    # Keyboard: the map takes the focus, arrows move it, Enter marks its centre.
    pane = page.locator(".map-picker .leaflet-map-pane")
    before = pane.evaluate("p => p.style.transform")
    page.locator(".map-picker").focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "before => document.querySelector('.map-picker .leaflet-map-pane').style.transform"
        " !== before",
        arg=before,
    )
    page.keyboard.press("Enter")
    expect(page.locator("[data-map-status]")).to_contain_text("Punto marcado")
    moved = float(page.locator("#latitude").input_value())
    assert moved != 20.74 and 20.3 <= moved <= 21.1
    # "Use my location", refused by the browser: a clear message, nothing changed.
    page.locator("[data-locate]").click()
    expect(page.locator("[data-map-status]")).to_contain_text("no compartió tu ubicación")
    assert float(page.locator("#latitude").input_value()) == moved
    # Allowed: the point becomes the device's.
    context.grant_permissions(["geolocation"], origin=live_server.base_url)
    context.set_geolocation({"latitude": 20.6612, "longitude": -103.3301})
    page.locator("[data-locate]").click()
    expect(page.locator("#latitude")).to_have_value("20.661200")
    expect(page.locator("#longitude")).to_have_value("-103.330100")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    with live_server.app.app_context():
        project = db.session.get(PbProject, project_id)
        assert (project.latitude, project.longitude) == (20.6612, -103.3301)


def test_the_map_view_clusters_markers_and_a_popup_opens_the_project(
    page, mapped_budget, viewport, axe_report, watch
):
    page.goto(f"/procesos/{mapped_budget}/proyectos/")
    page.get_by_role("link", name="Verlos en el mapa").click()
    expect(page).to_have_url(re.compile(r"/proyectos/mapa$"))
    wait_for_tiles(page, ".map-view")
    # The three projects a few metres apart are one cluster (on a phone, with more).
    clusters = page.locator(".map-view .marker-cluster")
    expect(clusters.filter(has_text=re.compile(r"^\s*[345]\s*$"))).to_have_count(1)
    group = clusters.filter(has_text=re.compile(r"^\s*[2-5]\s*$"))
    check_axe(page, f"projects-map[{viewport}]", axe_report)
    check_labels(page)
    # The list below the map names every place (the path without JavaScript).
    expect(page.locator(".map-list a")).to_have_count(len(PLACES))
    first = page.locator(f".map-view .leaflet-marker-icon[title='{PLACES[0][0]}']")
    for _ in range(4):  # Enter on a cluster zooms into it until its markers stand apart
        page.wait_for_function(IDLE)
        if first.count():
            break
        cluster = group.first.element_handle()
        cluster.focus()  # clusters and markers are buttons: Enter works as a click
        page.keyboard.press("Enter")
        page.wait_for_function("cluster => !cluster.isConnected", arg=cluster)
    expect(first).to_be_visible()
    first.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_have_text(PLACES[0][0])
    link.click()
    expect(page).to_have_url(re.compile(rf"/procesos/{mapped_budget}/proyectos/\d+$"))
    expect(page.locator("h1")).to_have_text(PLACES[0][0])
    assert watch.foreign == []


def test_the_public_works_map_shows_the_priorities(page, viewport, axe_report):
    page.goto("/obras/mapa")
    wait_for_tiles(page, ".map-view")
    markers = page.locator(".map-view .leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    assert page.locator(".map-list a").count() > 0
    check_axe(page, f"works-map[{viewport}]", axe_report)
