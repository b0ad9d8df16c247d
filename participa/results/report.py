"""Assemble a process's results report: one chart per question, and turnout charts."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from participa.auth.models import SEX_LABELS
from participa.consultations.models import QuestionKind
from participa.core.charts import Chart, counts_chart, shares_chart
from participa.core.choropleth import colonia_map, zones_from
from participa.results import charts
from participa.results.services import ParticipationStats, participation_stats, question_results
from participa.tally import TextAnswers
from participa.territory.geo import outlines_by_label

YES_NO_LABELS = {1: _l("Yes"), 0: _l("No")}


@dataclass(frozen=True)
class QuestionBlock:
    question: object
    chart: Chart | None
    texts: TextAnswers | None


@dataclass(frozen=True)
class Report:
    stats: ParticipationStats
    questions: list[QuestionBlock]
    turnout: list[Chart]
    answers_shown: bool


def question_block(result) -> QuestionBlock:
    question, tally = result.question, result.tally
    key, title = f"q{question.id}", question.text
    labels = {o.id: o.label for o in question.options}
    if question.kind is QuestionKind.TEXT:
        return QuestionBlock(question, None, tally)
    if question.kind is QuestionKind.RANKING:
        return QuestionBlock(question, charts.ranking_chart(key, title, tally, labels), None)
    if question.kind is QuestionKind.SCALE:
        return QuestionBlock(question, charts.scale_chart(key, title, tally), None)
    if question.kind is QuestionKind.YES_NO:
        labels = YES_NO_LABELS
    return QuestionBlock(question, charts.choice_chart(key, title, tally, labels), None)


def build_report(process, tz, answers: bool = True) -> Report:
    """Everything the results pages show for `process`; turnout only unless `answers`."""
    stats = participation_stats(process, tz)
    turnout = [
        charts.per_day_chart(stats.per_day),
        shares_chart(
            "by-delegacion",
            _l("Participation by delegación, as a share of its population"),
            stats.by_delegacion,
        ),
        counts_chart("by-age", _l("Participants by age band"), stats.by_age_band),
        counts_chart("by-sex", _l("Participants by sex"), stats.by_sex, SEX_LABELS),
        shares_chart(
            "by-colonia",
            _l("Participation by colonia, as a share of its population"),
            stats.by_colonia,
        ),
    ]
    drawn = colonia_map(
        "map-colonia",
        _l("Map: participation by colonia, as a share of its population"),
        zones_from(stats.by_colonia, outlines_by_label()),
    )
    turnout += [drawn] if drawn else []
    blocks = [question_block(r) for r in question_results(process)] if answers else []
    return Report(stats, blocks, turnout, answers)
