"""Load what was answered and who took part, and hand plain values to the tally core."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func

from participa.aggregates.reads import (
    PeopleCounts,
    PeopleGroup,
    answer_counts,
    participation_groups,
)
from participa.consultations.models import Answer, Participation, Question, QuestionKind, Response
from participa.consultations.questionnaire import questions
from participa.extensions import db
from participa.processes.scope import colonias_in_scope
from participa.tally import (
    AGE_BANDS,
    borda_from_positions,
    choices_from_counts,
    collect_texts,
    count_weighted,
    per_day_counts,
    scale_from_counts,
    shares_of_population,
)
from participa.tally.consultation import TextAnswers
from participa.territory.services import delegaciones

YES_NO_IDS = (1, 0)
TEXT_SAMPLE = 1000  # written answers read for the page (it lists 200; the CSV has them all)
SEXES = ("M", "H", "X")


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


@dataclass(frozen=True)
class _Counted:
    """What the database counted for every question of a process."""

    respondents: dict[int, int]
    counts: dict[int, dict[tuple, int]]  # question -> (option_id, value) -> answers
    texts: dict[int, list[str]]
    sampled: bool = False  # texts are the first TEXT_SAMPLE; respondents count them all


def _count_answers(process, raw: bool = False) -> _Counted:
    """Count the answers from the maintained aggregates (or, with `raw`, from every row).

    The raw count is the reference the aggregates are tested against: every query is
    answered from the (question, option, value) index alone; a response's answer to a
    question has exactly one row with seq 0. From the aggregates, text answers are counted
    there too and only the first TEXT_SAMPLE of each question (in random-id order) are read;
    the raw count reads them all.
    """
    found = questions(process)
    text_ids = [q.id for q in found if q.kind is QuestionKind.TEXT]
    other_ids = [q.id for q in found if q.kind is not QuestionKind.TEXT]
    counted = _Counted({}, defaultdict(dict), defaultdict(list), sampled=not raw)
    if raw:
        _count_raw(counted, text_ids + other_ids)
    else:
        maintained = answer_counts(process.id)
        counted.respondents.update(maintained.respondents)
        counted.counts.update(maintained.counts)
    for qid in text_ids:
        # In random-id order: the order they were written in would follow participation times.
        # Text rows have no option or value: saying so lets the (question, option, value)
        # index, whose ties sort by response id, give them in order without sorting them all.
        texts = (
            db.select(Answer.text)
            .where(Answer.question_id == qid, Answer.option_id.is_(None), Answer.value.is_(None))
            .order_by(Answer.response_id)
        )
        if not raw:
            texts = texts.limit(TEXT_SAMPLE)
        counted.texts[qid].extend(db.session.execute(texts).scalars())
    return counted


def _count_raw(counted: _Counted, question_ids: list[int]) -> None:
    respondents = (
        db.select(Answer.question_id, func.count())
        .where(Answer.question_id.in_(question_ids), Answer.seq == 0)
        .group_by(Answer.question_id)
    )
    counted.respondents.update(db.session.execute(respondents).all())
    keys = (Answer.question_id, Answer.option_id, Answer.value)
    grouped = db.select(*keys, func.count()).where(Answer.question_id.in_(question_ids))
    for qid, option_id, value, n in db.session.execute(grouped.group_by(*keys)):
        counted.counts[qid][(option_id, value)] = n


def _tally(question: Question, counted: _Counted):
    option_ids = [o.id for o in question.options]
    counts = counted.counts.get(question.id, {})
    respondents = counted.respondents.get(question.id, 0)
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return choices_from_counts(option_ids, {o: n for (o, _v), n in counts.items()}, respondents)
    if kind is QuestionKind.RANKING:
        return borda_from_positions(option_ids, counts, respondents)
    if kind is QuestionKind.YES_NO:
        return choices_from_counts(YES_NO_IDS, {v: n for (_o, v), n in counts.items()}, respondents)
    if kind is QuestionKind.SCALE:
        return scale_from_counts({v: n for (_o, v), n in counts.items()})
    texts = collect_texts(counted.texts.get(question.id, []))
    if counted.sampled:
        return TextAnswers(respondents=respondents, answers=texts.answers)
    return texts


def question_results(process, raw: bool = False) -> list[QuestionResult]:
    """Every question of the process with its aggregate (`raw`: counted from every row)."""
    counted = _count_answers(process, raw)
    return [QuestionResult(q, _tally(q, counted)) for q in questions(process)]


def _groups_raw(process) -> PeopleCounts:
    """Participations as the aggregates give them, read from every row (the reference)."""
    keys = (
        Participation.created_at,
        Participation.colonia_id,
        Participation.age_band,
        Participation.sex,
        Participation.channel,
    )
    rows = db.session.execute(db.select(*keys).where(Participation.process_id == process.id))
    counts = PeopleCounts([], [])
    for at, *snapshot in rows:
        counts.groups.append(PeopleGroup(*snapshot, 1))
        counts.moments.append((at, 1))
    return counts


def participation_stats(process, tz, raw: bool = False) -> ParticipationStats:
    """Turnout over time and by delegación, colonia, age band and sex."""
    counted = _groups_raw(process) if raw else participation_groups(process.id)
    in_scope = colonias_in_scope(process)
    colonias = {c.id: c for d in delegaciones() for c in d.colonias}
    del_population: dict[str, int] = defaultdict(int)
    for colonia in in_scope:
        del_population[colonia.delegacion.name] += colonia.population
    # Sum per dimension first: a few thousand groups, a few dozen colonias and hours' days.
    hours, per_colonia, bands, sexes = Counter(), Counter(), Counter(), Counter()
    for moment, n in counted.moments:
        hours[moment] += n
    for group in counted.groups:
        per_colonia[group.colonia_id] += group.people
        bands[group.age_band] += group.people
        sexes[group.sex] += group.people
    days: Counter = Counter()
    for moment, n in hours.items():
        days[moment.astimezone(tz).date()] += n
    located = [(colonias[cid], n) for cid, n in per_colonia.items() if cid in colonias]
    return ParticipationStats(
        total=sum(per_colonia.values()),
        per_day=per_day_counts(days),
        by_delegacion=shares_of_population(
            count_weighted((c.delegacion.name, n) for c, n in located), del_population
        ),
        by_colonia=shares_of_population(
            count_weighted((c.label, n) for c, n in located),
            {c.label: c.population for c in in_scope},
        ),
        by_age_band=count_weighted(bands.items(), [band[0] for band in AGE_BANDS]),
        by_sex=count_weighted(sexes.items(), SEXES),
    )
