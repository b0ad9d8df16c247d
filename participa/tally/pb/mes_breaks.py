"""Find how far the per-voter budget of an Equal Shares run can rise before its outcome can change.

Fix what a run at budget t0 did: which project each round bought and which supporters paid
all they had. At any budget t where the run does the same, everything in it is affine in t:
a voter holds t minus the rates it paid, and each rate is q(t) = (cost - money of the capped
supporters) / (weight of the others). The run does the same at t as long as, round by round:

- the capped supporters hold at most q(t) per unit of weight and the others at least that;
- every project still open loses to the one bought. With x(t) the rate at which it would tie,
  G(t) = cost - sum(voters * min(money, x(t) * weight)) stays positive: G is convex in t, so
  its tangent at t0 bounds its first zero from below. Where that bound is short (a close
  contender, an exact tie), the project's own rate, affine with its own capped supporters, or
  its supporters' money while it is unaffordable, gives another bound; either proof will do;
- and once the run ends, every project left stays unaffordable.

Each condition is affine (or convex, bounded by its tangent) in t, so the first integer
budget where one of them may fail is found exactly; every integer budget before it buys
exactly what t0 bought. Voters with the same payment history hold the same money, so the
work is per class of histories, not per voter. Money is kept as integers (A + S*t) / D over
one common denominator D, so the arithmetic is exact without fractions in the loops.
"""

import math
from collections.abc import Iterator, Sequence
from fractions import Fraction

import numpy as np

from participa.tally.pb.mes_run import EqualSharesRunner, Purchase

__all__ = ["first_failure", "stable_until"]

_FRESH, _EMPTIED = 0, 1  # the money classes every run starts with: t, and nothing


class _TooClose(Exception):
    """Raised to stop early: some condition may fail before the jump is worth taking."""


def stable_until(
    runner: EqualSharesRunner, start: int, purchases: Sequence[Purchase], worth: int = 2
) -> int | None:
    """Return the first integer budget above start at which the run may differ from start's.

    Every integer budget from start up to the returned one (excluded) buys exactly the same
    projects in the same order. None: no jump to start + worth or beyond could be proven.
    """
    analysis = _Analysis(runner, start, start + worth)
    try:
        return analysis.first_change(purchases)
    except _TooClose:
        return None


def first_failure(a: int, s: int, t0: int, strict: bool) -> int | None:
    """Return the first integer t > t0 where a + s*t >= 0 (> 0 if strict) fails, None if never.

    The condition must hold at t0.
    """
    value = a + s * t0
    if value < 0 or (strict and value == 0):
        raise ArithmeticError(f"a condition of the run at {t0} does not hold there")
    if s >= 0:
        return None
    # The root is a / -s: strict conditions fail from its ceiling, others just after it.
    return -(-a // -s) if strict else a // -s + 1


def _earliest(*bounds: int | None) -> int | None:
    """Return the smallest bound, None standing for no bound."""
    found = [b for b in bounds if b is not None]
    return min(found) if found else None


class _Analysis:
    """Replay one run's purchases with the budget left as a variable t."""

    def __init__(self, runner: EqualSharesRunner, start: int, worth: int):
        self.r = runner
        self.t0 = start
        self.worth = worth  # stop as soon as a bound falls below this
        self.first: int | None = None
        self.unit = runner.cost_denominator  # costs times unit are integers
        self.costs = [int(c * self.unit) for c in runner.costs]
        self.d = self.unit  # the common denominator D, always a multiple of unit
        self.forms: list[list[int]] = [[0, self.d], [0, 0]]  # [A, S] per money class
        self.rates: list[list[int]] = []  # [A, S] of each round's rate, same denominator
        self.widest = int(runner.matrix.max(initial=1)) + 1

    def bound(self, failing: int | None) -> None:
        """Keep the earliest failure; stop once the jump is no longer worth it."""
        self.first = _earliest(self.first, failing)
        if self.first is not None and self.first < self.worth:
            raise _TooClose

    def first_change(self, purchases: Sequence[Purchase]) -> int | None:
        """Return the first integer where some condition of the run may fail."""
        form_of = np.full(len(self.r.voters), _FRESH, dtype=np.int64)
        rounds = []
        for purchase in purchases:
            rate = self.price(purchase, form_of)
            rounds.append((purchase.project, rate, form_of))
            form_of = self.pay(purchase, rate, form_of)
        bought = {p.project for p in purchases}
        for k in self.r.eligible:
            if k not in bought:
                self.bound(self.unaffordable(k, form_of))
        open_ = set(self.r.eligible)
        for j, rate, classes in rounds:
            open_.discard(j)
            for k in sorted(open_):
                self.bound(self.loses(k, j, rate, classes))
        return self.first

    # --- money classes --------------------------------------------------------------

    def bins(self, k: int, form_of: np.ndarray, groups=None) -> Iterator[tuple[int, int, int]]:
        """Yield (money class, weight, voters) over project k's supporters (or these groups)."""
        groups = self.r.supporters[k].groups if groups is None else groups
        keys = form_of[groups] * self.widest + self.r.matrix[groups, k]
        unique, inverse = np.unique(keys, return_inverse=True)
        voters = np.bincount(inverse.ravel(), weights=self.r.voters_f[groups])
        for key, count in zip(unique.tolist(), voters.tolist(), strict=True):
            yield key // self.widest, key % self.widest, round(count)

    def money(self, k: int, form_of: np.ndarray, groups=None) -> tuple[int, int, int]:
        """Return the money A, S of project k's supporters (or these groups) and their weight."""
        a = s = weight = 0
        for cls, w, n in self.bins(k, form_of, groups):
            form = self.forms[cls]
            a, s, weight = a + n * form[0], s + n * form[1], weight + n * w
        return a, s, weight

    def widen(self, denominator: int) -> None:
        """Make D a multiple of denominator, rescaling every stored amount."""
        factor = denominator // math.gcd(self.d, denominator)
        if factor == 1:
            return
        self.d *= factor
        for pair in (*self.forms, *self.rates):
            pair[0] *= factor
            pair[1] *= factor

    # --- the bought projects -----------------------------------------------------------

    def price(self, purchase: Purchase, form_of: np.ndarray) -> list[int]:
        """Return the bought project's rate q(t), bounding where its capped set holds."""
        j, t0 = purchase.project, self.t0
        s = self.r.supporters[j]
        capped = np.isin(s.groups, purchase.capped)
        money_a, money_s, weight = self.money(j, form_of, s.groups[capped])
        rest = s.total_weight - weight
        # q = (cost - money / D) / rest, over the denominator D * rest
        rate_a = Fraction(self.costs[j] * (self.d // self.unit) - money_a, self.d * rest)
        rate_s = Fraction(-money_s, self.d * rest)
        self.widen(math.lcm(rate_a.denominator, rate_s.denominator))
        rate = [int(rate_a * self.d), int(rate_s * self.d)]
        self.rates.append(rate)
        if Fraction(rate[0] + rate[1] * t0, self.d) != purchase.rate:
            raise ArithmeticError(f"project {j}: the replayed rate differs from the run's")
        self.bound(first_failure(rate[0], rate[1], t0, strict=True))
        for sign, groups in ((1, s.groups[capped]), (-1, s.groups[~capped])):
            for cls, w, _ in self.bins(j, form_of, groups):
                form = self.forms[cls]
                gap_a, gap_s = rate[0] * w - form[0], rate[1] * w - form[1]
                self.bound(first_failure(sign * gap_a, sign * gap_s, t0, strict=False))
        return rate

    def pay(self, purchase: Purchase, rate: list[int], form_of: np.ndarray) -> np.ndarray:
        """Return the money classes after the purchase: capped supporters hold nothing."""
        j = purchase.project
        groups = self.r.supporters[j].groups
        after = form_of.copy()
        after[purchase.capped] = _EMPTIED
        paying = groups[~np.isin(groups, purchase.capped)]
        keys = form_of[paying] * self.widest + self.r.matrix[paying, j]
        unique, inverse = np.unique(keys, return_inverse=True)
        new = []
        for key in unique.tolist():
            (a, s), w = self.forms[key // self.widest], key % self.widest
            self.forms.append([a - w * rate[0], s - w * rate[1]])
            new.append(len(self.forms) - 1)
        after[paying] = np.array(new, dtype=np.int64)[inverse.ravel()]
        return after

    # --- the projects not bought -------------------------------------------------------

    def unaffordable(self, k: int, form_of: np.ndarray) -> int | None:
        """Return where project k's supporters may first afford it."""
        money_a, money_s, _ = self.money(k, form_of)
        cost = self.costs[k] * (self.d // self.unit)
        return first_failure(cost - money_a, -money_s, self.t0, strict=True)

    def loses(self, k: int, j: int, rate: list[int], form_of: np.ndarray) -> int | None:
        """Return where project k may first beat j, the project bought in that round."""
        t0, cost_k, cost_j = self.t0, self.costs[k], self.costs[j]
        rate0 = rate[0] + rate[1] * t0
        # Amounts below are scaled by D * cost_j (and unit): x0 * w becomes rate0 * cost_k * w.
        cost = cost_k * (self.d // self.unit) * cost_j
        if rate[1] <= 0 and cost > rate0 * cost_k * self.r.supporters[k].total_weight:
            return None  # even with every supporter paying in full, k stays behind
        gap = cost
        slope = 0
        for cls, w, n in self.bins(k, form_of):
            form = self.forms[cls]
            held, tie = (form[0] + form[1] * t0) * cost_j, rate0 * cost_k * w
            if held < tie:
                gap, slope = gap - n * held, slope - n * form[1] * cost_j
            elif held > tie:
                gap, slope = gap - n * tie, slope - n * w * rate[1] * cost_k
            else:
                gap -= n * held
                slope -= n * min(form[1] * cost_j, w * rate[1] * cost_k)
        if gap < 0 or (gap == 0 and self.r.keys[k] < self.r.keys[j]):
            raise ArithmeticError(f"project {k} should have been bought before {j}")
        if gap == 0 and slope <= 0:
            tangent: int | None = t0 + 1  # a tie at t0: the tangent proves nothing more
        else:
            tangent = None if slope >= 0 else t0 - (-gap // -slope)
            if tangent is None or (self.first is not None and tangent >= self.first):
                return tangent  # no earlier than the bound found so far: good enough
        own = self.own_rate(k, j, rate, form_of)
        return None if own is None else max(tangent, own)

    def own_rate(self, k: int, j: int, rate: list[int], form_of: np.ndarray) -> int | None:
        """Bound where k may beat j from k's own rate (or its supporters' money)."""
        t0, scale = self.t0, self.d // self.unit
        bins = [(self.forms[cls], w, n) for cls, w, n in self.bins(k, form_of)]
        cost = self.costs[k] * scale  # k's cost over D
        if sum(n * (form[0] + form[1] * t0) for form, _, n in bins) < cost:
            return self.unaffordable(k, form_of)
        bins.sort(key=lambda b: Fraction(b[0][0] + b[0][1] * t0, b[1]))
        paid_a = paid_s = 0
        rest, split = self.r.supporters[k].total_weight, len(bins)
        for index, (form, w, n) in enumerate(bins):
            # Capped while k's rate (cost - paid) / rest exceeds this class's money per weight.
            if (cost - paid_a - paid_s * t0) * w <= (form[0] + form[1] * t0) * rest:
                split = index
                break
            paid_a, paid_s, rest = paid_a + n * form[0], paid_s + n * form[1], rest - n * w
        if rest <= 0:
            return t0 + 1  # cannot happen when affordable; prove nothing
        # k's own rate is (cost - paid) / (D * rest); compare everything over D * rest.
        own_a, own_s = cost - paid_a, -paid_s
        found = []
        for index, (form, w, _) in enumerate(bins):
            sign = -1 if index >= split else 1
            gap_a, gap_s = own_a * w - form[0] * rest, own_s * w - form[1] * rest
            found.append(first_failure(sign * gap_a, sign * gap_s, t0, strict=False))
        # k stays behind while own / cost_k > rate / cost_j (or equal, if j wins the tie).
        cost_j, cost_k = self.costs[j], self.costs[k]
        behind_a = own_a * cost_j - rate[0] * rest * cost_k
        behind_s = own_s * cost_j - rate[1] * rest * cost_k
        strict = self.r.keys[k] < self.r.keys[j]
        found.append(first_failure(behind_a, behind_s, t0, strict=strict))
        return _earliest(*found)
