"""The choropleth of participation per colonia, drawn from the imported boundaries."""

import json
from fractions import Fraction

import plotly.graph_objects as go
import pytest
from plotly import colors

from participa.auth.models import Role
from participa.core.choropleth import MapZone, colonia_map, share_classes
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


def zone(label, participants, population, outline=True, west=-103.4) -> MapZone:
    share = Fraction(participants, population) if population else None
    return MapZone(label, participants, population, share, square(west, 20.6) if outline else None)


def rings(trace: dict) -> list[list[tuple]]:
    """The rings of a filled trace, split at its gaps (None)."""
    found, ring = [], []
    for x, y in zip(trace["x"], trace["y"], strict=True):
        if x is None:
            found.append(ring)
            ring = []
        else:
            ring.append((x, y))
    return [*found, ring]


def holds(ring: list[tuple], x: float, y: float) -> bool:
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return min(xs) <= x <= max(xs) and min(ys) <= y <= max(ys)


def split(figure: dict) -> tuple[list, dict]:
    *classes, hover = figure["data"]
    assert all(t["fill"] == "toself" and t["mode"] == "lines" for t in classes)
    assert hover["mode"] == "markers" and "fill" not in hover
    return classes, hover


def test_one_trace_per_class_coloured_for_the_shares_it_holds(app):
    # Twelve colonias with 1% to 12%, in six classes of two; one without population.
    zones = [zone(f"C{n}", n, 100, west=-103.6 + n * 0.03) for n in range(1, 13)]
    zones.append(zone("Sin gente", 0, 0, west=-103.6))
    with app.test_request_context():
        chart = colonia_map("m", "Mapa", zones)
    go.Figure(chart.figure)  # raises on anything Plotly does not know
    classes, hover = split(chart.figure)
    assert [t["name"] for t in classes] == [
        "1% – 2%",
        "3% – 4%",
        "5% – 6%",
        "7% – 8%",
        "9% – 10%",
        "11% – 12%",
        "sin población registrada",
    ]
    middles = [(i + 0.5) / 6 for i in range(6)]  # Viridis at each class's middle: darker = less
    assert [t["fillcolor"] for t in classes] == [
        *colors.sample_colorscale(colors.sequential.Viridis, middles),
        "#d9d9d9",
    ]
    assert classes[-1]["fillcolor"] == "#d9d9d9"
    assert [len(rings(t)) for t in classes] == [2, 2, 2, 2, 2, 2, 1]
    # Each colonia's ring is in the trace of its class: the one holding its hover point.
    expected = {z.label: classes[(int(z.share * 100) - 1) // 2 if z.share else 6] for z in zones}
    for x, y, text in zip(hover["x"], hover["y"], hover["hovertext"], strict=True):
        [holder] = [t for t in classes if any(holds(r, x, y) for r in rings(t))]
        assert holder is expected[text.split(":")[0]]
    assert chart.figure["layout"]["showlegend"] is True
    assert chart.figure["layout"]["yaxis"]["scaleanchor"] == "x"


def test_every_drawn_colonia_is_hoverable_and_the_undrawn_are_listed(app):
    zones = [
        zone("Alta", 50, 100),
        zone("Media", 10, 100, west=-103.3),
        zone("Sin gente", 0, 0, west=-103.2),
        zone("Sin límite", 3, 100, outline=False),
    ]
    with app.test_request_context():
        chart = colonia_map("m", "Mapa", zones)
    go.Figure(chart.figure)
    classes, hover = split(chart.figure)
    assert hover["hovertext"] == [
        "Alta: 50%",
        "Media: 10%",
        "Sin gente: sin población registrada",
    ]
    assert hover["hoverinfo"] == "text" and chart.figure["layout"]["hovermode"] == "closest"
    assert all(t["hoverinfo"] == "skip" for t in classes)  # the markers name the colonia
    assert len(hover["x"]) == len(hover["y"]) == 3
    assert chart.rows[3] == ("Sin límite", 3, "100", "3%")
    assert "Sin límite" in chart.summary and "Alta (50%)" in chart.summary


def test_coordinates_are_whole_metres_around_the_middle(app):
    with app.test_request_context():
        chart = colonia_map("m", "Mapa", [zone("Alta", 5, 10)])
    [drawn], hover = split(chart.figure)
    xs = [x for x in drawn["x"] if x is not None]
    assert all(isinstance(v, int) for v in xs + drawn["y"] + hover["x"] + hover["y"])
    # A 0.02° square: about 2.08 km east (at 20.6° N) and 2.23 km north, centred on 0.
    assert (min(xs), max(xs)) == (-1042, 1042)
    assert (min(drawn["y"]), max(drawn["y"])) == (-1113, 1113)


def test_no_outline_no_map(app):
    with app.test_request_context():
        assert colonia_map("m", "Mapa", [zone("Alta", 5, 10, outline=False)]) is None


def test_a_multipolygon_draws_every_part_and_its_holes_and_is_hovered_in_one(app):
    holed = square(-103.3, 20.6, 0.06)["coordinates"] + square(-103.28, 20.62)["coordinates"]
    both = {"type": "MultiPolygon", "coordinates": [square(-103.4, 20.6)["coordinates"], holed]}
    with app.test_request_context():
        chart = colonia_map("m", "Mapa", [MapZone("Dos", 1, 10, Fraction(1, 10), both)])
    [drawn], hover = split(chart.figure)
    first, big, hole = rings(drawn)
    assert [len(p) for p in (first, big, hole)] == [5, 5, 5]
    assert hover["hovertext"] == ["Dos: 10%"]
    x, y = hover["x"][0], hover["y"][0]
    # In the larger part, outside its hole.
    assert holds(big, x, y) and not holds(hole, x, y) and not holds(first, x, y)


def hovered(figure: dict) -> list[str]:
    return sorted(figure["data"][-1]["hovertext"])


def test_the_dashboard_draws_the_map_once_a_colonia_has_a_boundary(client, make):
    seed_results(make)  # Centro 2 of 1,000, Lomas 1 of 500, Sauces 1 of 2,000
    login_as(client, make, Role.COUNCIL)
    heard = "/consejo/tablero/escuchados"  # the dashboard's "who was heard" section
    assert "heard-colonia-map" not in figures(client.get(heard).get_data(as_text=True))
    give_boundaries("Centro", "Sauces")
    found = figures(client.get(heard).get_data(as_text=True))
    drawn = found["heard-colonia-map"]
    go.Figure(drawn)
    assert hovered(drawn) == ["Centro (Norte): 0.2%", "Sauces (Sur): 0%"]
    assert "heard-colonia" in found  # the bars stay


def test_the_public_results_page_of_a_consultation_has_the_map(client, make):
    survey = seed_results(make, ProcessStatus.RESULTS_PUBLISHED)
    give_boundaries("Lomas")
    page = client.get(f"/procesos/{survey.process.id}/resultados").get_data(as_text=True)
    drawn = figures(page)["map-colonia"]
    go.Figure(drawn)
    assert hovered(drawn) == ["Lomas (Norte): 0.2%"]
    assert "Sin límite, no dibujadas: Centro (Norte)" in page


@pytest.mark.usefixtures("pb_ballot")
def test_the_public_pb_results_have_the_turnout_map(client, make, pb_ballot):  # noqa: F811
    publish(make, pb_ballot)
    give_boundaries("Centro")
    drawn = figures(client.get(public_url(pb_ballot)).get_data(as_text=True))["map-colonia"]
    go.Figure(drawn)
    assert hovered(drawn) == ["Centro (Norte): 0.4%"]  # 4 voters of 1,000


def test_classes_split_on_shares_as_shown_so_their_ranges_never_meet(app):
    # 0.499% is shown as 0.5%: it must not end one class while 0.5% starts the next.
    shares = (100, 200, 300, 499, 500, 600, 700, 800, 900, 1000, 1100, 1200)
    zones = [MapZone(f"Z{i}", n, 100_000, Fraction(n, 100_000), None) for i, n in enumerate(shares)]
    with app.test_request_context():
        classes = share_classes(zones)
    ranges = [c.label.split(" – ") for c in classes]
    values = [[float(end.rstrip("%")) for end in r] for r in ranges]
    for lower, upper in zip(values, values[1:], strict=False):
        assert lower[-1] < upper[0], ranges
    together = next(c for c in classes if any(z.label == "Z3" for z in c.zones))
    assert {z.label for z in together.zones} >= {"Z3", "Z4"}
