"""The choropleth of participation per colonia, drawn from the imported boundaries."""

import json
from fractions import Fraction

import plotly.graph_objects as go
import pytest

from participa.auth.models import Role
from participa.core.choropleth import MapZone, colonia_map
from participa.processes.types import ProcessStatus
from participa.territory.boundaries import import_boundaries
from tests.budgets.test_pb_results_pages import ballot as pb_ballot  # noqa: F401 - fixture
from tests.budgets.test_pb_results_pages import public_url, publish
from tests.results.test_dashboard import figures, login_as
from tests.results.test_results import seed_results

BOUNDS = {"lat": (20.3, 21.1), "lon": (-103.8, -102.9)}


def square(west: float, south: float, side: float = 0.02) -> dict:
    ring = [
        [west, south],
        [west + side, south],
        [west + side, south + side],
        [west, south + side],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def give_boundaries(*names: str) -> None:
    """Import squares for `names` (colonias of make.territory()) through the real import."""
    features = [
        {
            "type": "Feature",
            "properties": {"NOM_ASEN": name},
            "geometry": square(-103.4 + i / 20, 20.6),
        }
        for i, name in enumerate(names)
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    import_boundaries(None, data, BOUNDS)


def zone(label, participants, population, outline=True) -> MapZone:
    share = Fraction(participants, population) if population else None
    return MapZone(
        label, participants, population, share, square(-103.4, 20.6) if outline else None
    )


def test_the_map_colours_each_colonia_by_its_share_and_lists_the_undrawn(app):
    zones = [
        zone("Alta", 50, 100),
        zone("Media", 10, 100),
        zone("Sin gente", 0, 0),
        zone("Sin límite", 3, 100, outline=False),
    ]
    with app.test_request_context():
        chart = colonia_map("m", "Mapa", zones)
    go.Figure(chart.figure)  # raises on anything Plotly does not know
    polygons, scale = chart.figure["data"][:-1], chart.figure["data"][-1]
    assert [t["name"] for t in polygons] == ["Alta", "Media", "Sin gente"]
    assert polygons[0]["fillcolor"] == "rgb(253, 231, 37)"  # the top of Viridis: the highest
    assert polygons[1]["fillcolor"] == "rgb(64, 66, 134)"  # a fifth of the way up
    assert polygons[2]["fillcolor"] == "#d9d9d9"
    assert all(t["fill"] == "toself" and t["type"] == "scatter" for t in polygons)
    assert polygons[0]["text"] == "Alta: 50%"
    assert scale["marker"]["showscale"] and scale["marker"]["cmax"] == 50
    layout = chart.figure["layout"]
    assert layout["yaxis"]["scaleanchor"] == "x" and layout["xaxis"]["visible"] is False
    assert chart.rows[3] == ("Sin límite", 3, "100", "3%")
    assert "Sin límite" in chart.summary and "Alta (50%)" in chart.summary


def test_no_outline_no_map(app):
    with app.test_request_context():
        assert colonia_map("m", "Mapa", [zone("Alta", 5, 10, outline=False)]) is None


def test_a_multipolygon_is_one_trace_with_a_gap_between_its_parts(app):
    both = {
        "type": "MultiPolygon",
        "coordinates": [square(-103.4, 20.6)["coordinates"], square(-103.3, 20.6)["coordinates"]],
    }
    with app.test_request_context():
        chart = colonia_map("m", "Mapa", [MapZone("Dos", 1, 10, Fraction(1, 10), both)])
    trace = chart.figure["data"][0]
    assert trace["x"].count(None) == 1 and len(trace["x"]) == 11


def test_the_dashboard_draws_the_map_once_a_colonia_has_a_boundary(client, make):
    seed_results(make)  # Centro 2 of 1,000, Lomas 1 of 500, Sauces 1 of 2,000
    login_as(client, make, Role.COUNCIL)
    heard = "/consejo/tablero/escuchados"  # the dashboard's "who was heard" section
    assert "heard-colonia-map" not in figures(client.get(heard).get_data(as_text=True))
    give_boundaries("Centro", "Sauces")
    found = figures(client.get(heard).get_data(as_text=True))
    drawn = found["heard-colonia-map"]
    go.Figure(drawn)
    texts = sorted(t["text"] for t in drawn["data"] if t.get("fill"))
    assert texts == ["Centro (Norte): 0.2%", "Sauces (Sur): 0%"]
    assert "heard-colonia" in found  # the bars stay


def test_the_public_results_page_of_a_consultation_has_the_map(client, make):
    survey = seed_results(make, ProcessStatus.RESULTS_PUBLISHED)
    give_boundaries("Lomas")
    page = client.get(f"/procesos/{survey.process.id}/resultados").get_data(as_text=True)
    drawn = figures(page)["map-colonia"]
    go.Figure(drawn)
    [lomas] = [t for t in drawn["data"] if t.get("fill")]
    assert lomas["text"] == "Lomas (Norte): 0.2%"
    assert "Sin límite, no dibujadas: Centro (Norte)" in page


@pytest.mark.usefixtures("pb_ballot")
def test_the_public_pb_results_have_the_turnout_map(client, make, pb_ballot):  # noqa: F811
    publish(make, pb_ballot)
    give_boundaries("Centro")
    drawn = figures(client.get(public_url(pb_ballot)).get_data(as_text=True))["map-colonia"]
    go.Figure(drawn)
    assert drawn["data"][0]["text"] == "Centro (Norte): 0.4%"  # 4 voters of 1,000
