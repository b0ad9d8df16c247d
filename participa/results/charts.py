"""The results report's charts: one per question, and participation over time."""

from flask_babel import lazy_gettext as _l

from participa.consultations.forms import SCALE_LABELS
from participa.core.charts import MUTED, PRIMARY, TICK_FONT, Chart, base_figure, hbar, pct
from participa.core.numbers import number
from participa.tally import ChoiceTally, RankingTally, ScaleTally


def choice_chart(key: str, title: str, tally: ChoiceTally, labels: dict) -> Chart:
    names = [labels[o.option_id] for o in tally.options]
    counts = [o.count for o in tally.options]
    shares = [pct(o.share) for o in tally.options]
    rows = tuple(zip(names, counts, shares, strict=True))
    return Chart(
        key,
        title,
        hbar(names, counts, [f"{number(c)} ({s})" for c, s in zip(counts, shares, strict=True)]),
        (_l("Option"), _l("Answers"), _l("Share of respondents")),
        rows,
        _l("%(n)s people answered.", n=number(tally.respondents)),
    )


def ranking_chart(key: str, title: str, tally: RankingTally, labels: dict) -> Chart:
    names = [labels[o.option_id] for o in tally.options]
    points = [o.count for o in tally.options]
    firsts = [tally.first_places.get(o.option_id, 0) for o in tally.options]
    rows = tuple(zip(names, points, firsts, strict=True))
    return Chart(
        key,
        title,
        hbar(names, points, [number(p) for p in points]),
        (_l("Option"), _l("Borda points"), _l("Ranked first")),
        rows,
        _l(
            "%(n)s people ranked the options. The first of n options gets n points, the "
            "next n − 1, and so on.",
            n=number(tally.respondents),
        ),
    )


def scale_chart(key: str, title: str, tally: ScaleTally) -> Chart:
    values = list(range(tally.low, tally.high + 1))
    bar = {
        "type": "bar",
        "x": [str(v) for v in values],
        "y": list(tally.counts),
        "marker": {"color": PRIMARY},
        "text": [number(c) for c in tally.counts],
        "textposition": "auto",
    }
    mean = number(tally.mean)
    rows = tuple((SCALE_LABELS[v], c) for v, c in zip(values, tally.counts, strict=True))
    return Chart(
        key,
        title,
        base_figure([bar], 260),
        (_l("Value"), _l("Answers")),
        rows,
        _l("%(n)s people answered; average %(mean)s.", n=number(tally.respondents), mean=mean),
    )


def per_day_chart(days) -> Chart:
    dates = [d.day.isoformat() for d in days]
    daily = {"type": "bar", "x": dates, "y": [d.count for d in days], "marker": {"color": MUTED}}
    total = {
        "type": "scatter",
        "mode": "lines",
        "x": dates,
        "y": [d.cumulative for d in days],
        "line": {"color": PRIMARY, "width": 3},
        "yaxis": "y2",
    }
    # Its own round ticks for the running total ("sync" would put 127.8 people on it), and room
    # for them on the right of a phone's screen.
    right = {"overlaying": "y", "side": "right", "showgrid": False, "automargin": True}
    right |= {"tickmode": "auto", "rangemode": "tozero", "tickformat": ",d", "tickfont": TICK_FONT}
    figure = base_figure([daily, total], 280, yaxis2=right)
    rows = tuple((d.day.isoformat(), d.count, d.cumulative) for d in days)
    return Chart(
        "per-day",
        _l("Participation over time"),
        figure,
        (_l("Day"), _l("Participants"), _l("Cumulative")),
        rows,
    )
