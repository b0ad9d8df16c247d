"""Results split by channel (web, table, paper), and when a channel's split must stay hidden.

Counting rules always count every channel together; this only shows the split. A channel
with fewer than MIN_BALLOTS ballots is not shown on its own, since a tiny channel (one table,
three papers) would reveal how those few people voted; when that hides a single channel, the
next smallest is hidden too, or subtracting the others from the total would reveal it.
"""

from dataclasses import dataclass

from participa.eligibility.participants import Channel

MIN_BALLOTS = 5
CHANNELS = (Channel.WEB, Channel.DESK, Channel.PAPER)


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


def breakdown(title, ballots, people, rows: list[tuple[str, dict]]) -> Breakdown:
    """The split of `rows` (label, counts per channel), hiding what `ballots` would give away."""
    hidden = hidden_channels(ballots)
    return Breakdown(
        title=title,
        ballots=_split(ballots, hidden),
        total_ballots=sum(ballots.values()),
        rows=tuple((label, _split(c, hidden), sum(c.values())) for label, c in rows),
        hidden=bool(hidden),
        people=tuple(people.get(c, 0) for c in CHANNELS),
    )


def by_channel(counts: dict) -> dict[Channel, int]:
    """Counts keyed by channel name (as a query returns them) keyed by Channel."""
    return {Channel(channel): int(n) for channel, n in counts.items()}
