"""Charts of PB results, built with the shared Plotly helpers, each with its table."""

from fractions import Fraction

from flask_babel import lazy_gettext as _l

from participa.budgets.counting import Comparison
from participa.budgets.outcomes import BallotResult
from participa.budgets.turnout import Turnout
from participa.core.charts import (
    PRIMARY,
    Chart,
    bars_height,
    base_figure,
    pct,
    shares_chart,
    wrap,
)
from participa.core.choropleth import colonia_map, zones_from
from participa.core.numbers import money, number

# Against white: PRIMARY 6.9:1, GREY 3.7:1, ORANGE 3.8:1, GREEN 3.3:1 (WCAG's 3:1 for
# graphics); blue, orange, green and grey stay apart for the common colour blindnesses.
GREY = "#858585"
ORANGE = "#c25400"
GREEN = "#00845f"


def _money(value) -> str:
    return money(value)


def _labels(named) -> list[str]:
    """Wrapped titles, from (id, title) pairs, for a category axis; repeats get their id."""
    titles = [title for _, title in named]
    return [wrap(f"{title} (#{key})" if titles.count(title) > 1 else title) for key, title in named]


def _bars(name, color, labels, values, chosen) -> dict:
    """One legend entry of horizontal bars: only the chosen rows, the others left empty."""
    return {
        "type": "bar",
        "orientation": "h",
        "name": str(name),
        "x": [v for v, keep in zip(values, chosen, strict=True) if keep],
        "y": [label for label, keep in zip(labels, chosen, strict=True) if keep],
        "marker": {"color": color},
        "hoverinfo": "x+y+name",
    }


def _legend_figure(traces: list[dict], labels: list[str]) -> dict:
    return base_figure(
        traces,
        bars_height(labels, 180, 110),
        barmode="stack",
        showlegend=True,
        legend={"orientation": "h", "y": -0.12 if len(labels) < 6 else -0.04},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": labels},
    )


def votes_chart(result: BallotResult) -> Chart:
    """Votes per project, funded projects in blue and the others in grey."""
    lines = [r for r in result.lines if r.line.on_ballot]
    labels = _labels([(r.line.project_id, r.line.title) for r in lines])
    votes = [r.line.votes for r in lines]
    funded = [r.funded for r in lines]
    traces = [
        _bars(_l("Funded"), PRIMARY, labels, votes, funded),
        _bars(_l("Not funded"), GREY, labels, votes, [not f for f in funded]),
    ]
    rows = tuple(
        (r.line.title, r.line.votes, _money(r.line.cost), _l("Yes") if r.funded else _l("No"))
        for r in lines
    )
    return Chart(
        f"votes-{result.ballot.id}",
        _l("Votes per project: %(ballot)s", ballot=result.ballot.name),
        _legend_figure(traces, labels),
        (_l("Project"), _l("Votes"), _l("Cost"), _l("Funded")),
        rows,
        _l(
            "%(n)s votes counted; %(funded)s of %(projects)s projects are funded.",
            n=number(result.comparison.voters),
            funded=len(result.winners),
            projects=len(lines),
        ),
    )


def money_chart(results: list[BallotResult]) -> Chart:
    """Money used and left of each ballot (zone)."""
    labels = _labels([(r.ballot.id, r.ballot.name) for r in results])
    used = [r.used for r in results]
    left = [r.ballot.amount - r.used for r in results]
    everyone = [True] * len(results)
    traces = [
        _bars(_l("Money used"), PRIMARY, labels, used, everyone),
        _bars(_l("Left unused"), GREY, labels, left, everyone),
    ]
    rows = tuple(
        (
            r.ballot.name,
            _money(r.ballot.amount),
            _money(r.used),
            _money(r.ballot.amount - r.used),
            pct(Fraction(r.used, r.ballot.amount)),
        )
        for r in results
    )
    return Chart(
        "money",
        _l("Money used per ballot"),
        _legend_figure(traces, labels),
        (_l("Ballot"), _l("Amount"), _l("Used"), _l("Left"), _l("Share used")),
        rows,
    )


def turnout_chart(turnout: Turnout) -> Chart:
    chart = shares_chart(
        "by-colonia",
        _l("Turnout by colonia, as a share of its population"),
        turnout.by_colonia,
    )
    summary = _l(
        "%(n)s people voted; %(located)s of them live in a colonia of the process.",
        n=number(turnout.total),
        located=number(turnout.located),
    )
    if chart.summary:  # the bars drawn are the ends of a long ranking: say so too
        summary = f"{summary} {chart.summary}"
    return Chart(chart.key, chart.title, chart.figure, chart.headers, chart.rows, summary)


def turnout_map(turnout: Turnout, outlines: dict) -> Chart | None:
    """Turnout by colonia on a map, when a colonia of the process has a boundary."""
    return colonia_map(
        "map-colonia",
        _l("Map: turnout by colonia, as a share of its population"),
        zones_from(turnout.by_colonia, outlines),
    )


CATEGORIES = (
    ("both", _l("Funded by both rules"), PRIMARY),
    ("greedy", _l("Only by most votes (greedy)"), ORANGE),
    ("mes", _l("Only by Equal Shares"), GREEN),
    ("neither", _l("Funded by neither"), GREY),
)


def _category(line) -> str:
    if line.greedy and line.mes:
        return "both"
    return "greedy" if line.greedy else "mes" if line.mes else "neither"


def comparison_chart(ballot, comparison: Comparison) -> Chart | None:
    """Votes per project, coloured by which rule funds it; None when Equal Shares cannot."""
    if comparison.mes is None:
        return None
    lines = [line for line in comparison.lines if line.on_ballot]
    labels = _labels([(line.project_id, line.title) for line in lines])
    votes = [line.votes for line in lines]
    kinds = [_category(line) for line in lines]
    traces = [
        _bars(name, color, labels, votes, [k == key for k in kinds])
        for key, name, color in CATEGORIES
    ]
    yes, no = _l("Yes"), _l("No")
    rows = tuple(
        (
            line.title,
            line.votes,
            _money(line.cost),
            yes if line.greedy else no,
            yes if line.mes else no,
        )
        for line in lines
    )
    return Chart(
        f"compare-{ballot.id}",
        _l("Greedy and Equal Shares compared: %(ballot)s", ballot=ballot.name),
        _legend_figure(traces, labels),
        (_l("Project"), _l("Votes"), _l("Cost"), _l("Greedy"), _l("Equal Shares")),
        rows,
        _l(
            "Greedy uses %(greedy)s and Equal Shares %(mes)s of %(amount)s.",
            greedy=_money(comparison.greedy.cost),
            mes=_money(comparison.mes.cost),
            amount=_money(comparison.amount),
        ),
    )
