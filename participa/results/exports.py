"""CSV and XLSX exports, written row by row so large processes stream in constant memory."""

from collections.abc import Iterator
from itertools import groupby

from participa.consultations.models import QuestionKind
from participa.consultations.questionnaire import questions
from participa.core.xlsxfile import xlsx_stream  # noqa: F401 (results.views reads it here)
from participa.results.services import answer_rows, question_results
from participa.tally import ChoiceTally, RankingTally, ScaleTally

YES_NO_TEXT = {1: "sí", 0: "no"}


def aggregate_rows(process) -> Iterator[tuple]:
    yield ("question_id", "question", "kind", "option", "count", "share", "respondents")
    for result in question_results(process):
        q, tally = result.question, result.tally
        labels = {o.id: o.label for o in q.options} | ({1: "sí", 0: "no"} if not q.options else {})
        if isinstance(tally, ChoiceTally | RankingTally):
            for o in tally.options:
                share = f"{float(o.share):.6f}"
                yield (
                    q.id,
                    q.text,
                    q.kind.value,
                    labels[o.option_id],
                    o.count,
                    share,
                    tally.respondents,
                )
        elif isinstance(tally, ScaleTally):
            for value, count in enumerate(tally.counts, start=tally.low):
                share = f"{count / tally.respondents:.6f}" if tally.respondents else "0"
                yield (q.id, q.text, q.kind.value, value, count, share, tally.respondents)
        else:
            yield (q.id, q.text, q.kind.value, "", tally.respondents, "", tally.respondents)


def _cell(question, labels: dict, group: list) -> str:
    if question.kind is QuestionKind.TEXT:
        return group[0].text or ""
    if question.kind is QuestionKind.RANKING:
        return " > ".join(labels[row.option_id] for row in group)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return " | ".join(labels[row.option_id] for row in group)
    if question.kind is QuestionKind.YES_NO:
        return YES_NO_TEXT[group[0].value]
    return str(group[0].value)


def response_rows(process, batch: int = 2000) -> Iterator[tuple]:
    """One row per response, ordered by its random id: no trace of who or when."""
    found = questions(process)
    by_id = {q.id: q for q in found}
    labels = {q.id: {o.id: o.label for o in q.options} for q in found}
    yield ("response", *(f"q{q.id}: {q.text}" for q in found))
    answers = answer_rows(process, batch)
    for number, (_rid, rows) in enumerate(groupby(answers, key=lambda a: a.response_id), 1):
        cells = {
            qid: _cell(by_id[qid], labels[qid], list(g))
            for qid, g in groupby(rows, lambda a: a.question_id)
            if qid is not None
        }
        yield (number, *(cells.get(q.id, "") for q in found))
