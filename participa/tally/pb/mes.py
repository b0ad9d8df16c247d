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
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import numpy as np

from participa.tally.pb.greedy import fill_greedily, greedy
from participa.tally.pb.mes_breaks import stable_until
from participa.tally.pb.mes_run import EqualSharesRunner, RunResult
from participa.tally.pb.model import Amount, Election, exact, project_key
from participa.tally.pb.profile import BallotGroup, ballot_groups

__all__ = ["Comparison", "Completion", "MesOutcome", "MesSettings", "equal_shares", "runner_for"]


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
    runner = _runner(ids, costs, groups)
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


def runner_for(election: Election, points_as_weights: bool = False) -> EqualSharesRunner:
    """Return the runner that counts this election at any per-voter budget (project indexes)."""
    groups = ballot_groups(election, points_as_weights)
    return _runner([p.id for p in election.projects], [p.cost for p in election.projects], groups)


def _runner(ids: Sequence[str], costs: Sequence[Amount], groups: Sequence[BallotGroup]):
    """Prepare Equal Shares with the tie-break order."""
    return EqualSharesRunner(costs, groups, _tie_keys(ids, costs, groups))


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
    """Raise the per-voter budget by 1 while the outcome does not overspend.

    Same result and steps as trying every integer budget, but budgets proven to buy exactly
    what the current one buys (mes_breaks.stable_until) are counted without being run.
    """
    per_voter = math.floor(Fraction(budget) / voters)
    pacer = _Pacer()
    result, steps = pacer.run(runner, per_voter), 0
    everything = set(runner.eligible)
    while True:
        if settings.exhaustive_stop and _exhaustive(runner, result, budget):
            break
        if everything <= set(result.selected):
            # Every supported project is funded: later steps could add nothing and would
            # never overspend, so the loop would not end.
            break
        change = pacer.search(runner, per_voter, result)
        if change is not None:  # every budget below change buys what per_voter buys
            steps += change - 1 - per_voter
            per_voter = change - 1
        following = pacer.run(runner, per_voter + 1)
        steps += 1
        if following.cost > budget:
            break
        pacer.stepped(result, following)
        per_voter, result = per_voter + 1, following
    return per_voter, steps, result


class _Pacer:
    """Decide when a search for a jump is worth its cost; time steers speed, never results.

    Where the runs change at nearly every budget (large electorates, budgets near the
    voters' scale) a search costs more than the single runs it would save. So a search must
    promise a jump that pays for its cost in runs; after one that does not, the next waits
    until unit steps have left the run unchanged a few times in a row (twice as many after
    each further failure), a sign that the budget has reached a stretch where jumps pay.
    """

    def __init__(self) -> None:
        self.run_seconds = 0.0  # the last run's time
        self.search_seconds = 0.0  # the last whole search's time
        self.patience = 0  # unchanged steps to see before searching again
        self.calm = 0  # unit steps in a row that left the run unchanged

    def run(self, runner: EqualSharesRunner, per_voter: int) -> RunResult:
        """Run Equal Shares at this budget, timing it."""
        start = time.perf_counter()
        result = runner.run(per_voter)
        self.run_seconds = time.perf_counter() - start
        return result

    def stepped(self, before: RunResult, after: RunResult) -> None:
        """Note a unit step and whether the run did the same on both budgets."""
        self.calm = self.calm + 1 if _same_run(before, after) else 0

    def search(self, runner: EqualSharesRunner, per_voter: int, result: RunResult) -> int | None:
        """Return the first budget that may differ from per_voter's, or None (no jump)."""
        if self.calm < self.patience:
            return None
        worth = 2 + int(self.search_seconds / max(self.run_seconds, 1e-6))
        start = time.perf_counter()
        change = stable_until(runner, per_voter, result.purchases, worth)
        if change is None:
            self.patience, self.calm = max(1, 2 * self.patience), 0
        else:
            self.search_seconds, self.patience = time.perf_counter() - start, 0
        return change


def _same_run(one: RunResult, other: RunResult) -> bool:
    """Tell whether two runs bought the same projects with the same supporters capped."""
    return len(one.purchases) == len(other.purchases) and all(
        a.project == b.project and np.array_equal(a.capped, b.capped)
        for a, b in zip(one.purchases, other.purchases, strict=True)
    )


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
