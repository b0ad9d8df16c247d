"""Charts of a prioritisation round: both rankings, and the approved cost by fund and zone."""

from collections import Counter

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from participa.results.charts import Chart, hbar
from participa.tally.priorities import Priorities
from participa.works.forms import FUNDING_LABELS


def _num(value) -> str:
    return format_decimal(round(float(value), 2))


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
    return f"${format_decimal(value)}"


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
