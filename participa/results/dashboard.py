"""The council dashboard's charts: each figure with a table that says the same in text."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from participa.auth.models import SEX_LABELS
from participa.consultations.models import QuestionKind
from participa.core import charts
from participa.core.choropleth import MapZone, colonia_map
from participa.core.numbers import number
from participa.processes.types import RESULTS_PUBLIC_STATUSES
from participa.proposals.models import PUBLISHED_WITHOUT_SUPPORTS, STATUS_LABELS, ProposalStatus
from participa.results.report import question_block
from participa.results.sections import Dashboard
from participa.results.services import question_results
from participa.territory.geo import outlines_by_label

SOURCE_LABELS = {
    "consultations": _l("Consultations"),
    "pb": _l("Participatory budgeting"),
    "proposals": _l("Proposals (authors and supporters)"),
    "events": _l("Events (attendance)"),
}


@dataclass(frozen=True)
class Headline:
    process: object
    chart: charts.Chart | None


def colonia_chart(heard) -> charts.Chart:
    rows = heard.by_colonia
    table = tuple(
        (
            f"{r.zone} ({r.delegacion})",
            *(r.by_source[s] for s in SOURCE_LABELS),
            r.participants,
            number(r.population),
            charts.pct(r.share),
        )
        for r in rows
    )
    head, tail = charts.ends(rows)
    figure = charts.ends_bars(
        head,
        tail,
        lambda r: f"{r.zone} ({r.delegacion})",
        lambda r: float(r.share) * 100 if r.share is not None else 0,
        lambda r: charts.pct(r.share),
        len(rows),
    )
    return charts.Chart(
        "heard-colonia",
        _l("Participation by colonia, as a share of its population (lowest first)"),
        figure,
        (_l("Colonia"), *SOURCE_LABELS.values(), _l("Total"), _l("Population"), _l("Share")),
        table,
        charts.ends_note(len(rows), head, tail),
    )


def colonia_map_chart(heard) -> charts.Chart | None:
    """The same shares on a map, when at least one colonia has a boundary."""
    outlines = outlines_by_label()
    zones = []
    for r in heard.by_colonia:
        label = f"{r.zone} ({r.delegacion})"
        zones.append(MapZone(label, r.participants, r.population, r.share, outlines.get(label)))
    return colonia_map(
        "heard-colonia-map",
        _l("Map: participation by colonia, as a share of its population"),
        zones,
    )


def heard_charts(heard) -> list[charts.Chart]:
    drawn = colonia_map_chart(heard)
    return [
        charts.shares_chart(
            "heard-delegacion",
            _l("Participation by delegación, as a share of its population"),
            heard.by_delegacion,
        ),
        colonia_chart(heard),
        *([drawn] if drawn else []),
        charts.counts_chart(
            "heard-source", _l("Participations by mechanism"), heard.by_source, SOURCE_LABELS
        ),
        charts.counts_chart("heard-age", _l("Participations by age band"), heard.by_age_band),
        charts.counts_chart("heard-sex", _l("Participations by sex"), heard.by_sex, SEX_LABELS),
    ]


def turnout_chart(dashboard: Dashboard) -> charts.Chart:
    names = [p.title for p in dashboard.consultations]
    values = [dashboard.turnout.get(p.id, 0) for p in dashboard.consultations]
    return charts.Chart(
        "consultations-turnout",
        _l("Participants per consultation"),
        charts.hbar(names, values, [str(v) for v in values]),
        (_l("Consultation"), _l("Participants")),
        tuple(zip(names, values, strict=True)),
    )


def headline(process, published: bool) -> Headline:
    """The first chartable question of a consultation whose results are published."""
    if not published:
        return Headline(process, None)
    for result in question_results(process):
        if result.question.kind is not QuestionKind.TEXT:
            block = question_block(result)
            chart = block.chart
            return Headline(
                process,
                charts.Chart(
                    f"headline-{process.id}",
                    chart.title,
                    chart.figure,
                    chart.headers,
                    chart.rows,
                    chart.summary,
                ),
            )
    return Headline(process, None)


def ballots_chart(lines) -> charts.Chart:
    names = [f"{line.ballot.name} · {line.ballot.process.title}" for line in lines]
    votes = [line.votes for line in lines]
    rows = tuple(
        (name, line.votes, line.voters, ", ".join(p.title for p in line.winners) or "—")
        for name, line in zip(names, lines, strict=True)
    )
    return charts.Chart(
        "pb-votes",
        _l("Ballots cast per PB ballot"),
        charts.hbar(names, votes, [str(v) for v in votes]),
        (_l("Ballot"), _l("Ballots cast"), _l("Voters (with the filters)"), _l("Winners")),
        rows,
    )


def proposals_chart(line) -> charts.Chart:
    labels = dict(STATUS_LABELS)
    if line.needed is None:
        labels[ProposalStatus.PUBLISHED] = PUBLISHED_WITHOUT_SUPPORTS
    return charts.counts_chart(
        f"proposals-{line.process.id}", line.process.title, line.by_status, labels
    )


def events_chart(lines) -> charts.Chart:
    names = [charts.wrap(line.event.title) for line in lines]
    registered = {
        "type": "bar",
        "orientation": "h",
        "name": str(_l("Registered")),
        "x": [line.registered for line in lines],
        "text": [line.registered for line in lines],
        "textposition": "auto",
        "y": names,
        "marker": {"color": charts.MUTED},
    }
    attended = {
        **registered,
        "name": str(_l("Attended")),
        "x": [line.attended for line in lines],
        "text": [line.attended for line in lines],
        "marker": {"color": charts.PRIMARY},
    }
    figure = charts.base_figure(
        [registered, attended],
        max(180, 70 * len(lines) + 80),
        barmode="group",
        showlegend=True,
        legend={"orientation": "h"},
        yaxis={"autorange": "reversed"},
    )
    rows = tuple(
        (line.event.title, line.registered, line.attended, line.walk_ins) for line in lines
    )
    return charts.Chart(
        "events-attendance",
        _l("Registrations and attendance per event"),
        figure,
        (_l("Event"), _l("Registered"), _l("Attended"), _l("Of them, walk-ins")),
        rows,
    )


def section_charts(board: Dashboard, section: str) -> dict:
    """The charts of one section page of the dashboard, for the template."""
    if section == "heard":
        return {"heard_charts": heard_charts(board.heard)}
    if section == "consultations":
        return {
            "turnout_chart": turnout_chart(board),
            "headlines": [
                headline(p, p.status in RESULTS_PUBLIC_STATUSES) for p in board.consultations
            ],
        }
    if section == "pb":
        return {"ballots_chart": ballots_chart(board.ballots)}
    if section == "proposals":
        return {"proposals_charts": [proposals_chart(line) for line in board.proposals]}
    return {"events_chart": events_chart(board.events)}
