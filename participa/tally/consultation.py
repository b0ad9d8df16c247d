"""Tally consultation answers: choices, rankings, scales and free text.

Every function takes plain values (option ids, integers, strings) and returns
frozen dataclasses. Shares and means are exact ``Fraction`` values so the
numbers shown to citizens never depend on float rounding.
"""

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "ChoiceTally",
    "OptionCount",
    "RankingTally",
    "ScaleTally",
    "TextAnswers",
    "borda",
    "borda_from_positions",
    "choices_from_counts",
    "collect_texts",
    "count_choices",
    "scale_distribution",
    "scale_from_counts",
]


@dataclass(frozen=True)
class OptionCount:
    """Hold the count and share of one option."""

    option_id: int
    count: int  # responses choosing it (choices) or Borda points (ranking)
    share: Fraction  # count / respondents (choices) or points / total (ranking)

    @property
    def share_float(self) -> float:
        """Return the share as a float, for display only."""
        return float(self.share)


@dataclass(frozen=True)
class ChoiceTally:
    """Hold the result of a single, yes/no or multiple choice question."""

    respondents: int  # responses with a non-empty answer
    options: tuple[OptionCount, ...]  # in the order of the option ids given


@dataclass(frozen=True)
class RankingTally:
    """Hold the Borda result of a ranking question."""

    respondents: int  # non-empty ballots
    options: tuple[OptionCount, ...]  # points desc, then original option order
    first_places: dict[int, int]  # option id -> ballots ranking it first


@dataclass(frozen=True)
class ScaleTally:
    """Hold the distribution of a numeric scale question."""

    respondents: int
    low: int
    high: int
    counts: tuple[int, ...]  # counts[i] = number answering low + i
    mean: Fraction | None  # None if no respondents
    median: Fraction | None  # mean of the two middle values when even


@dataclass(frozen=True)
class TextAnswers:
    """Hold the non-empty answers of a free-text question."""

    respondents: int
    answers: tuple[str, ...]  # stripped, non-empty, in the order given


def _share(part: int, whole: int) -> Fraction:
    """Return part / whole, or 0 when whole is 0."""
    return Fraction(part, whole) if whole else Fraction(0)


def _checked_ids(option_ids: Sequence[int]) -> tuple[int, ...]:
    """Return option_ids as a tuple, rejecting repeated ids."""
    ids = tuple(option_ids)
    if len(set(ids)) != len(ids):
        raise ValueError(f"repeated option ids in {ids!r}")
    return ids


def _reject_unknown(chosen: Iterable[int], known: Collection[int]) -> None:
    """Raise ValueError if any chosen id is not a known option."""
    unknown = [oid for oid in chosen if oid not in known]
    if unknown:
        raise ValueError(f"unknown option ids {unknown!r}")


def count_choices(option_ids: Sequence[int], answers: Iterable[Collection[int]]) -> ChoiceTally:
    """Count how many responses chose each option.

    Each answer is the collection of option ids one response chose; an empty
    answer is a skip and does not count as a respondent. Choosing the same
    option twice in one answer counts once. Shares are relative to
    respondents, so in multiple choice they may add up to more than 1.
    Raises ValueError if an answer names an id not in ``option_ids`` or if
    ``option_ids`` repeats an id.
    """
    ids = _checked_ids(option_ids)
    counts: Counter[int] = Counter()
    respondents = 0
    for answer in answers:
        chosen = set(answer)
        if not chosen:
            continue
        _reject_unknown(sorted(chosen), ids)
        respondents += 1
        counts.update(chosen)
    return choices_from_counts(ids, counts, respondents)


def choices_from_counts(
    option_ids: Sequence[int], counts: Mapping[int, int], respondents: int
) -> ChoiceTally:
    """Build a choice tally from per-option counts already made (e.g. by a database)."""
    ids = _checked_ids(option_ids)
    _reject_unknown(sorted(oid for oid, count in counts.items() if count), ids)
    options = tuple(
        OptionCount(oid, counts.get(oid, 0), _share(counts.get(oid, 0), respondents)) for oid in ids
    )
    return ChoiceTally(respondents=respondents, options=options)


def borda(option_ids: Sequence[int], rankings: Iterable[Sequence[int]]) -> RankingTally:
    """Score ranking ballots with the Borda count.

    With n options, the option at 0-based position p of a ballot gets n - p
    points and unranked options get 0, so partial rankings are allowed.
    Empty ballots are skips. A ballot repeating an option or naming an
    unknown one raises ValueError. Options are sorted by points descending;
    ties keep the order of ``option_ids`` (stable sort). ``first_places``
    has every option id, in the order of ``option_ids``.
    """
    ids = _checked_ids(option_ids)
    positions: Counter[tuple[int, int]] = Counter()
    respondents = 0
    for ranking in rankings:
        ballot = tuple(ranking)
        if not ballot:
            continue
        if len(set(ballot)) != len(ballot):
            raise ValueError(f"ballot repeats an option: {ballot!r}")
        _reject_unknown(ballot, ids)
        respondents += 1
        positions.update((oid, rank) for rank, oid in enumerate(ballot, start=1))
    return borda_from_positions(ids, positions, respondents)


def borda_from_positions(
    option_ids: Sequence[int], positions: Mapping[tuple[int, int], int], respondents: int
) -> RankingTally:
    """Score a ranking from how many ballots put each option at each 1-based rank.

    The same Borda convention as `borda`: rank r of n options is worth n - r + 1 points.
    """
    ids = _checked_ids(option_ids)
    n = len(ids)
    _reject_unknown(sorted({oid for oid, _rank in positions}), ids)
    if any(not 1 <= rank <= n for _oid, rank in positions):
        raise ValueError(f"rank outside 1..{n}")
    points = dict.fromkeys(ids, 0)
    first_places = dict.fromkeys(ids, 0)
    for (oid, rank), ballots in positions.items():
        points[oid] += (n - rank + 1) * ballots
        if rank == 1:
            first_places[oid] += ballots
    total = sum(points.values())
    # sorted() is stable, so equal points keep the option_ids order.
    ranked = sorted(ids, key=lambda oid: -points[oid])
    options = tuple(OptionCount(oid, points[oid], _share(points[oid], total)) for oid in ranked)
    return RankingTally(respondents=respondents, options=options, first_places=first_places)


def _nth_value(counts: Sequence[int], low: int, index: int) -> int:
    """Return the value at 0-based index of the sorted values in a histogram."""
    seen = 0
    for offset, count in enumerate(counts):
        seen += count
        if index < seen:
            return low + offset
    raise IndexError(index)


def _median(counts: Sequence[int], low: int) -> Fraction | None:
    """Return the median of the values described by a count histogram."""
    total = sum(counts)
    if not total:
        return None
    # For odd totals both indexes are the same middle value.
    lower = _nth_value(counts, low, (total - 1) // 2)
    upper = _nth_value(counts, low, total // 2)
    return Fraction(lower + upper, 2)


def scale_distribution(values: Iterable[int | None], low: int = 1, high: int = 5) -> ScaleTally:
    """Count answers on an integer scale from low to high inclusive.

    None is a skip. A value outside [low, high], or low > high, raises
    ValueError.
    """
    counts: Counter[int] = Counter(value for value in values if value is not None)
    return scale_from_counts(counts, low, high)


def scale_from_counts(counts: Mapping[int, int], low: int = 1, high: int = 5) -> ScaleTally:
    """Build a scale tally from how many answered each value."""
    if low > high:
        raise ValueError(f"empty scale: low {low} > high {high}")
    outside = sorted(value for value, count in counts.items() if count and not low <= value <= high)
    if outside:
        raise ValueError(f"value {outside[0]!r} outside [{low}, {high}]")
    histogram = [counts.get(value, 0) for value in range(low, high + 1)]
    respondents = sum(histogram)
    weighted = sum((low + i) * count for i, count in enumerate(histogram))
    return ScaleTally(
        respondents=respondents,
        low=low,
        high=high,
        counts=tuple(histogram),
        mean=Fraction(weighted, respondents) if respondents else None,
        median=_median(histogram, low),
    )


def collect_texts(values: Iterable[str | None]) -> TextAnswers:
    """Collect free-text answers, stripped, dropping skipped and blank ones."""
    answers = tuple(text for text in (v.strip() for v in values if v is not None) if text)
    return TextAnswers(respondents=len(answers), answers=answers)
