"""Plotly figures, each with a table that says the same in text.

Figures are plain Plotly JSON dicts: building `plotly.graph_objects` figures validates every
property on each request (most of the results page's time at 3,000 responses). The tests
validate every figure with `plotly.graph_objects.Figure` instead.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln

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


# Axis labels stay readable on a 360 px phone: 13 px text, level (never slanted), few ticks on
# the value or date axis (every chart here has its categories on y, or a handful on x), and
# category labels wrapped short (`wrap`) so the bars keep most of the width.
TICK_FONT = {"size": 13}
LAYOUT = {
    "template": None,
    "margin": {"l": 10, "r": 24, "t": 10, "b": 40},  # r: room for the last tick's label
    "font": {"family": FONT, "size": 13, "color": "#1a1a1a"},
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "showlegend": False,
    "xaxis": {
        "automargin": True,
        "gridcolor": "#d9d9d9",
        "tickfont": TICK_FONT,
        "tickangle": 0,
        "nticks": 5,
    },
    "yaxis": {"automargin": True, "tickfont": TICK_FONT},
}
WRAP_WIDTH = 20  # characters per line of a category label
WRAP_LINES = 4
LINE_PX = 17  # one line of a wrapped label, for the height of a bar


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
    return base_figure([bar], height or bars_height(wrapped), yaxis={"autorange": "reversed"})


def bars_height(labels: list[str], least: int = 160, extra: int = 60) -> int:
    """Room for one bar per wrapped label, each as tall as its lines need."""
    rows = sum(max(44, LINE_PX * (label.count("<br>") + 1) + 12) for label in labels)
    return max(least, rows + extra)


def wrap(label: str, width: int = WRAP_WIDTH) -> str:
    """`label` in lines of about `width` characters (at most four, the last one cut with "…");
    the chart's data table keeps the whole text."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > WRAP_LINES:
        lines = [*lines[: WRAP_LINES - 1], lines[WRAP_LINES - 1] + "…"]
    return "<br>".join(lines)


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


# A real municipality has up to 1,500 colonias: one bar each is a chart tens of thousands of
# pixels tall. Past BARS_SHOWN zones the chart draws both ends of the ranking; its table and
# the map keep every zone.
BARS_SHOWN = 30


def ends(zones, shown: int = BARS_SHOWN) -> tuple[list, list]:
    """The zones a bar chart draws, ranked as given: (all, []) when they fit, else the first
    and last shown/2 of those with a share (none of the others)."""
    if len(zones) <= shown:
        return list(zones), []
    ranked = [z for z in zones if z.share is not None]
    if len(ranked) <= shown:
        return ranked, []
    half = shown // 2
    return ranked[:half], ranked[-half:]


def ends_note(total: int, head: list, tail: list) -> str:
    """What a chart cut by `ends` leaves out, for its summary; "" when it draws every zone."""
    drawn = len(head) + len(tail)
    if drawn == total:
        return ""
    if not tail:  # only the zones of unknown population were left out
        return str(
            _l(
                "The chart draws the %(shown)s zones with a known population; the data table "
                "lists all %(total)s.",
                shown=number(drawn),
                total=number(total),
            )
        )
    return str(
        _l(
            "The chart draws %(shown)s of the %(total)s zones, those at each end of the ranking; "
            "the data table lists them all.",
            shown=number(drawn),
            total=number(total),
        )
    )


def ends_bars(head: list, tail: list, label, value, text, total: int) -> dict:
    """A bar chart of `head`, then a gap naming how many zones are left out, then `tail`."""
    labels = [label(z) for z in head]
    values = [value(z) for z in head]
    texts = [text(z) for z in head]
    if tail:
        left_out = total - len(head) - len(tail)
        labels.append(
            str(
                _ln(
                    "… %(n)s more zone in the data table …",
                    "… %(n)s more zones in the data table …",
                    left_out,
                    n=number(left_out),
                )
            )
        )
        values.append(0)
        texts.append("")
        labels += [label(z) for z in tail]
        values += [value(z) for z in tail]
        texts += [text(z) for z in tail]
    figure = hbar(labels, values, texts)
    if tail:  # the gap is no bar: no value of 0 on hover
        figure["data"][0]["hoverinfo"] = [
            "skip" if i == len(head) else "x+y" for i in range(len(labels))
        ]
    return figure


def shares_chart(key: str, title, zones) -> Chart:
    rows = tuple(
        (z.zone, number(z.participants), number(z.population), pct(z.share)) for z in zones
    )
    head, tail = ends(zones)
    figure = ends_bars(
        head,
        tail,
        lambda z: z.zone,
        lambda z: float(z.share) * 100 if z.share is not None else 0,
        lambda z: pct(z.share),
        len(zones),
    )
    return Chart(
        key,
        title,
        figure,
        (_l("Zone"), _l("Participants"), _l("Population"), _l("Share of population")),
        rows,
        ends_note(len(zones), head, tail),
    )
