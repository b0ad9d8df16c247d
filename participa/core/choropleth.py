"""A map of the colonias coloured by their share of population, from plain scatter traces.

Drawn with Plotly's basic bundle (static/vendor/plotly/plotly-basic.min.js: no geo traces, no
map tiles). A municipality has up to about 1,500 colonias, so the figure has a handful of
traces, not one per colonia: the shares fall into a few classes (quantiles, at most
`CLASSES`, plus "no population recorded"), and each class is ONE `scatter` trace holding the
rings of all its colonias, separated by gaps (None), each ring filled "toself". Its colour is
Viridis sampled at the class's middle (perceptually even, readable with colour blindness and
in grey; darker = smaller share), and the legend below the map names each class by the
lowest and highest share it holds. One more trace of transparent markers, one at a point
inside each colonia, carries the hover (and tap): "Colonia (Delegación): 0.4%".

Coordinates are metres east and north of the map's middle (an equirectangular projection,
exact enough across a municipality), rounded to the metre: shorter numbers than degrees at
the same precision, and a kilometre east is as long as a kilometre north on the screen.
"""

import math
from bisect import bisect_right
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from itertools import chain

import numpy
import shapely
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from plotly import colors

from participa.core.charts import Chart, base_figure, pct
from participa.core.numbers import MISSING

VIRIDIS = colors.sequential.Viridis
NO_POPULATION = "#d9d9d9"
EDGE = "#3a3a3a"
LISTED = 12  # colonias without a boundary named in the summary; the table has them all
CLASSES = 6
METRES_PER_DEGREE = 111_320


@dataclass(frozen=True)
class MapZone:
    label: str
    participants: int
    population: int
    share: Fraction | None
    outline: dict | None  # GeoJSON Polygon or MultiPolygon, longitude first


@dataclass(frozen=True)
class ShareClass:
    low: Fraction | None  # the smallest share the class takes; None: no population
    color: str
    label: str  # lowest and highest share held: "0.5% – 1.2%"
    zones: tuple


def _polygons(outline: dict) -> list:
    return [outline["coordinates"]] if outline["type"] == "Polygon" else outline["coordinates"]


def shown(share: Fraction) -> Fraction:
    """`share` as pct() writes it: on tenths of a point, rounded half to even as Babel does
    (0.499% is shown, and classed, as 0.5%)."""
    points = (Decimal(str(float(share))) * 100).quantize(Decimal("0.1"), ROUND_HALF_EVEN)
    return Fraction(points) / 100


def share_classes(zones: list[MapZone]) -> list[ShareClass]:
    """The zones with a share in up to CLASSES classes of about as many colonias each (limits
    at quantiles, on tenths of a point), and those without population in a grey class."""
    ranked = sorted((z for z in zones if z.share is not None), key=lambda z: z.share)
    lows: list[Fraction] = []
    for k in range(CLASSES if ranked else 0):
        low = shown(ranked[k * len(ranked) // CLASSES].share)
        if not lows or low > lows[-1]:
            lows.append(low)
    members: list[list] = [[] for _ in lows]
    for zone in ranked:  # by the share as shown: a class's label never meets the next one's
        members[bisect_right(lows, shown(zone.share)) - 1].append(zone)
    found = []
    for i, (low, held) in enumerate(zip(lows, members, strict=True)):
        if held:
            color = colors.sample_colorscale(VIRIDIS, [(i + 0.5) / len(lows)])[0]
            lowest, highest = pct(held[0].share), pct(held[-1].share)
            label = lowest if lowest == highest else f"{lowest} – {highest}"
            found.append(ShareClass(low, color, label, tuple(held)))
    unknown = tuple(z for z in zones if z.share is None)
    if unknown:
        found.append(ShareClass(None, NO_POPULATION, str(_l("no population recorded")), unknown))
    return found


class _Projected:
    """Every ring of the drawn zones in metres around their middle, and a point inside each."""

    def __init__(self, drawn: list[MapZone]):
        rings, self.owner, shells = [], [], []
        for index, zone in enumerate(drawn):
            for polygon in _polygons(zone.outline):
                shells.append(len(rings))
                for ring in polygon:
                    rings.append(ring)
                    self.owner.append(index)
        sizes = numpy.array([len(ring) for ring in rings])
        # Flattened in C (chain): a Python loop over 150,000 points costs more than the rest.
        flat = numpy.fromiter(chain.from_iterable(chain.from_iterable(rings)), dtype=float)
        points = flat.reshape(-1, 2)  # stored outlines are 2-D (territory/shapes.outline)
        lo, hi = points.min(axis=0), points.max(axis=0)
        middle = (lo + hi) / 2
        scale = METRES_PER_DEGREE * numpy.array([math.cos(math.radians(middle[1])), 1.0])
        exact = (points - middle) * scale
        metres = numpy.rint(exact).astype(int)
        self.starts = numpy.concatenate([[0], numpy.cumsum(sizes)])
        self.xs, self.ys = metres[:, 0].tolist(), metres[:, 1].tolist()
        self.inside = self._inside(drawn, exact, sizes, shells)

    def _inside(self, drawn, exact, sizes, shells) -> list:
        """A point inside each zone's largest part (GEOS's point on surface, all at once)."""
        all_rings = shapely.linearrings(
            exact, indices=numpy.repeat(numpy.arange(len(sizes)), sizes)
        )
        # Each ring's part: a shell starts one, the holes that follow it belong to it.
        part_of = numpy.searchsorted(shells, numpy.arange(len(sizes)), side="right") - 1
        parts = shapely.polygons(all_rings, indices=part_of)
        areas = shapely.area(parts)
        best: dict[int, int] = {}
        for part, ring in enumerate(shells):
            zone = self.owner[ring]
            if zone not in best or areas[part] > areas[best[zone]]:
                best[zone] = part
        chosen = shapely.point_on_surface(parts[[best[i] for i in range(len(drawn))]])
        return shapely.get_coordinates(chosen).round().astype(int).tolist()

    def path(self, zone_ids: set) -> tuple[list, list]:
        """x and y of every ring of these zones, a gap (None) between rings."""
        xs, ys = [], []
        for ring, owner in enumerate(self.owner):
            if owner in zone_ids:
                start, end = self.starts[ring], self.starts[ring + 1]
                xs += [*self.xs[start:end], None]
                ys += [*self.ys[start:end], None]
        return xs[:-1], ys[:-1]


def _class_trace(found: ShareClass, projected: _Projected, index_of: dict) -> dict:
    xs, ys = projected.path({index_of[id(z)] for z in found.zones})
    return {
        "type": "scatter",
        "mode": "lines",
        "x": xs,
        "y": ys,
        "fill": "toself",
        "fillcolor": found.color,
        "line": {"color": EDGE, "width": 0.5},
        "hoverinfo": "skip",
        "name": found.label,
        "showlegend": True,
    }


def _hover_trace(drawn: list[MapZone], projected: _Projected, shown: dict) -> dict:
    """Transparent markers inside each colonia: hover or tap names it and its share."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [point[0] for point in projected.inside],
        "y": [point[1] for point in projected.inside],
        "hovertext": [f"{z.label}: {shown[id(z)]}" for z in drawn],
        "hoverinfo": "text",
        "marker": {"size": 8, "color": "rgba(0,0,0,0)"},
        "showlegend": False,
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
    projected = _Projected(drawn)
    percents = {id(z): pct(z.share) for z in zones}  # Babel's formatting, once per colonia
    unknown = str(_l("no population recorded"))
    shown = {key: unknown if text == MISSING else text for key, text in percents.items()}
    index_of = {id(z): i for i, z in enumerate(drawn)}
    traces = [_class_trace(c, projected, index_of) for c in share_classes(drawn)]
    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    figure = base_figure(
        [*traces, _hover_trace(drawn, projected, shown)],
        460,
        margin={"l": 4, "r": 4, "t": 4, "b": 4},
        hovermode="closest",  # near a colonia's point (Plotly's 20 px): its name and share
        showlegend=True,
        # Below the map, across: on a phone a legend at the side would take half the width.
        legend={
            "title": {"text": str(_l("Share of population")), "side": "top"},
            "orientation": "h",
            "x": 0,
            "y": 0,
            "yanchor": "top",
            "itemclick": False,
            "itemdoubleclick": False,
        },
        xaxis=hidden,
        yaxis={**hidden, "scaleanchor": "x", "scaleratio": 1},
    )
    rows = tuple(
        (z.label, z.participants, format_decimal(z.population), percents[id(z)]) for z in zones
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
