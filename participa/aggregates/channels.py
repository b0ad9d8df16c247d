"""Results split by channel, and when the split must stay hidden.

Ballot content carries no channel, so what was chosen splits only into paper (counted apart
when a batch of typed papers is committed, participa.aggregates.paper) and the rest, cast
electronically on the web or a table's tablet (the total minus paper). Who took part is known
per channel (web, table, paper) from the participations. Counting rules always count every
channel together; this only shows the split. When either part has fewer than MIN_BALLOTS
ballots neither is shown (the total minus one part gives the other), since a tiny part
(three papers) would reveal how those few people voted.
"""

from dataclasses import dataclass

from participa.eligibility.participants import Channel

MIN_BALLOTS = 5
CHANNELS = (Channel.WEB, Channel.DESK, Channel.PAPER)


def split_hidden(electronic: int, paper: int, minimum: int = MIN_BALLOTS) -> bool:
    """Whether the electronic/paper split must not be shown (pure: counts in, answer out)."""
    return any(0 < n < minimum for n in (electronic, paper))


@dataclass(frozen=True)
class Breakdown:
    """Rows of (label, (electronic, paper) or (None, None) when hidden, total)."""

    title: str
    ballots: tuple[int | None, int | None]
    total_ballots: int
    rows: tuple[tuple[str, tuple[int | None, int | None], int], ...]
    hidden: bool
    people: tuple[int, ...]  # who took part, per channel of CHANNELS (never hidden)


def _split(total: int, paper: int, hidden: bool) -> tuple[int | None, int | None]:
    return (None, None) if hidden else (total - paper, paper)


def breakdown(title, ballots: tuple[int, int], people: dict, rows: list) -> Breakdown:
    """The split of `rows` (label, total, paper), given `ballots` (total, paper)."""
    total, paper = ballots
    hidden = split_hidden(total - paper, paper)
    return Breakdown(
        title=title,
        ballots=_split(total, paper, hidden),
        total_ballots=total,
        rows=tuple((label, _split(n, p, hidden), n) for label, n, p in rows),
        hidden=hidden,
        people=tuple(people.get(c, 0) for c in CHANNELS),
    )
