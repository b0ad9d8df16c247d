"""Load what was answered and who took part, and hand plain values to the tally core."""

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from participa.consultations.models import Answer, Participation, Question, QuestionKind, Response
from participa.consultations.questionnaire import questions
from participa.extensions import db
from participa.processes.types import ProcessStatus, ScopeKind
from participa.tally import (
    AGE_BANDS,
    borda,
    collect_texts,
    count_by,
    count_choices,
    per_day,
    scale_distribution,
    shares_of_population,
)
from participa.territory.models import Colonia
from participa.territory.services import delegaciones

YES_NO_IDS = (1, 0)
SEXES = ("M", "H", "X")
LIVE_STATUSES = frozenset({ProcessStatus.OPEN})


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    tally: object  # ChoiceTally | RankingTally | ScaleTally | TextAnswers


@dataclass(frozen=True)
class ParticipationStats:
    total: int
    per_day: tuple
    by_delegacion: tuple  # ZoneShare rows
    by_colonia: tuple  # ZoneShare rows
    by_age_band: dict
    by_sex: dict


def answer_rows(process, batch: int = 5000):
    """Every answer of `process` as plain tuples, grouped by response then question.

    A response whose every question was skipped still gives one row, with question_id None,
    so exports count it.
    """
    query = (
        db.select(
            Response.id.label("response_id"),
            Answer.question_id,
            Answer.option_id,
            Answer.value,
            Answer.text,
        )
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.process_id == process.id)
        .order_by(Response.id, Answer.question_id, Answer.seq)
        .execution_options(yield_per=batch)
    )
    return db.session.execute(query)


def _answers_by_question(process) -> dict[int, list]:
    """Each question's answers, one entry per response that answered it."""
    kinds = {q.id: q.kind for q in questions(process)}
    per_question: dict[int, list] = defaultdict(list)
    for (_response, question_id), group in groupby(answer_rows(process), key=lambda r: r[:2]):
        if question_id is None:
            continue
        group = list(group)
        kind = kinds[question_id]
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING):
            per_question[question_id].append([row.option_id for row in group])
        elif kind is QuestionKind.TEXT:
            per_question[question_id].append(group[0].text)
        else:
            per_question[question_id].append(group[0].value)
    return per_question


def _tally(question: Question, answers: list):
    option_ids = [o.id for o in question.options]
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return count_choices(option_ids, answers)
    if kind is QuestionKind.RANKING:
        return borda(option_ids, answers)
    if kind is QuestionKind.YES_NO:
        return count_choices(YES_NO_IDS, [[value] for value in answers])
    if kind is QuestionKind.SCALE:
        return scale_distribution(answers)
    return collect_texts(answers)


def question_results(process) -> list[QuestionResult]:
    """Every question of the process with its aggregate."""
    answers = _answers_by_question(process)
    return [QuestionResult(q, _tally(q, answers.get(q.id, []))) for q in questions(process)]


def response_total(process) -> int:
    query = (
        db.select(db.func.count()).select_from(Response).where(Response.process_id == process.id)
    )
    return db.session.execute(query).scalar_one()


def colonias_in_scope(process) -> list[Colonia]:
    """The colonias whose residents may take part in `process`."""
    everything = [c for d in delegaciones() for c in d.colonias]
    if process.scope is ScopeKind.DELEGACIONES:
        wanted = {d.id for d in process.delegaciones}
        return [c for c in everything if c.delegacion_id in wanted]
    if process.scope is ScopeKind.COLONIAS:
        wanted = {c.id for c in process.colonias}
        return [c for c in everything if c.id in wanted]
    return everything


def participation_stats(process, tz) -> ParticipationStats:
    """Turnout over time and by delegación, colonia, age band and sex."""
    query = (
        db.select(Participation.created_at, Participation.age_band, Participation.sex, Colonia)
        .outerjoin(Colonia, Colonia.id == Participation.colonia_id)
        .where(Participation.process_id == process.id)
    )
    rows = db.session.execute(query).all()
    colonias = colonias_in_scope(process)
    col_population = {c.label: c.population for c in colonias}
    del_population: dict[str, int] = defaultdict(int)
    for colonia in colonias:
        del_population[colonia.delegacion.name] += colonia.population
    located = [r.Colonia for r in rows if r.Colonia is not None]
    return ParticipationStats(
        total=len(rows),
        per_day=per_day(row.created_at.astimezone(tz) for row in rows),
        by_delegacion=shares_of_population(
            count_by(c.delegacion.name for c in located), del_population
        ),
        by_colonia=shares_of_population(count_by(c.label for c in located), col_population),
        by_age_band=count_by((r.age_band for r in rows), [band[0] for band in AGE_BANDS]),
        by_sex=count_by((r.sex for r in rows), SEXES),
    )


def participation_counts(processes) -> dict[int, int]:
    """How many took part in each of `processes`, in one query."""
    ids = [p.id for p in processes]
    query = (
        db.select(Participation.process_id, db.func.count())
        .where(Participation.process_id.in_(ids))
        .group_by(Participation.process_id)
    )
    return dict(db.session.execute(query).all())
