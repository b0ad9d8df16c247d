"""Bar charts of zones draw both ends of a long ranking; their table keeps every zone.

A municipality has up to 1,500 colonias: one bar each made a chart tens of thousands of pixels
tall on the results pages and the council's dashboard (participa/core/charts.py, `ends`)."""

from fractions import Fraction
from types import SimpleNamespace

import plotly.graph_objects as go

from participa.core.charts import BARS_SHOWN, shares_chart
from participa.results.dashboard import colonia_chart
from participa.tally.participation import shares_of_population


def ranked(n: int, without_population: int = 0):
    """`n` zones with 1..n participants of 1,000 people each (ranked highest first), and
    `without_population` zones of unknown population, as the results pages get them."""
    participants = {f"Colonia {i:04}": i for i in range(1, n + 1)}
    population = dict.fromkeys(participants, 1000)
    participants |= {f"Sin censo {i}": 3 for i in range(without_population)}
    return shares_of_population(participants, population)


def bars(chart) -> dict:
    go.Figure(chart.figure)  # a valid figure
    (bar,) = chart.figure["data"]
    return bar


def test_a_short_ranking_draws_every_zone_and_says_nothing_more(app):
    zones = ranked(BARS_SHOWN)
    with app.test_request_context():
        chart = shares_chart("by-colonia", "t", zones)
    assert len(bars(chart)["y"]) == BARS_SHOWN
    assert chart.summary == ""


def test_a_long_ranking_draws_both_ends_and_a_gap_naming_the_rest(app):
    zones = ranked(1500, without_population=4)
    with app.test_request_context():
        chart = shares_chart("by-colonia", "t", zones)
    bar = bars(chart)
    half = BARS_SHOWN // 2
    assert len(bar["y"]) == BARS_SHOWN + 1
    # Highest first, as ranked: 150% … 136%, the gap, then 15% … 1‰ (1 of 1,000).
    assert bar["y"][:2] == ["Colonia 1500", "Colonia 1499"]
    assert bar["y"][half - 1] == "Colonia 1486"
    assert bar["y"][half].replace("<br>", " ") == "… 1,474 zonas más en la tabla de datos …"
    assert bar["x"][half] == 0 and bar["text"][half] == ""
    assert bar["hoverinfo"][half] == "skip"  # the gap is no bar: no "0" on hover
    assert set(bar["hoverinfo"][:half] + bar["hoverinfo"][half + 1 :]) == {"x+y"}
    assert bar["y"][half + 1] == "Colonia 0015"
    assert bar["y"][-1] == "Colonia 0001"  # zones of unknown population are not drawn
    assert bar["x"][-1] == 0.1
    assert "30 de las 1,504 zonas" in chart.summary
    assert len(chart.rows) == 1504  # the table has them all, unknown population last
    assert chart.rows[-1][0].startswith("Sin censo")


def test_unknown_population_alone_does_not_open_a_gap(app):
    zones = ranked(20, without_population=20)  # 40 zones, 20 with a share
    with app.test_request_context():
        chart = shares_chart("by-colonia", "t", zones)
    assert bars(chart)["y"] == [z.zone for z in zones[:20]]
    assert chart.summary == (
        "La gráfica dibuja las 20 zonas con población conocida; la tabla de datos incluye las 40."
    )


def test_one_zone_left_out_is_named_in_the_singular(app):
    zones = ranked(BARS_SHOWN + 1)
    with app.test_request_context():
        chart = shares_chart("by-colonia", "t", zones)
    gap = bars(chart)["y"][BARS_SHOWN // 2].replace("<br>", " ")
    assert gap == "… 1 zona más en la tabla de datos …"


def test_the_dashboard_s_colonia_bars_are_cut_the_same_way(app):
    rows = tuple(
        SimpleNamespace(
            zone=f"Colonia {i:03}",
            delegacion="Centro",
            by_source={"consultations": i, "pb": 0, "proposals": 0, "events": 0},
            participants=i,
            population=500,
            share=Fraction(i, 500),
        )
        for i in range(1, 101)  # lowest first, as who_was_heard ranks them
    )
    with app.test_request_context():
        chart = colonia_chart(SimpleNamespace(by_colonia=rows))
    bar = bars(chart)
    assert bar["y"][0] == "Colonia 001 (Centro)" and bar["y"][-1] == "Colonia 100 (Centro)"
    gap = bar["y"][BARS_SHOWN // 2].replace("<br>", " ")
    assert gap == "… 70 zonas más en la tabla de datos …"
    assert len(chart.rows) == 100
