"""A consultation's answers by channel (electronic or paper), for its results page."""

from participa.aggregates import reads
from participa.aggregates.channels import Breakdown, breakdown
from participa.aggregates.paper import paper_answers
from participa.consultations.models import QuestionKind
from participa.consultations.questionnaire import questions
from participa.eligibility.participants import Channel
from participa.results.report import YES_NO_LABELS


def consultation_channels(process) -> list[Breakdown]:
    """Per question with options or values: all answers and paper's (from the aggregates)."""
    paper = paper_answers(process.id)
    ballots = (reads.response_total(process.id), paper.ballots)
    people: dict[Channel, int] = {}
    for group in reads.participation_groups(process.id).groups:
        channel = Channel(group.channel)
        people[channel] = people.get(channel, 0) + group.people
    counts = reads.answer_counts(process.id).counts
    result = []
    for question in questions(process):
        rows = _question_rows(question, counts.get(question.id, {}), paper.counts)
        if rows is not None:
            result.append(breakdown(question.text, ballots, people, rows))
    return result


def _question_rows(question, counts: dict, paper: dict) -> list | None:
    def summed(match) -> tuple[int, int]:
        total = sum(n for (option_id, value), n in counts.items() if match(option_id, value))
        on_paper = sum(n for (qid, o, v), n in paper.items() if qid == question.id and match(o, v))
        return total, on_paper

    def row(label, match) -> tuple[str, int, int]:
        return (label, *summed(match))

    if question.kind is QuestionKind.TEXT:
        return None
    if question.kind is QuestionKind.YES_NO:
        return [row(str(label), lambda _o, v, k=k: v == k) for k, label in YES_NO_LABELS.items()]
    if question.kind is QuestionKind.SCALE:
        return [row(str(k), lambda _o, v, k=k: v == k) for k in range(1, 6)]
    # Choices and rankings: how many answers name each option.
    return [row(o.label, lambda opt, _v, oid=o.id: opt == oid) for o in question.options]
