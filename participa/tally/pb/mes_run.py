"""One run of the Method of Equal Shares with cost utilities, at a fixed voter budget.

Every voter starts with the same budget. A project costing c is affordable at rate q
when its supporters can pay c with each paying min(budget, q * weight) (weight 1 for
an approval, or the points given). Its rho, the payment per unit of utility when a
voter's utility is weight * c, is q / c. Each round buys the affordable project with
the lowest rho - ties to the lower cost, then more votes, then the smaller project id -
and charges its supporters; the run ends when nothing is affordable.

Speed without losing exactness: voters with identical ballots form one group (they
always hold the same budget); rho only grows as budgets shrink, so a heap of stale
rhos is re-evaluated lazily; the search runs on float64 copies of the budgets, and
every decision the floats leave close (near ties, voters near the payment cap) is
settled exactly. Exact budgets are never stored per group: a group that has never
paid its whole budget holds b - sum(weight * q) over the projects it helped buy, so
exact sums of budgets are integer dot products with the rates q, all kept as
integers over one common denominator.
"""

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from participa.tally.pb.model import Amount
from participa.tally.pb.profile import BallotGroup

__all__ = ["EqualSharesRunner", "Purchase", "RunResult"]

# Float results are trusted only beyond this relative margin. A float prefix sum over
# n weighted voters errs by about n * 1e-16, so the margin grows with the electorate.
_BASE_TOLERANCE = 1e-9
_CHECK_MARGIN = 1e-12  # float budgets drift by a few ulps per purchase, far below this


@dataclass(frozen=True)
class Purchase:
    """Hold one priced purchase: the project, its exact rate q and who paid all they had."""

    project: int
    rate: Fraction
    capped: np.ndarray  # group indexes (already emptied groups included)


@dataclass(frozen=True)
class RunResult:
    """Hold the projects a run bought, in order, and their total cost."""

    selected: tuple[int, ...]
    cost: Amount
    purchases: tuple[Purchase, ...] = ()  # the priced ones (free projects come first)


@dataclass(frozen=True)
class _Supporters:
    """Hold one project's supporting groups, their sizes and weights."""

    groups: np.ndarray  # group indexes
    voters: np.ndarray  # float voters per group
    weight: np.ndarray | None  # float weight per group; None when all weigh 1
    voters_weight: np.ndarray  # float voters * weight per group
    total_weight: int  # sum of voters * weight, exact


class EqualSharesRunner:
    """Prepare an election once, then run Equal Shares at any per-voter budget."""

    def __init__(self, costs: Sequence[Amount], groups: Sequence[BallotGroup], keys: Sequence):
        self.costs = list(costs)
        self.keys = list(keys)  # tie-break keys: (cost, -votes, project id key)
        self.cost_denominator = math.lcm(*(Fraction(c).denominator for c in costs))
        self.voters = np.array([g.voters for g in groups], dtype=np.int64)
        matrix = np.zeros((len(groups), len(costs)), dtype=np.int64)
        for row, group in enumerate(groups):
            matrix[row, list(group.projects)] = group.weights
        self.matrix = matrix  # voters' weights per (group, project); 0 = no support
        # Float copies make the integer dot products run in BLAS; below 2**53 they stay exact.
        self.matrix_f = matrix.astype(np.float64)
        self.voters_f = self.voters.astype(np.float64)
        if int(self.voters @ matrix.max(axis=1, initial=0)) >= 2**53:
            raise ValueError("too many voters or points to count exactly")
        self.supporters = [self._supporters(matrix[:, j]) for j in range(len(costs))]
        supported = [s.total_weight > 0 for s in self.supporters]
        self.free = [j for j, c in enumerate(costs) if c == 0 and supported[j]]
        self.eligible = [j for j, c in enumerate(costs) if c > 0 and supported[j]]
        heaviest = max((s.total_weight for s in self.supporters), default=1)
        self.tolerance = max(_BASE_TOLERANCE, 1e-14 * heaviest)

    def _supporters(self, column: np.ndarray) -> _Supporters:
        """Collect the groups supporting one project."""
        groups = np.flatnonzero(column)
        voters, weight = self.voters[groups], column[groups]
        unit = bool(np.all(weight == 1))
        weight_f = None if unit else weight.astype(np.float64)
        voters_weight = (voters * weight).astype(np.float64)
        total = int(voters @ weight) if len(groups) else 0
        return _Supporters(groups, voters.astype(np.float64), weight_f, voters_weight, total)

    def run(self, per_voter: Amount) -> RunResult:
        """Run Equal Shares with this starting budget for every voter."""
        state = _RunState(self, per_voter)
        while (choice := state.next_purchase()) is not None:
            state.buy(*choice)
        cost = sum(self.costs[j] for j in state.selected)
        return RunResult(tuple(state.selected), cost, tuple(state.purchases))


class _RunState:
    """Hold the budgets and purchases of one run."""

    def __init__(self, runner: EqualSharesRunner, per_voter: Amount):
        self.r = runner
        self.budget = np.full(len(runner.voters), float(per_voter))
        self.emptied = np.zeros(len(runner.voters), dtype=bool)  # paid their whole budget
        self.selected: list[int] = list(runner.free)
        self.bought: list[int] = []  # priced purchases, aligned with scaled_rates
        self.purchases: list[Purchase] = []
        # Exact money is kept as integers over one common denominator.
        self.denominator = math.lcm(runner.cost_denominator, Fraction(per_voter).denominator)
        self.scaled_start = int(Fraction(per_voter) * self.denominator)
        self.scaled_rates: list[int] = []
        self.band = runner.tolerance * float(per_voter)  # float uncertainty of a budget
        self.margin = _CHECK_MARGIN * float(per_voter)
        self.heap, self.fresh = self._first_round(per_voter)

    def _first_round(self, per_voter: Amount) -> tuple[list, dict[int, float]]:
        """Return the starting heap and the rhos already known before any purchase."""
        fresh = {}
        heap = []
        for j in self.r.eligible:
            s = self.r.supporters[j]
            # Nobody is capped while everyone holds the same budget and all weigh 1,
            # so rho is 1 / total weight exactly when the supporters can pay at all.
            if s.weight is None and per_voter * s.total_weight < self.r.costs[j]:
                continue
            heap.append((1.0 / s.total_weight, j))
            if s.weight is None:
                fresh[j] = heap[-1][0]
        heapq.heapify(heap)
        return heap, fresh

    def scaled_cost(self, j: int) -> int:
        """Return project j's cost times the common denominator."""
        return int(self.r.costs[j] * self.denominator)

    def scaled_sum(self, groups: np.ndarray) -> int:
        """Return the exact total budget of these groups times the common denominator."""
        live = groups[~self.emptied[groups]]
        total = self.scaled_start * int(self.r.voters[live].sum())
        if self.bought and len(live):
            sums = (self.r.voters_f[live] @ self.r.matrix_f[live])[self.bought]
            counts = np.rint(sums).astype(np.int64).tolist()
            total -= sum(n * rate for n, rate in zip(counts, self.scaled_rates, strict=True) if n)
        return total

    def approximate(self, j: int) -> float | None:
        """Return the float rate q of project j, or None once its supporters cannot pay."""
        s, cost = self.r.supporters[j], float(self.r.costs[j])
        budget = self.budget[s.groups]
        money_each = s.voters * budget
        money = float(money_each.sum())
        if money < cost * (1 - self.r.tolerance) or (
            money <= cost * (1 + self.r.tolerance)
            and self.scaled_sum(s.groups) < self.scaled_cost(j)
        ):
            return None
        ratio = budget if s.weight is None else budget / s.weight
        rate, capped = cost / s.total_weight, 0
        for _ in range(len(ratio) + 1):  # the capped set only grows; this bounds the loop
            poor = ratio < rate
            count = int(np.count_nonzero(poor))
            if count == capped:
                break
            capped = count
            rest = s.total_weight - float(s.voters_weight @ poor)
            if rest <= 0:
                return float(ratio.max())
            rate = (cost - float(money_each @ poor)) / rest
        return rate

    def next_purchase(self) -> tuple[int, Fraction, np.ndarray] | None:
        """Return the next project, its exact rate and its capped supporters, or None."""
        fresh, self.fresh = self.fresh, {}
        near: list[int] = []
        best = math.inf
        while self.heap and self.heap[0][0] <= best * (1 + self.r.tolerance):
            value, j = heapq.heappop(self.heap)
            if j in fresh:  # already re-evaluated this round: a real contender
                near.append(j)
                best = min(best, value)
                continue
            rate = self.approximate(j)
            if rate is not None:
                fresh[j] = rate / float(self.r.costs[j])
                heapq.heappush(self.heap, (fresh[j], j))
        if not near:
            return None
        priced = [(j, *self.exact_rate(j, fresh[j] * float(self.r.costs[j]))) for j in near]
        j, rate, capped = min(priced, key=lambda p: (p[1] / self.r.costs[p[0]], self.r.keys[p[0]]))
        for other in near:
            if other != j:
                heapq.heappush(self.heap, (fresh[other], other))
        return j, rate, capped

    def exact_rate(self, j: int, guess: float) -> tuple[Fraction, np.ndarray]:
        """Return project j's exact rate q and which supporters it caps (they pay all)."""
        s = self.r.supporters[j]
        ratio = self.budget[s.groups] if s.weight is None else self.budget[s.groups] / s.weight
        poor, rich = ratio < guess - self.band, ratio > guess + self.band
        unsure = np.flatnonzero(~(poor | rich))
        paid = self.scaled_sum(s.groups[poor])
        rest = s.total_weight - round(float(s.voters_weight @ poor))
        capped = poor.copy()
        found = self._settle(j, unsure, capped, paid, rest)
        if found is None or not self._consistent(ratio, poor, rich, found):
            capped = np.zeros(len(s.groups), dtype=bool)
            found = self._settle(j, np.arange(len(s.groups)), capped, 0, s.total_weight)
            if found is None:
                raise ArithmeticError(f"project {j} was taken as affordable but is not")
        return found, capped

    def _settle(self, j: int, positions, capped, paid: int, rest: int) -> Fraction | None:
        """Cap the given supporters in exact budget order until the rate is reached."""
        scaled_cost = self.scaled_cost(j)
        for ratio, members, money, weight in self._exact_bins(j, positions):
            if rest > 0 and Fraction(scaled_cost - paid, rest * self.denominator) <= ratio:
                break
            capped[members] = True
            paid, rest = paid + money, rest - weight
        if rest <= 0:
            return None
        return Fraction(scaled_cost - paid, rest * self.denominator)

    def _exact_bins(self, j: int, positions: np.ndarray) -> list[tuple]:
        """Group supporters by exact budget / weight, lowest first, with their totals."""
        if not len(positions):
            return []
        s = self.r.supporters[j]
        groups = s.groups[positions]
        weights = self.r.matrix[groups, j]
        # Groups that paid for the same projects hold the same exact budget.
        history = self.r.matrix[np.ix_(groups, self.bought)]
        keys = np.column_stack([self.emptied[groups], weights, history]).astype(np.int64)
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        bins = []
        for row, key in enumerate(unique.tolist()):
            members = positions[inverse.ravel() == row]
            voters = int(self.r.voters[s.groups[members]].sum())
            spent = sum(n * rate for n, rate in zip(key[2:], self.scaled_rates, strict=True) if n)
            scaled = 0 if key[0] else self.scaled_start - spent
            ratio = Fraction(scaled, self.denominator * key[1])
            bins.append((ratio, members, voters * scaled, voters * key[1]))
        return sorted(bins, key=lambda item: item[0])

    def _consistent(self, ratio: np.ndarray, poor, rich, rate: Fraction) -> bool:
        """Check that the voters sorted by float budgets are surely on the right side."""
        low = float(ratio[poor].max()) if poor.any() else -math.inf
        high = float(ratio[rich].min()) if rich.any() else math.inf
        return low < float(rate) - self.margin and high > float(rate) + self.margin

    def buy(self, j: int, rate: Fraction, capped: np.ndarray) -> None:
        """Charge project j's supporters: capped ones pay all they have, others rate * weight."""
        s = self.r.supporters[j]
        poor, rich = s.groups[capped], s.groups[~capped]
        self.emptied[poor] = True
        self.budget[poor] = 0.0
        charge = float(rate) if s.weight is None else float(rate) * s.weight[~capped]
        self.budget[rich] = np.maximum(self.budget[rich] - charge, 0.0)
        self.selected.append(j)
        self.bought.append(j)
        self.purchases.append(Purchase(j, rate, poor))
        self._record(rate)

    def _record(self, rate: Fraction) -> None:
        """Keep rate as an integer over the common denominator, widening it if needed."""
        denominator = math.lcm(self.denominator, rate.denominator)
        if denominator != self.denominator:
            factor = denominator // self.denominator
            self.scaled_rates = [r * factor for r in self.scaled_rates]
            self.scaled_start *= factor
            self.denominator = denominator
        self.scaled_rates.append(rate.numerator * (denominator // rate.denominator))
