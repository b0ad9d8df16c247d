"""Page weight for residents on cheap phones and slow data, measured in Chromium.

Sizes are the uncompressed bytes of HTML, CSS and JavaScript (Resource Timing's
decodedBodySize): the test server does not gzip, and a production proxy that does only makes
pages lighter, so the budget holds there too.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from participa.demo.proposals import INITIATIVE_TITLE
from tests.browser.conftest import wait_for_charts

try:
    from playwright.sync_api import expect
except ImportError:  # conftest skips these tests (or fails them on CI) and says why
    expect = None

BUDGET = 150 * 1024  # bytes of HTML + CSS + JS for a page without charts
PLOTLY_PATH = "/static/vendor/plotly/plotly-basic.min.js"
ONE_DAY = 24 * 60 * 60

# (name, role or None for anonymous, path); {open} is the open consultation's id.
PAGES = [
    ("home", None, "/"),
    ("processes", None, "/procesos/"),
    ("process", None, "/procesos/{open}"),
    ("login", None, "/cuenta/entrar"),
    ("register", None, "/cuenta/registro"),
    ("answer-form", "citizen", "/procesos/{open}/responder"),
    ("proposals", None, "/procesos/{initiative}/propuestas/"),
]
LEAFLET_PATH = "/static/vendor/leaflet"  # Leaflet and Leaflet.markercluster
# Pages with a map: their own bytes keep the budget, Leaflet aside (and only they load it).
MAP_PAGES = [
    ("works-map", None, "/obras/mapa"),
    ("proposals-map", None, "/procesos/{initiative}/propuestas/mapa"),
    ("projects-map", None, "/procesos/{budget}/proyectos/mapa"),
    ("proposal-form", "citizen", "/procesos/{initiative}/propuestas/nueva"),
    ("work-form", "staff", "/gestion/obras/nueva"),
]

WEIGHT = """() => {
  const parts = {html: performance.getEntriesByType('navigation')[0].decodedBodySize,
                 css: 0, js: 0, other: 0, files: []};
  for (const entry of performance.getEntriesByType('resource')) {
    const path = new URL(entry.name).pathname;
    const kind = path.endsWith('.css') ? 'css' : path.endsWith('.js') ? 'js' : 'other';
    parts[kind] += entry.decodedBodySize;
    parts.files.push(path);
  }
  return parts;
}"""


@pytest.fixture(scope="session")
def page_ids(live_server, process_ids) -> dict[str, int]:
    """The consultations' ids, and the demo's citizen initiative and PB process."""
    return {
        **process_ids,
        "initiative": live_server.process_id(INITIATIVE_TITLE),
        "budget": live_server.process_id("Presupuesto participativo 2027"),
    }


@pytest.mark.parametrize(("name", "role", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_without_charts_is_light(page, logged_in, page_ids, viewport, name, role, path):
    if role:
        logged_in(role)
    response = page.goto(path.format(**page_ids))
    assert response.status == 200
    weight = page.evaluate(WEIGHT)
    total = weight["html"] + weight["css"] + weight["js"]
    print(
        f"{name}[{viewport}]: {total:,} bytes (html {weight['html']:,}, css {weight['css']:,}, "
        f"js {weight['js']:,})"
    )
    assert weight["html"] > 0
    assert not any("plotly" in file for file in weight["files"]), weight["files"]
    assert not any(LEAFLET_PATH in file for file in weight["files"]), weight["files"]
    assert total < BUDGET, f"{name} weighs {total:,} bytes of HTML+CSS+JS (budget {BUDGET:,})"


LEAFLET_WEIGHT = """p => performance.getEntriesByType('resource')
  .filter(e => new URL(e.name).pathname.startsWith(p))
  .reduce((sum, e) => sum + e.decodedBodySize, 0)"""


@pytest.mark.parametrize(("name", "role", "path"), MAP_PAGES, ids=[p[0] for p in MAP_PAGES])
def test_map_page_is_light_apart_from_leaflet(
    page, logged_in, page_ids, viewport, name, role, path
):
    if role:
        logged_in(role)
    response = page.goto(path.format(**page_ids))
    assert response.status == 200
    page.locator(".map .leaflet-tile-loaded").first.wait_for()
    weight = page.evaluate(WEIGHT)
    leaflet = page.evaluate(LEAFLET_WEIGHT, LEAFLET_PATH)
    own = weight["html"] + weight["css"] + weight["js"] - leaflet
    print(f"{name}[{viewport}]: {own:,} bytes without Leaflet ({leaflet:,})")
    assert leaflet > 100_000, "the map page loads the vendored Leaflet"
    assert not any("plotly" in file for file in weight["files"]), weight["files"]
    assert own < BUDGET, f"{name} weighs {own:,} bytes of HTML+CSS+JS besides Leaflet"


def plotly_hits(live_server) -> int:
    return sum(1 for _method, path in live_server.hits if path.startswith(PLOTLY_PATH))


def test_chart_page_loads_local_plotly_once_and_then_from_cache(
    page, live_server, process_ids, watch
):
    host = urlsplit(live_server.base_url).netloc
    responses = []
    page.on("response", lambda response: responses.append(response))
    before = plotly_hits(live_server)

    page.goto(f"/procesos/{process_ids['finished']}/resultados")
    wait_for_charts(page)

    # Fetched once from the server: fetched ahead, then the script tag takes it from the cache.
    plotly = [r for r in responses if PLOTLY_PATH in r.url]
    assert plotly and len({r.url for r in plotly}) == 1, [r.url for r in plotly]
    parts = urlsplit(plotly[0].url)
    assert (parts.netloc, parts.path) == (host, PLOTLY_PATH)
    assert parse_qs(parts.query).get("v"), "static_url adds a content version to the URL"
    cache_control = plotly[0].header_value("cache-control") or ""
    max_age = re.search(r"max-age=(\d+)", cache_control)
    assert max_age and int(max_age.group(1)) >= ONE_DAY, cache_control
    assert plotly_hits(live_server) == before + 1
    assert all(urlsplit(r.url).netloc == host for r in responses)
    assert watch.foreign == []
    weight = page.evaluate(WEIGHT)
    print(f"results page: html {weight['html']:,}, css {weight['css']:,}, js {weight['js']:,}")

    # A second visit, by following a link as people do: Plotly comes from the browser cache.
    responses.clear()
    page.goto(f"/procesos/{process_ids['finished']}")
    with page.expect_navigation():
        page.locator(f"main a[href$='/procesos/{process_ids['finished']}/resultados']").click()
    wait_for_charts(page)
    assert plotly_hits(live_server) == before + 1, "Plotly was fetched from the server again"
    timing = page.evaluate(
        "p => performance.getEntriesByType('resource').find(e => e.name.includes(p))",
        PLOTLY_PATH,
    )
    assert timing["transferSize"] == 0 and timing["decodedBodySize"] > 100_000, timing
    assert watch.foreign == []


SCREEN_CHARTS = """() => ({
  charts: document.querySelectorAll('.chart').length,
  queued: document.querySelectorAll('.chart[data-chart-queued]').length,
  ready: document.querySelectorAll('.chart.chart-ready').length,
  plotly: typeof window.Plotly !== 'undefined',
})"""


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_plotly_runs_only_once_a_chart_is_on_screen(page, process_ids):
    """On a phone the results page opens on text: Plotly (a second of a phone's processor)
    runs when the first chart is scrolled to, and a chart further down waits its turn."""
    page.goto(f"/procesos/{process_ids['finished']}/resultados")
    expect(page.locator(".chart:not([data-chart-observed])")).to_have_count(0)
    state = page.evaluate(SCREEN_CHARTS)
    assert state["charts"] > 3 and state["queued"] == 0 and not state["plotly"], state

    first = page.locator(".chart").first
    first.scroll_into_view_if_needed()
    expect(first).to_have_class(re.compile(r"\bchart-ready\b"), timeout=20_000)
    expect(page.locator(".chart").last).not_to_have_attribute("data-chart-queued", "")
    state = page.evaluate(SCREEN_CHARTS)
    assert state["plotly"] and 1 <= state["ready"] < state["charts"], state


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_a_chart_at_the_top_is_drawn_at_once(page, process_ids):
    page.set_viewport_size({"width": 1280, "height": 1600})  # a tall screen: the first chart fits
    page.goto(f"/procesos/{process_ids['finished']}/resultados")
    first = page.locator(".chart").first
    box = first.bounding_box()
    assert box["y"] + box["height"] <= 1600, box  # wholly in the first screen
    expect(first).to_have_class(re.compile(r"\bchart-ready\b"))
    assert page.evaluate("window.scrollY") == 0


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_chart_in_a_closed_details_is_drawn_when_it_opens(page, process_ids):
    page.goto(f"/procesos/{process_ids['finished']}/resultados")
    # The first chart (not drawn yet on a phone), moved into a closed <details> at the top of
    # the page: it has no box, and once the details opens it is wholly on the screen.
    page.evaluate(
        """async () => {
          const cards = document.querySelectorAll('.chart-card');
          const details = document.createElement('details');
          details.id = 'more';
          details.innerHTML = '<summary>Más</summary>';
          details.append(cards[0]);
          document.querySelector('main').prepend(details);
          for (let i = 0; i < 3; i++) { await new Promise(r => requestAnimationFrame(r)); }
        }"""
    )
    chart = page.locator("#more .chart")
    expect(page.locator(".chart:not([data-chart-observed])")).to_have_count(0)
    expect(chart).not_to_have_attribute("data-chart-queued", "")
    page.locator("#more > summary").click()
    expect(chart).to_have_class(re.compile(r"\bchart-ready\b"), timeout=20_000)
