"""Maps: settings, the tile server in the CSP, map views (filters, JSON, cap, no-JS list),
the place picker's fallback fields, and Leaflet only where a map is. On the seeded demo."""

import json
import re
from datetime import date

import pytest

from participa.budgets.models import PbProject
from participa.core import maps
from participa.demo import places
from participa.demo.seed import seed
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessType
from participa.proposals.models import Proposal
from participa.works.models import Work
from tests.factories import login

LEAFLET = "/static/vendor/leaflet/leaflet.js"
CLUSTER = "/static/vendor/leaflet.markercluster/leaflet.markercluster.js"
MARKERS = re.compile(r'<script type="application/json" id="map-markers">(.*?)</script>', re.S)


@pytest.fixture
def demo(app):
    """The demo (few answers), whose projects, proposals and works all have a place."""
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    with app.test_request_context():
        accounts = seed(date(2026, 12, 7), responses=10, hash_method="pbkdf2:sha256:1000")
    return {a.role.value: a for a in accounts}


def markers(page: str) -> list[dict]:
    [block] = MARKERS.findall(page)
    return json.loads(block)


def process_of(kind: ProcessType) -> Process:
    query = db.select(Process).where(Process.type == kind).order_by(Process.id)
    return db.session.execute(query).scalars().first()


# --- settings and headers ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.mx:8443/{z}/{x}/{y}.png", "https://*.tiles.example.mx:8443"),
        ("/teselas/{z}/{x}/{y}.png", ""),
    ],
)
def test_the_tile_server_joins_the_image_sources(url, source):
    base = "default-src 'self'; img-src 'self' data:; font-src 'self'"
    assert maps.tile_source(url) == source
    expected = f"img-src 'self' data: {source};" if source else "img-src 'self' data:;"
    assert expected in maps.content_security_policy(base, url)


def test_the_map_opens_on_the_middle_of_the_municipality(app):
    app.config["MUNICIPALITY_BOUNDS"] = {"lat": (20.0, 21.0), "lon": (-104.0, -103.0)}
    assert maps.settings()["center"] == "20.500000,-103.500000"
    app.config["MAP_CENTER"] = (20.67, -103.35)
    assert maps.settings()["center"] == "20.670000,-103.350000"
    assert maps.settings()["bounds"] == "20.0,-104.0,21.0,-103.0"


def test_only_place_picker_pages_may_ask_for_the_location(app, demo, client):
    login(client, demo["citizen"].email, demo["citizen"].password)
    process = process_of(ProcessType.INICIATIVA)
    form = client.get(f"/procesos/{process.id}/propuestas/nueva")
    listing = client.get(f"/procesos/{process.id}/propuestas/")
    assert "geolocation=(self)" in form.headers["Permissions-Policy"]
    assert "geolocation=()" in listing.headers["Permissions-Policy"]
    assert "https://tile.openstreetmap.org" in listing.headers["Content-Security-Policy"]


# --- the place picker: fields first, the map on top -----------------------------------------


def test_picker_pages_keep_the_typed_fields_and_load_leaflet(app, demo, client):
    login(client, demo["citizen"].email, demo["citizen"].password)
    process = process_of(ProcessType.INICIATIVA)
    page = client.get(f"/procesos/{process.id}/propuestas/nueva").get_data(as_text=True)
    assert 'id="latitude"' in page and 'id="longitude"' in page  # the no-JS path
    assert "data-place-picker" in page and LEAFLET in page and CLUSTER not in page
    assert re.search(r'class="map map-picker"[^>]*hidden', page)  # shown by the script only
    assert re.search(r"data-locate hidden", page)
    # The colonia is suggested from the point by the territory's lookup.
    assert 'data-colonia-url="/territorio/colonia-en"' in page
    assert 'data-colonia-field="colonia_id"' in page


def test_pages_without_a_map_load_no_leaflet(app, demo, client):
    process = process_of(ProcessType.INICIATIVA)
    for path in ("/", "/procesos/", f"/procesos/{process.id}/propuestas/", "/obras/"):
        page = client.get(path).get_data(as_text=True)
        assert "vendor/leaflet" not in page, path


# --- map views --------------------------------------------------------------------------------


def test_the_proposals_map_has_the_filtered_places_and_links(app, demo, client):
    process = process_of(ProcessType.INICIATIVA)
    base = f"/procesos/{process.id}/propuestas"
    page = client.get(f"{base}/mapa").get_data(as_text=True)
    shown = markers(page)
    public = client.get(f"{base}/").get_data(as_text=True).count('class="card proposal-card"')
    assert len(shown) == public > 0
    assert LEAFLET in page and CLUSTER in page
    for marker in shown:
        assert marker["url"].startswith(f"{base}/") and marker["title"] and marker["status"]
        assert f'href="{marker["url"]}"' in page  # the list below the map, for no-JS
    category = db.session.get(Proposal, int(shown[0]["url"].rsplit("/", 1)[1])).category
    filtered = markers(client.get(f"{base}/mapa?categoria={category}").get_data(as_text=True))
    assert 0 < len(filtered) <= len(shown)
    assert {m["url"] for m in filtered} <= {m["url"] for m in shown}
    assert markers(client.get(f"{base}/mapa?q=ningunacoincidencia").get_data(as_text=True)) == []


def test_items_without_a_place_are_counted_and_the_map_is_capped(app, demo, client):
    process = process_of(ProcessType.PRESUPUESTO)
    base = f"/procesos/{process.id}/proyectos"
    project = db.session.execute(db.select(PbProject).order_by(PbProject.id).limit(1)).scalar_one()
    project.latitude = project.longitude = None
    db.session.commit()
    page = client.get(f"{base}/mapa").get_data(as_text=True)
    assert "1 item of this list has no place on the map." in page
    assert f"{base}/{project.id}" not in {m["url"] for m in markers(page)}
    app.config["MAP_MARKERS_MAX"] = 2
    page = client.get(f"{base}/mapa").get_data(as_text=True)
    assert len(markers(page)) == 2
    assert "The map shows the first 2 places only" in page


def test_the_works_map_shows_public_priorities_only(app, demo, client):
    page = client.get("/obras/mapa").get_data(as_text=True)
    shown = markers(page)
    listed = set(re.findall(r'href="(/obras/\d+)"', client.get("/obras/").get_data(as_text=True)))
    assert shown and {m["url"] for m in shown} == listed
    hidden = db.session.execute(db.select(Work).where(Work.status == "candidate")).scalars()
    assert not {f"/obras/{w.id}" for w in hidden} & {m["url"] for m in shown}
    assert markers(client.get("/obras/mapa?estado=done&periodo=1999").get_data(as_text=True)) == []


def test_titles_go_into_the_json_safely(app, demo, client):
    process = process_of(ProcessType.INICIATIVA)
    proposal = (
        db.session.execute(
            db.select(Proposal).where(
                Proposal.process_id == process.id, Proposal.latitude.is_not(None)
            )
        )
        .scalars()
        .first()
    )
    proposal.title = "</script><script>alert(1)</script>"
    db.session.commit()
    page = client.get(f"/procesos/{process.id}/propuestas/mapa").get_data(as_text=True)
    assert "</script><script>alert" not in page
    assert proposal.title in {m["title"] for m in markers(page)}


def test_demo_points_fall_inside_the_municipality(app, demo):
    bounds = app.config["MUNICIPALITY_BOUNDS"]
    for model in (PbProject, Proposal, Work):
        rows = db.session.execute(db.select(model.latitude, model.longitude)).all()
        assert rows
        for latitude, longitude in rows:
            assert bounds["lat"][0] <= latitude <= bounds["lat"][1]
            assert bounds["lon"][0] <= longitude <= bounds["lon"][1]
    assert places.point("x") == places.point("x") != places.point("y")
