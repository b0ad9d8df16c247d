"""Describe who took part: ages, zones and participation over time.

Inputs are plain dates, counts and keys; outputs are frozen dataclasses or
dicts with a documented, stable order.
"""

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

__all__ = [
    "AGE_BANDS",
    "DailyCount",
    "ZoneShare",
    "age_band",
    "age_on",
    "count_by",
    "count_weighted",
    "per_day",
    "per_day_counts",
    "shares_of_population",
]

# (label, lowest age, highest age or None for open-ended), youngest first.
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("<18", 0, 17),
    ("18-29", 18, 29),
    ("30-44", 30, 44),
    ("45-59", 45, 59),
    ("60+", 60, None),
)


@dataclass(frozen=True)
class ZoneShare:
    """Hold how many people of one zone took part, relative to its population."""

    zone: str  # a key, e.g. a zone name or id rendered as str by the caller
    participants: int
    population: int  # 0 if unknown
    share: Fraction | None  # participants / population, None if population is 0

    @property
    def share_float(self) -> float | None:
        """Return the share as a float, for display only."""
        return None if self.share is None else float(self.share)


@dataclass(frozen=True)
class DailyCount:
    """Hold the count of one calendar day and the running total up to it."""

    day: date
    count: int
    cumulative: int


def age_on(birth: date, on: date) -> int:
    """Return the completed years of someone born on birth, as of on.

    A Feb 29 birthday counts as Mar 1 in non-leap years. Raises ValueError
    if on is before birth.
    """
    if on < birth:
        raise ValueError(f"reference date {on} is before birth {birth}")
    try:
        birthday = birth.replace(year=on.year)
    except ValueError:  # Feb 29 in a non-leap year
        birthday = date(on.year, 3, 1)
    return on.year - birth.year - (on < birthday)


def age_band(birth: date | None, on: date) -> str | None:
    """Return the AGE_BANDS label for someone born on birth, None if unknown."""
    if birth is None:
        return None
    age = age_on(birth, on)
    for label, lowest, highest in AGE_BANDS:
        if lowest <= age and (highest is None or age <= highest):
            return label
    raise AssertionError(f"AGE_BANDS does not cover age {age}")  # pragma: no cover


def shares_of_population(
    participants: Mapping[str, int], population: Mapping[str, int]
) -> tuple[ZoneShare, ...]:
    """Relate participants to population for every zone in either mapping.

    A zone missing from one mapping counts 0 there. Rows are sorted by share
    descending (so the best-heard zones come first), zones of unknown
    population (share None) last, then by zone key.
    """
    rows = []
    for zone in set(participants) | set(population):
        people = participants.get(zone, 0)
        inhabitants = population.get(zone, 0)
        if people < 0 or inhabitants < 0:
            raise ValueError(f"negative count for zone {zone!r}")
        share = Fraction(people, inhabitants) if inhabitants else None
        rows.append(ZoneShare(zone, people, inhabitants, share))
    rows.sort(key=lambda row: (row.share is None, -(row.share or 0), row.zone))
    return tuple(rows)


def count_weighted(
    pairs: Iterable[tuple[Hashable | None, int]], order: Sequence[Hashable] | None = None
) -> dict[Hashable | None, int]:
    """Like count_by, from (key, how many) pairs instead of one key per occurrence."""
    counts: dict[Hashable | None, int] = dict.fromkeys(order or (), 0)
    for key, n in pairs:
        counts[key] = counts.get(key, 0) + n
    return counts


def count_by(
    keys: Iterable[Hashable | None], order: Sequence[Hashable] | None = None
) -> dict[Hashable | None, int]:
    """Count occurrences of each key; None is counted under None.

    With order, the result starts with those keys in that order (0 when
    absent); other keys follow in first-seen order.
    """
    counts: dict[Hashable | None, int] = dict.fromkeys(order or (), 0)
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts


def per_day(
    moments: Iterable[datetime | date],
    start: date | None = None,
    end: date | None = None,
) -> tuple[DailyCount, ...]:
    """Count moments per calendar day, filling gaps with 0, oldest first.

    A datetime counts on its own .date(), so convert time zones first. The
    range runs from start (default: first day seen) to end (default: last
    day seen); with no moments, a missing bound falls back to the other
    one, and with neither the result is (). Moments outside the range are
    ignored, so cumulative counts from start. Raises ValueError if start is
    after end.
    """
    # datetime is a subclass of date, so test for it first.
    return per_day_counts(
        Counter(m.date() if isinstance(m, datetime) else m for m in moments), start, end
    )


def per_day_counts(
    days: Mapping[date, int], start: date | None = None, end: date | None = None
) -> tuple[DailyCount, ...]:
    """Like per_day, from counts already made per day (e.g. by maintained aggregates)."""
    if start is not None and end is not None and start > end:
        raise ValueError(f"start {start} is after end {end}")
    days = Counter({day: n for day, n in days.items() if n})
    first = start or (min(days) if days else end)
    last = end or (max(days) if days else start)
    if first is None or last is None:
        return ()
    rows = []
    running = 0
    day = first
    while day <= last:
        running += days[day]
        rows.append(DailyCount(day=day, count=days[day], cumulative=running))
        day += timedelta(days=1)
    return tuple(rows)
