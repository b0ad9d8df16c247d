"""Plotly figures, each with a table that says the same in text.

Figures are plain Plotly JSON dicts: building `plotly.graph_objects` figures validates every
property on each request (most of the results page's time at 3,000 responses). The tests
validate every figure with `plotly.graph_objects.Figure` instead.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from flask_babel import lazy_gettext as _l

from participa.core.numbers import number, percent, separators

PRIMARY = "#1f5f8b"  # 6.9:1 against white: readable as text and as bars
MUTED = "#8fb3cc"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(frozen=True)
class Chart:
    """A figure plus its text alternative: a one-line summary and a data table."""

    key: str
    title: str
    figure: dict
    headers: tuple
    rows: tuple
    summary: str = ""
    extra: dict = field(default_factory=dict)


LAYOUT = {
    "template": None,
    "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
    "font": {"family": FONT, "size": 13, "color": "#1a1a1a"},
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "showlegend": False,
    "xaxis": {"automargin": True, "gridcolor": "#d9d9d9"},
    "yaxis": {"automargin": True},
}


def base_figure(traces: list[dict], height: int, **layout) -> dict:
    merged = {**LAYOUT, "height": height, "separators": separators(), **layout}
    for axis in ("xaxis", "yaxis"):
        merged[axis] = {**LAYOUT[axis], **layout.get(axis, {})}
    return {"data": traces, "layout": merged}


def hbar(labels, values, text, height=None) -> dict:
    """Horizontal bars, first item on top, labels wrapped for phones."""
    wrapped = [wrap(str(label)) for label in labels]
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": list(values),
        "y": wrapped,
        "marker": {"color": PRIMARY},
        "text": list(text),
        "textposition": "auto",
        "hoverinfo": "x+y",
        "cliponaxis": False,
    }
    return base_figure(
        [bar], height or max(160, 44 * len(wrapped) + 60), yaxis={"autorange": "reversed"}
    )


def wrap(label: str, width: int = 28) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines[:4])


def pct(share: Fraction | None) -> str:
    return percent(share)  # one decimal at most, "—" for None (participa.core.numbers)


def counts_chart(key: str, title, counts: dict, labels: dict | None = None) -> Chart:
    labels = labels or {}
    names = [str(labels.get(k, k if k is not None else _l("Unknown"))) for k in counts]
    values = list(counts.values())
    total = sum(values) or 1
    rows = tuple(
        (n, number(v), pct(Fraction(v, total))) for n, v in zip(names, values, strict=True)
    )
    return Chart(
        key,
        title,
        hbar(names, values, [number(v) for v in values]),
        (_l("Group"), _l("Participants"), _l("Share")),
        rows,
    )


def shares_chart(key: str, title, zones) -> Chart:
    names = [z.zone for z in zones]
    percents = [float(z.share) * 100 if z.share is not None else 0 for z in zones]
    rows = tuple(
        (z.zone, number(z.participants), number(z.population), pct(z.share)) for z in zones
    )
    figure = hbar(names, percents, [pct(z.share) for z in zones])
    return Chart(
        key,
        title,
        figure,
        (_l("Zone"), _l("Participants"), _l("Population"), _l("Share of population")),
        rows,
    )
