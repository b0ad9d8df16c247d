"""The Method of Equal Shares (cost utilities) with its Add1 completion and options.

- plain (Completion.NONE): one run with budget / voters for each voter;
- Add1: start at floor(budget / voters) per voter and add 1 per voter per step while
  the next step does not overspend; the last step that does not overspend gives the
  result (with exhaustive_stop, also stop at the first exhaustive outcome);
- Add1u: Add1, then fund the remaining projects greedily (the standard method's order);
- comparison: if more voters prefer the standard method's outcome than this one - a
  voter prefers the outcome funding more of the projects on their ballot - take it.

Cumulative and ordinal ballots count as approvals of the projects they name, as in
pabutools' cost satisfaction; points_as_weights makes payments proportional to points.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from participa.tally.pb.greedy import fill_greedily, greedy
from participa.tally.pb.mes_run import EqualSharesRunner, RunResult
from participa.tally.pb.model import Amount, Election, exact, project_key
from participa.tally.pb.profile import BallotGroup, ballot_groups

__all__ = ["Comparison", "Completion", "MesOutcome", "MesSettings", "equal_shares"]


class Completion(StrEnum):
    """Name how the Equal Shares outcome is completed."""

    NONE = "none"
    ADD1 = "add1"
    ADD1U = "add1u"  # Add1, then a greedy fill


@dataclass(frozen=True)
class MesSettings:
    """Hold the options of an Equal Shares count."""

    completion: Completion = Completion.ADD1
    exhaustive_stop: bool = False
    comparison: bool = False
    points_as_weights: bool = False


@dataclass(frozen=True)
class Comparison:
    """Hold how many voters prefer each outcome (the others are indifferent)."""

    prefers_mes: int
    prefers_greedy: int


@dataclass(frozen=True)
class MesOutcome:
    """Hold the funded projects and how the count reached them."""

    settings: MesSettings
    winners: tuple[str, ...]  # the result: mes_winners + filled, or the greedy winners
    cost: Amount
    per_voter_budget: Amount  # starting budget of the run that gave the result
    add1_steps: int  # budget increments tried, the overspending one included
    mes_winners: tuple[str, ...]  # Equal Shares purchases, in order
    filled: tuple[str, ...] = ()  # added by the greedy fill (Add1u), in order
    comparison: Comparison | None = None
    greedy_chosen: bool = False  # the comparison picked the standard method


def equal_shares(election: Election, settings: MesSettings | None = None) -> MesOutcome:
    """Count an election with the Method of Equal Shares."""
    settings = settings or MesSettings()
    groups = ballot_groups(election, settings.points_as_weights)
    ids = [p.id for p in election.projects]
    costs = [p.cost for p in election.projects]
    runner = EqualSharesRunner(costs, groups, _tie_keys(ids, costs, groups))
    per_voter, steps, result = _count(runner, election, settings)
    mes_winners = tuple(ids[j] for j in result.selected)
    needs_greedy = settings.completion is Completion.ADD1U or settings.comparison
    standard = greedy(election) if needs_greedy else None
    filled: tuple[str, ...] = ()
    if settings.completion is Completion.ADD1U:
        left = election.budget - result.cost
        filled = fill_greedily(standard.ranking, left, taken=set(mes_winners))
    comparison = None
    if settings.comparison:
        comparison = _compare(groups, ids, mes_winners + filled, standard.winners)
    greedy_chosen = comparison is not None and comparison.prefers_greedy > comparison.prefers_mes
    winners = standard.winners if greedy_chosen else mes_winners + filled
    cost_of = dict(zip(ids, costs, strict=True))
    return MesOutcome(
        settings=settings,
        winners=winners,
        cost=sum(cost_of[w] for w in winners),
        per_voter_budget=per_voter,
        add1_steps=steps,
        mes_winners=mes_winners,
        filled=filled,
        comparison=comparison,
        greedy_chosen=greedy_chosen,
    )


def _count(
    runner: EqualSharesRunner, election: Election, settings: MesSettings
) -> tuple[Amount, int, RunResult]:
    """Return the per-voter budget, the Add1 steps and the run that gives the result."""
    voters = len(election.ballots)
    if voters == 0:
        return 0, 0, RunResult(tuple(runner.free), 0)
    if settings.completion is Completion.NONE:
        per_voter = exact(Fraction(election.budget, voters))
        return per_voter, 0, runner.run(per_voter)
    return _add1(runner, election.budget, voters, settings)


def _tie_keys(ids: Sequence[str], costs: Sequence[Amount], groups: Sequence[BallotGroup]):
    """Return each project's tie-break key: lower cost, then more votes, then smaller id."""
    votes = [0] * len(ids)
    for group in groups:
        for j in group.projects:
            votes[j] += group.voters
    return [(cost, -v, project_key(i)) for i, cost, v in zip(ids, costs, votes, strict=True)]


def _add1(
    runner: EqualSharesRunner, budget: Amount, voters: int, settings: MesSettings
) -> tuple[int, int, RunResult]:
    """Raise the per-voter budget by 1 while the outcome does not overspend."""
    per_voter = math.floor(Fraction(budget) / voters)
    result, steps = runner.run(per_voter), 0
    everything = set(runner.eligible)
    while True:
        if settings.exhaustive_stop and _exhaustive(runner, result, budget):
            break
        if everything <= set(result.selected):
            # Every supported project is funded: later steps could add nothing and would
            # never overspend, so the loop would not end.
            break
        following = runner.run(per_voter + 1)
        steps += 1
        if following.cost > budget:
            break
        per_voter, result = per_voter + 1, following
    return per_voter, steps, result


def _exhaustive(runner: EqualSharesRunner, result: RunResult, budget: Amount) -> bool:
    """Tell whether no other supported project fits in what the outcome leaves."""
    left, chosen = budget - result.cost, set(result.selected)
    return all(runner.costs[j] > left for j in runner.eligible if j not in chosen)


def _compare(
    groups: Sequence[BallotGroup], ids: Sequence[str], mes: Sequence[str], standard: Sequence[str]
) -> Comparison:
    """Count the voters who have more of their projects funded by each outcome."""
    index = {project_id: j for j, project_id in enumerate(ids)}
    mes_set, standard_set = {index[i] for i in mes}, {index[i] for i in standard}
    prefers_mes = prefers_greedy = 0
    for group in groups:
        named = set(group.projects)
        difference = len(named & mes_set) - len(named & standard_set)
        if difference > 0:
            prefers_mes += group.voters
        elif difference < 0:
            prefers_greedy += group.voters
    return Comparison(prefers_mes=prefers_mes, prefers_greedy=prefers_greedy)
