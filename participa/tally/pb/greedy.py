"""The standard (greedy) method: fund the most supported projects that still fit.

Projects are ranked by score (approvals; points for cumulative ballots; k..1 rank
points for an ordinal ballot of k projects), ties going to the lower cost, then to
more votes (ballots naming the project), then to the smaller project id. Walking
down the ranking, each project that fits in what is left of the budget is funded.
Projects nobody supports are never funded.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from participa.tally.pb.model import Amount, Election, Project, exact, project_key
from participa.tally.pb.profile import Support, support

__all__ = [
    "GreedyOutcome",
    "GreedyVariant",
    "RankedProject",
    "fill_greedily",
    "greedy",
    "greedy_for_meta",
    "greedy_from_support",
    "greedy_order",
    "rank_by_support",
]


class GreedyVariant(StrEnum):
    """Name the greedy variants as Pabulib's META rule does."""

    PLAIN = "greedy"  # skip a project that does not fit and go on
    THRESHOLD = "greedy-threshold"  # also drop projects scoring under a threshold
    NO_SKIP = "greedy-no-skip"  # stop at the first project that does not fit


@dataclass(frozen=True)
class RankedProject:
    """Hold one project's place in the greedy ranking."""

    project_id: str
    cost: Amount
    score: Amount
    votes: int


@dataclass(frozen=True)
class GreedyOutcome:
    """Hold the funded projects, in the order they were funded, and the ranking."""

    variant: GreedyVariant
    winners: tuple[str, ...]
    cost: Amount
    ranking: tuple[RankedProject, ...]  # every project, best first
    threshold: Amount = 0


def greedy_order(election: Election) -> tuple[RankedProject, ...]:
    """Rank all projects: score desc, then cost asc, votes desc, project id asc."""
    return rank_by_support(election.projects, support(election))


def rank_by_support(projects: Sequence[Project], counts: Support) -> tuple[RankedProject, ...]:
    """Rank projects from their support counts alone (e.g. maintained aggregates)."""
    ranked = [
        RankedProject(p.id, p.cost, score, votes)
        for p, score, votes in zip(projects, counts.score, counts.votes, strict=True)
    ]
    return tuple(
        sorted(ranked, key=lambda r: (-r.score, r.cost, -r.votes, project_key(r.project_id)))
    )


def fill_greedily(
    ranking: Iterable[RankedProject],
    left: Amount,
    skip: bool = True,
    taken: Collection[str] = frozenset(),
) -> tuple[str, ...]:
    """Return the ranked projects, other than taken ones, funded one by one from left.

    Without skip, funding stops at the first project that does not fit.
    """
    funded = []
    for ranked in ranking:
        if ranked.project_id in taken or ranked.score <= 0:
            continue
        if ranked.cost <= left:
            funded.append(ranked.project_id)
            left -= ranked.cost
        elif not skip:
            break
    return tuple(funded)


def greedy(
    election: Election, variant: GreedyVariant = GreedyVariant.PLAIN, threshold: Amount = 0
) -> GreedyOutcome:
    """Fund projects greedily; the threshold applies to the THRESHOLD variant only."""
    return greedy_from_support(
        election.projects, election.budget, support(election), variant, threshold
    )


def greedy_from_support(
    projects: Sequence[Project],
    budget: Amount,
    counts: Support,
    variant: GreedyVariant = GreedyVariant.PLAIN,
    threshold: Amount = 0,
) -> GreedyOutcome:
    """Fund projects greedily from per-project support counts: no ballot is needed."""
    ranking = rank_by_support(projects, counts)
    eligible = ranking
    if variant is GreedyVariant.THRESHOLD:
        eligible = tuple(r for r in ranking if r.score >= threshold)
    winners = fill_greedily(eligible, budget, skip=variant is not GreedyVariant.NO_SKIP)
    costs = {r.project_id: r.cost for r in ranking}
    return GreedyOutcome(
        variant=variant,
        winners=winners,
        cost=sum(costs[w] for w in winners),
        ranking=ranking,
        threshold=threshold if variant is GreedyVariant.THRESHOLD else 0,
    )


def greedy_for_meta(election: Election) -> GreedyOutcome:
    """Fund projects greedily with the variant named by META rule (plain otherwise)."""
    rule = election.meta.get("rule", "").strip().lower()
    if rule == GreedyVariant.THRESHOLD:
        raw = election.meta.get("min_project_score_threshold") or "0"
        return greedy(election, GreedyVariant.THRESHOLD, exact(raw))
    if rule == GreedyVariant.NO_SKIP:
        return greedy(election, GreedyVariant.NO_SKIP)
    return greedy(election)
