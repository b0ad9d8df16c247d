"""The colonia map (choropleth) drawn by Plotly's basic bundle, and the boundary import page.

The demo gives its colonias grid boundaries (participa/demo/boundaries.py), so the maps show.
"""

import json
import re

import pytest

from participa.demo.seed import TERRITORY
from tests.browser.conftest import wait_for_charts
from tests.browser.test_accessibility import check_axe, check_labels

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

DEMO_COLONIAS = sum(len(colonias) for colonias in TERRITORY.values())
BOW_TIE = [[-103.36, 20.66], [-103.34, 20.68], [-103.34, 20.66], [-103.36, 20.68], [-103.36, 20.66]]


@pytest.fixture
def axe_report() -> dict:
    return {}


def drawn_colonias(page, key: str) -> int:
    """Colonias Plotly drew in the chart `key`: its legend names the classes of share, and the
    last trace has one (transparent) marker per colonia with a boundary, for hover and tap."""
    chart = page.locator(f"#chart-{key} .chart")
    expect(chart.locator(".legend .traces").first).to_be_visible()
    assert chart.locator("path.js-fill").count() >= 1
    return chart.locator(".scatterlayer .trace").last.locator("path.point").count()


def hover_names_a_colonia(page, key: str) -> None:
    """Pointing at a colonia's marker shows its name and share."""
    page.locator(f"#chart-{key} .chart").scroll_into_view_if_needed()
    point = page.locator(f"#chart-{key} .scatterlayer .trace").last.locator("path.point").first
    box = point.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 2, y - 2)
    page.mouse.move(x, y, steps=2)
    expect(page.locator(f"#chart-{key} .hoverlayer .hovertext")).to_contain_text(
        re.compile(r"\(.+\): (\d[\d.,]*%|sin población registrada)")
    )


def test_the_council_sees_participation_per_colonia_on_a_map(page, logged_in, axe_report, viewport):
    logged_in("council")
    assert page.goto("/consejo/tablero/escuchados").status == 200
    wait_for_charts(page)
    assert drawn_colonias(page, "heard-colonia-map") == DEMO_COLONIAS
    hover_names_a_colonia(page, "heard-colonia-map")
    expect(page.locator("#chart-heard-colonia-map .chart-summary")).to_contain_text(
        f"{DEMO_COLONIAS} colonias"
    )
    page.locator("#chart-heard-colonia-map details.chart-data").evaluate("d => (d.open = true)")
    expect(page.locator("#chart-heard-colonia-map tbody tr")).to_have_count(DEMO_COLONIAS)
    check_axe(page, f"colonia-map-dashboard[{viewport}]", axe_report)


def test_the_public_results_have_the_map(page, process_ids, axe_report, viewport):
    assert page.goto(f"/procesos/{process_ids['finished']}/resultados").status == 200
    wait_for_charts(page)
    assert drawn_colonias(page, "map-colonia") == DEMO_COLONIAS
    hover_names_a_colonia(page, "map-colonia")
    check_axe(page, f"colonia-map-public[{viewport}]", axe_report)


def test_staff_upload_a_bad_file_and_read_what_is_wrong(page, logged_in, axe_report, viewport):
    logged_in("staff")
    assert page.goto("/gestion/territorio/limites/").status == 200
    check_axe(page, f"boundaries-import[{viewport}]", axe_report)
    check_labels(page)
    bad = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"NOM_ASEN": "Centro"},
                "geometry": {"type": "Polygon", "coordinates": [BOW_TIE]},
            }
        ],
    }
    page.locator("#file").set_input_files(
        {
            "name": "colonias.geojson",
            "mimeType": "application/geo+json",
            "buffer": json.dumps(bad).encode(),
        }
    )
    with page.expect_navigation():  # the POST starts a job and redirects to this page
        page.locator("form[enctype] button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("El archivo se recibió y se está importando")
    # The job ended (inline in tests): an alert says why nothing was stored, and lists it.
    alert = page.get_by_role("alert").filter(has=page.locator("#boundary-refusal"))
    expect(alert.get_by_role("heading")).to_have_text("La última importación no guardó nada")
    expect(alert.locator("#boundary-refusal")).to_contain_text("No se importó nada")
    expect(page.locator("#boundary-problems li")).to_have_text(
        ['Elemento 1 ("Centro"): el polígono se cruza consigo mismo']
    )
    latest = page.get_by_role("status").filter(has_text="Importación de límites").first
    expect(latest).to_contain_text("Falló")
    check_axe(page, f"boundaries-import-error[{viewport}]", axe_report)
