"""Charts of a prioritisation round: both rankings, and the approved cost by fund and zone."""

from collections import Counter

from flask_babel import lazy_gettext as _l

from participa.core.charts import MUTED, PRIMARY, Chart, bars_height, base_figure, hbar, wrap
from participa.core.numbers import money, number, percent
from participa.tally.priorities import Priorities
from participa.works.forms import FUNDING_LABELS

OVERDUE = "#a8431b"  # the accent colour: 5.6:1 against white


def _num(value) -> str:
    return number(round(float(value), 2))


def ranking_charts(result: Priorities) -> list[Chart]:
    weighted = result.weighted
    borda = result.borda
    return [
        Chart(
            "weighted",
            _l("Weighted score"),
            hbar(
                [r.title for r in weighted],
                [float(r.weighted) for r in weighted],
                [_num(r.weighted) for r in weighted],
            ),
            (_l("Work"), _l("Weighted score"), _l("Place")),
            tuple((r.title, _num(r.weighted), r.weighted_rank) for r in weighted),
            _l(
                "Mean of the members' weighted totals; the best possible is %(max)s.",
                max=_num(result.max_total),
            ),
        ),
        Chart(
            "borda",
            _l("Borda count"),
            hbar(
                [r.title for r in borda],
                [float(r.borda) for r in borda],
                [_num(r.borda) for r in borda],
            ),
            (_l("Work"), _l("Borda points"), _l("Place")),
            tuple((r.title, _num(r.borda), r.borda_rank) for r in borda),
            _l("Each member's ranking gives the first of n works n − 1 points and the last 0."),
        ),
    ]


def _money(value: int) -> str:
    return money(value)


def _cost_chart(key: str, title, header, totals: Counter) -> Chart:
    names = list(totals)
    values = [totals[n] for n in names]
    return Chart(
        key,
        title,
        hbar(names, values, [_money(v) for v in values]),
        (header, _l("Estimated cost")),
        tuple((n, _money(v)) for n, v in zip(names, values, strict=True)),
    )


def cost_charts(priorities) -> list[Chart]:
    """Cost of the approved works by funding source and by delegación."""
    by_fund: Counter = Counter()
    by_zone: Counter = Counter()
    for candidate in priorities:
        work = candidate.work
        by_fund[str(FUNDING_LABELS[work.funding])] += work.estimated_cost
        zone = work.zone_delegacion
        by_zone[zone.name if zone else str(_l("Whole municipality"))] += work.estimated_cost
    return [
        _cost_chart("by-funding", _l("Cost by funding source"), _l("Funding source"), by_fund),
        _cost_chart("by-zone", _l("Cost by delegación"), _l("Delegación"), by_zone),
    ]


def gantt_chart(key: str, title, tasks, today, overdue) -> Chart:
    """A timeline: one bar per task from its start to its end; overdue tasks in another
    colour and marked in words (“overdue”), so colour is not the only sign."""
    late = str(_l("overdue"))
    labels = [wrap(f"{t.work.title}: {t.title}", 18) for t in tasks]
    day_ms = 24 * 3600 * 1000
    bar = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "base": [t.starts_on.isoformat() for t in tasks],
        "x": [((t.ends_on - t.starts_on).days + 1) * day_ms for t in tasks],
        "marker": {
            "color": [OVERDUE if overdue(t) else (MUTED if t.done else PRIMARY) for t in tasks]
        },
        "text": [late if overdue(t) else "" for t in tasks],
        "textposition": "inside",
        "hoverinfo": "y",
    }
    figure = base_figure(
        [bar],
        bars_height(labels, 160, 80),
        # The task names leave a phone little width: few ticks, the year under the month.
        xaxis={"type": "date", "nticks": 3, "tickformat": "%b<br>%Y"},
        yaxis={"autorange": "reversed"},
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": today.isoformat(),
                "x1": today.isoformat(),
                "y0": 0,
                "y1": 1,
                "line": {"color": OVERDUE, "dash": "dot"},
            }
        ],
    )
    rows = tuple(
        (
            f"{t.work.title}: {t.title}",
            t.area,
            t.starts_on.isoformat(),
            t.ends_on.isoformat(),
            _l("Done") if t.done else (_l("Overdue") if overdue(t) else _l("Pending")),
        )
        for t in tasks
    )
    return Chart(
        key,
        title,
        figure,
        (_l("Task"), _l("Responsible area"), _l("Start"), _l("End"), _l("Status")),
        rows,
        _l("The dotted line is today."),
    )


def progress_chart(rows) -> Chart:
    """Physical progress per priority (last report), as horizontal bars."""
    labels = [f"{r.rank}. {r.work.title}" for r in rows]
    values = [r.progress for r in rows]
    figure = hbar(labels, values, [percent(v, 100) for v in values])
    figure["layout"]["xaxis"] = {**figure["layout"].get("xaxis", {}), "range": [0, 100]}
    return Chart(
        "progress",
        _l("Physical progress per priority"),
        figure,
        (_l("Work"), _l("Period"), _l("Physical progress"), _l("Spent"), _l("Estimated cost")),
        tuple(
            (r.work.title, r.period, percent(r.progress, 100), _money(r.spent), _money(cost))
            for r, cost in ((r, r.work.estimated_cost) for r in rows)
        ),
        _l("The progress of the last follow-up report of each priority, from 0 to 100 %."),
    )


def history_charts(work, reports) -> list[Chart]:
    """A work's follow-up over time: physical progress %, and spent against estimated cost."""
    days = [r.reported_on.isoformat() for r in reports]
    line = {"type": "scatter", "mode": "lines+markers", "x": days, "hoverinfo": "x+y"}
    progress = base_figure(
        [{**line, "y": [r.progress for r in reports], "marker": {"color": PRIMARY},
          "line": {"color": PRIMARY}}],
        260,
        xaxis={"type": "date"},
        yaxis={"range": [0, 100], "ticksuffix": " %"},
    )  # fmt: skip
    cost = str(_l("Estimated cost"))
    spent = base_figure(
        [
            {**line, "name": str(_l("Spent")), "y": [r.spent for r in reports],
             "marker": {"color": PRIMARY}, "line": {"color": PRIMARY}},
            {**line, "mode": "lines", "name": cost, "y": [work.estimated_cost] * len(reports),
             "line": {"color": OVERDUE, "dash": "dot"}},
        ],
        280,
        showlegend=True,
        legend={"orientation": "h", "y": -0.25},
        xaxis={"type": "date"},
        yaxis={"rangemode": "tozero", "tickprefix": "$"},
    )  # fmt: skip
    return [
        Chart(
            "history-progress",
            _l("Physical progress over time"),
            progress,
            (_l("Date"), _l("Physical progress")),
            tuple((r.reported_on.isoformat(), percent(r.progress, 100)) for r in reports),
            _l("Last report: %(pct)s.", pct=percent(reports[-1].progress, 100)),
        ),
        Chart(
            "history-spent",
            _l("Spent against the estimated cost"),
            spent,
            (_l("Date"), _l("Spent"), _l("Estimated cost")),
            tuple(
                (r.reported_on.isoformat(), _money(r.spent), _money(work.estimated_cost))
                for r in reports
            ),
            _l(
                "%(spent)s spent of %(cost)s estimated (dotted line).",
                spent=_money(reports[-1].spent),
                cost=_money(work.estimated_cost),
            ),
        ),
    ]
