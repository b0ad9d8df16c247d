"""A map of the colonias coloured by their share of population, from plain scatter traces.

Drawn with Plotly's basic bundle (static/vendor/plotly/plotly-basic.min.js: no geo traces, no
map tiles): each colonia's outline is a `scatter` trace filled "toself", its colour sampled
from Viridis (perceptually even and readable with colour blindness), and one invisible marker
trace carries the colour bar. Longitude and latitude are plain x and y, their scale set so a
kilometre east is as long as a kilometre north near the municipality.
"""

import math
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from plotly import colors

from participa.core.charts import Chart, base_figure, pct

VIRIDIS = colors.sequential.Viridis
NO_POPULATION = "#d9d9d9"
EDGE = "#3a3a3a"
LISTED = 12  # colonias without a boundary named in the summary; the table has them all


@dataclass(frozen=True)
class MapZone:
    label: str
    participants: int
    population: int
    share: Fraction | None
    outline: dict | None  # GeoJSON Polygon or MultiPolygon, longitude first


def _rings(outline: dict) -> list:
    polygons = [outline["coordinates"]] if outline["type"] == "Polygon" else outline["coordinates"]
    return [ring for polygon in polygons for ring in polygon]


def _path(outline: dict) -> tuple[list, list]:
    """x and y of every ring, a gap (None) between rings: each is filled on its own."""
    xs, ys = [], []
    for ring in _rings(outline):
        xs += [point[0] for point in ring] + [None]
        ys += [point[1] for point in ring] + [None]
    return xs[:-1], ys[:-1]


def _trace(zone: MapZone, top: float) -> dict:
    xs, ys = _path(zone.outline)
    if zone.share is None:
        color, shown = NO_POPULATION, _l("no population recorded")
    else:
        color = colors.sample_colorscale(VIRIDIS, [min(float(zone.share) / top, 1.0)])[0]
        shown = pct(zone.share)
    return {
        "type": "scatter",
        "mode": "lines",
        "x": xs,
        "y": ys,
        "fill": "toself",
        "fillcolor": color,
        "line": {"color": EDGE, "width": 0.7},
        "hoveron": "fills",
        "hoverinfo": "text",
        "text": f"{zone.label}: {shown}",
        "name": zone.label,
    }


def _scale_trace(x: float, y: float, top: float) -> dict:
    """Invisible points whose only purpose is the colour bar (0 to the highest share)."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [x, x],
        "y": [y, y],
        "hoverinfo": "skip",
        "marker": {
            "color": [0, top * 100],
            "cmin": 0,
            "cmax": top * 100,
            "colorscale": "Viridis",
            "opacity": 0,
            "size": 1,
            "showscale": True,
            # Below the map, across: on a phone a bar at the side would take half the width.
            "colorbar": {
                "title": {"text": str(_l("Share of population")), "side": "top"},
                "ticksuffix": "%",
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": 0,
                "yanchor": "top",
                "thickness": 12,
                "len": 0.9,
            },
        },
    }


def _summary(drawn: list, missing: list) -> str:
    parts = [str(_l("%(n)s colonias on the map; darker means a smaller share.", n=len(drawn)))]
    ranked = [z for z in drawn if z.share is not None]
    if ranked:
        high = max(ranked, key=lambda z: z.share)
        low = min(ranked, key=lambda z: z.share)
        parts.append(
            str(
                _l(
                    "Highest: %(high)s (%(high_share)s); lowest: %(low)s (%(low_share)s).",
                    high=high.label,
                    high_share=pct(high.share),
                    low=low.label,
                    low_share=pct(low.share),
                )
            )
        )
    if missing:
        names = ", ".join(z.label for z in missing[:LISTED])
        more = len(missing) - LISTED
        names += f" (+{more})" if more > 0 else ""
        parts.append(str(_l("Without a boundary, not drawn: %(names)s.", names=names)))
    return " ".join(parts)


def colonia_map(key: str, title, zones: list[MapZone]) -> Chart | None:
    """The choropleth of `zones`, or None when none of them has an outline."""
    drawn = [z for z in zones if z.outline]
    if not drawn:
        return None
    top = max((float(z.share) for z in drawn if z.share is not None), default=0) or 0.01
    lats = [p[1] for z in drawn for ring in _rings(z.outline) for p in ring]
    middle = (min(lats) + max(lats)) / 2
    first = _rings(drawn[0].outline)[0][0]
    traces = [_trace(z, top) for z in drawn] + [_scale_trace(first[0], first[1], top)]
    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    figure = base_figure(
        traces,
        460,
        margin={"l": 4, "r": 4, "t": 4, "b": 90},
        hovermode="closest",
        xaxis=hidden,
        yaxis={**hidden, "scaleanchor": "x", "scaleratio": 1 / math.cos(math.radians(middle))},
    )
    rows = tuple(
        (z.label, z.participants, format_decimal(z.population), pct(z.share)) for z in zones
    )
    return Chart(
        key,
        title,
        figure,
        (_l("Colonia"), _l("Participants"), _l("Population"), _l("Share of population")),
        rows,
        _summary(drawn, [z for z in zones if not z.outline]),
    )


def zones_from(shares, outlines: dict) -> list[MapZone]:
    """MapZone rows from ZoneShare-like rows keyed by colonia label (`zone`)."""
    return [
        MapZone(s.zone, s.participants, s.population, s.share, outlines.get(s.zone)) for s in shares
    ]
