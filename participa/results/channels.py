"""A consultation's answers by channel (web, table, paper), for its results page."""

from participa.aggregates import reads
from participa.aggregates.channels import CHANNELS, Breakdown, breakdown, by_channel
from participa.consultations.models import QuestionKind
from participa.consultations.questionnaire import questions
from participa.eligibility.participants import Channel
from participa.results.report import YES_NO_LABELS


def consultation_channels(process) -> list[Breakdown]:
    """Per question with options or values: the answers per channel (from the aggregates)."""
    ballots = by_channel(reads.response_totals(process.id))
    people: dict[Channel, int] = {}
    for group in reads.participation_groups(process.id).groups:
        channel = Channel(group.channel)
        people[channel] = people.get(channel, 0) + group.people
    counts: dict[tuple, dict[Channel, int]] = {}
    for channel in CHANNELS:
        if not ballots.get(channel):
            continue
        for qid, by_answer in reads.answer_counts(process.id, channel=channel).counts.items():
            for (option_id, value), n in by_answer.items():
                counts.setdefault((qid, option_id, value), {})[channel] = n
    result = []
    for question in questions(process):
        rows = _question_rows(question, counts)
        if rows is not None:
            result.append(breakdown(question.text, ballots, people, rows))
    return result


def _question_rows(question, counts) -> list | None:
    def summed(match) -> dict:
        total: dict = {}
        for (qid, option_id, value), per_channel in counts.items():
            if qid == question.id and match(option_id, value):
                for channel, n in per_channel.items():
                    total[channel] = total.get(channel, 0) + n
        return total

    if question.kind is QuestionKind.TEXT:
        return None
    if question.kind is QuestionKind.YES_NO:
        return [
            (str(label), summed(lambda _o, v, k=k: v == k)) for k, label in YES_NO_LABELS.items()
        ]
    if question.kind is QuestionKind.SCALE:
        return [(str(k), summed(lambda _o, v, k=k: v == k)) for k in range(1, 6)]
    # Choices and rankings: how many answers name each option.
    return [(o.label, summed(lambda opt, _v, oid=o.id: opt == oid)) for o in question.options]
