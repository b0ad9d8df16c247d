"""Results by channel (web, table, paper) for the consultation and PB results pages.

Counting rules always count every channel together; this only shows the split. A channel
with fewer than MIN_BALLOTS ballots is not shown on its own, since a tiny channel (one table,
three papers) would reveal how those few people voted; when that hides a single channel, the
next smallest is hidden too, or subtracting the others from the total would reveal it.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from participa.aggregates import reads
from participa.budgets.models import PbParticipation
from participa.consultations.models import QuestionKind
from participa.consultations.questionnaire import questions
from participa.eligibility.participants import Channel
from participa.extensions import db

MIN_BALLOTS = 5
CHANNELS = (Channel.WEB, Channel.DESK, Channel.PAPER)
CHANNEL_LABELS = {
    Channel.WEB: _l("Web"),
    Channel.DESK: _l("Table (tablet)"),
    Channel.PAPER: _l("Paper ballot"),
}
YES_NO = {1: _l("Yes"), 0: _l("No")}


def hidden_channels(ballots: dict[Channel, int], minimum: int = MIN_BALLOTS) -> set[Channel]:
    """The channels whose split must not be shown (pure: counts in, channels out)."""
    small = {c for c in CHANNELS if 0 < ballots.get(c, 0) < minimum}
    shown = sorted((ballots.get(c, 0), i, c) for i, c in enumerate(CHANNELS) if c not in small)
    shown = [row for row in shown if row[0] > 0]
    if len(small) == 1 and shown:
        small.add(shown[0][2])  # else total minus the shown channels gives the hidden one
    return small


@dataclass(frozen=True)
class Breakdown:
    """Rows of (label, a count per channel or None when hidden, total)."""

    title: str
    ballots: tuple[int | None, ...]
    total_ballots: int
    rows: tuple[tuple[str, tuple[int | None, ...], int], ...]
    hidden: bool
    people: tuple[int, ...]  # who took part, per channel (participations, never hidden)


def _split(counts: dict[Channel, int], hidden: set) -> tuple[int | None, ...]:
    return tuple(None if c in hidden else counts.get(c, 0) for c in CHANNELS)


def _breakdown(title, ballots, people, rows: list[tuple[str, dict]]) -> Breakdown:
    hidden = hidden_channels(ballots)
    return Breakdown(
        title=title,
        ballots=_split(ballots, hidden),
        total_ballots=sum(ballots.values()),
        rows=tuple((label, _split(c, hidden), sum(c.values())) for label, c in rows),
        hidden=bool(hidden),
        people=tuple(people.get(c, 0) for c in CHANNELS),
    )


def _by_channel(counts: dict) -> dict[Channel, int]:
    return {Channel(channel): int(n) for channel, n in counts.items()}


def consultation_channels(process) -> list[Breakdown]:
    """Per question with options or values: the answers per channel (from the aggregates)."""
    ballots = _by_channel(reads.response_totals(process.id))
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
            result.append(_breakdown(question.text, ballots, people, rows))
    return result


def _question_rows(question, counts) -> list | None:
    def summed(match) -> dict:
        total: dict = {}
        for (qid, option_id, value), by_channel in counts.items():
            if qid == question.id and match(option_id, value):
                for channel, n in by_channel.items():
                    total[channel] = total.get(channel, 0) + n
        return total

    if question.kind is QuestionKind.TEXT:
        return None
    if question.kind is QuestionKind.YES_NO:
        return [(str(label), summed(lambda _o, v, k=k: v == k)) for k, label in YES_NO.items()]
    if question.kind is QuestionKind.SCALE:
        return [(str(k), summed(lambda _o, v, k=k: v == k)) for k in range(1, 6)]
    # Choices and rankings: how many answers name each option.
    return [(o.label, summed(lambda opt, _v, oid=o.id: opt == oid)) for o in question.options]


def ballot_channels(ballot) -> Breakdown:
    """Per project of a PB ballot: how many ballots of each channel include it (aggregates)."""
    support = {channel: reads.ballot_support(ballot.id, channel=channel) for channel in CHANNELS}
    ballots = {channel: found.ballots for channel, found in support.items() if found.ballots}
    people = dict(
        db.session.execute(
            db.select(PbParticipation.channel, func.count())
            .where(PbParticipation.ballot_id == ballot.id)
            .group_by(PbParticipation.channel)
        ).all()
    )
    rows = [
        (
            p.title,
            {
                c: found.projects[p.id].votes
                for c, found in support.items()
                if p.id in found.projects
            },
        )
        for p in sorted(ballot.projects, key=lambda p: p.id)
        if p.status.value == "feasible"
    ]
    return _breakdown(ballot.name, ballots, _by_channel(people), rows)
