"""Check the PB rules on small hand-made elections, then against a by-the-book reference."""

import ast
import random
from fractions import Fraction
from pathlib import Path

import pytest

from participa.tally.pb import (
    Ballot,
    BallotKind,
    Completion,
    Election,
    GreedyVariant,
    MesSettings,
    Project,
    equal_shares,
    greedy,
    greedy_for_meta,
    project_key,
    support,
)
from tests.tally.test_purity import _outside_imports

F = Fraction
PLAIN = MesSettings(Completion.NONE)
ADD1 = MesSettings(Completion.ADD1)
ADD1_STOP = MesSettings(Completion.ADD1, exhaustive_stop=True)


def approval(budget, costs: dict[str, int], ballots: list[str], **meta) -> Election:
    """Build an approval election; a ballot is "a,b" and "" is an empty ballot."""
    return Election(
        budget=budget,
        kind=BallotKind.APPROVAL,
        projects=tuple(Project(pid, cost) for pid, cost in costs.items()),
        ballots=tuple(Ballot(tuple(b.split(",")) if b else ()) for b in ballots),
        meta=meta,
    )


def cumulative(budget, costs: dict[str, int], ballots: list[dict[str, int]]) -> Election:
    """Build a cumulative election; a ballot maps project ids to points."""
    return Election(
        budget=budget,
        kind=BallotKind.CUMULATIVE,
        projects=tuple(Project(pid, cost) for pid, cost in costs.items()),
        ballots=tuple(Ballot(tuple(b), tuple(b.values())) for b in ballots),
    )


def ordinal(budget, costs: dict[str, int], ballots: list[str]) -> Election:
    """Build an ordinal election; a ballot lists projects best first."""
    election = approval(budget, costs, ballots)
    return Election(election.budget, BallotKind.ORDINAL, election.projects, election.ballots)


# --- greedy -------------------------------------------------------------------------

SKIPPING = approval(10, {"A": 6, "B": 5, "C": 4}, ["A,B,C", "A,B", "A"])
COST_TIE = approval(10, {"A": 6, "B": 5}, ["A,B", "A,B"])
VOTES_TIE_POINTS = cumulative(12, {"A": 6, "B": 6, "C": 6}, [{"A": 4, "C": 1}, {"B": 2}, {"B": 2}])
NUMERIC_IDS = approval(6, {"10": 6, "9": 6}, ["10", "9"])
STRING_IDS = approval(6, {"b": 6, "a": 6, "c10": 6}, ["b", "a", "c10"])
TOO_DEAR = approval(10, {"A": 11, "B": 3}, ["A,B", "A", "A", ""])
EXACT_FIT = approval(10, {"A": 4, "B": 6, "C": 1}, ["A,B,C", "A,B", "A,B"])
UNSUPPORTED = approval(10, {"A": 4, "Z": 1}, ["A", "", ""])
ALL_EMPTY = approval(10, {"A": 4}, ["", ""])
RANKED = ordinal(10, {"A": 5, "B": 5, "C": 5}, ["A,B,C", "C", "B,C"])  # A 3, B 4, C 3 points
POINTS = cumulative(10, {"A": 5, "B": 5, "C": 5}, [{"A": 9, "B": 1}, {"B": 4, "C": 5}, {"C": 1}])

GREEDY_CASES = {
    "skip-misfit": (SKIPPING, GreedyVariant.PLAIN, 0, ("A", "C")),
    "no-skip-stops": (SKIPPING, GreedyVariant.NO_SKIP, 0, ("A",)),
    "threshold-drops-C": (SKIPPING, GreedyVariant.THRESHOLD, 2, ("A",)),
    "threshold-inclusive": (SKIPPING, GreedyVariant.THRESHOLD, 1, ("A", "C")),
    "tie-lower-cost-first": (COST_TIE, GreedyVariant.PLAIN, 0, ("B",)),
    "tie-more-votes-first": (VOTES_TIE_POINTS, GreedyVariant.PLAIN, 0, ("B", "A")),
    "tie-numeric-id": (NUMERIC_IDS, GreedyVariant.PLAIN, 0, ("9",)),
    "tie-string-id": (STRING_IDS, GreedyVariant.PLAIN, 0, ("a",)),
    "too-expensive-skipped": (TOO_DEAR, GreedyVariant.PLAIN, 0, ("B",)),
    "too-expensive-stops-no-skip": (TOO_DEAR, GreedyVariant.NO_SKIP, 0, ()),
    "budget-exhausted": (EXACT_FIT, GreedyVariant.PLAIN, 0, ("A", "B")),
    "unsupported-never-funded": (UNSUPPORTED, GreedyVariant.PLAIN, 0, ("A",)),
    "only-empty-ballots": (ALL_EMPTY, GreedyVariant.PLAIN, 0, ()),
    "ordinal-rank-points": (RANKED, GreedyVariant.PLAIN, 0, ("B", "C")),
    "cumulative-points": (POINTS, GreedyVariant.PLAIN, 0, ("A", "C")),
}


@pytest.mark.parametrize(
    ("election", "variant", "threshold", "winners"), GREEDY_CASES.values(), ids=GREEDY_CASES
)
def test_greedy(election, variant, threshold, winners):
    outcome = greedy(election, variant, threshold)
    assert outcome.winners == winners
    costs = {p.id: p.cost for p in election.projects}
    assert outcome.cost == sum(costs[w] for w in winners) <= election.budget


def test_support_counts_points_and_rank_points():
    assert support(ordinal(1, {"A": 1, "B": 1, "C": 1}, ["A,B,C", "C", "B,C"])).score == (3, 4, 3)
    voted = cumulative(1, {"A": 1, "B": 1}, [{"A": 9, "B": 1}, {"B": 5}])
    assert support(voted).score == (9, 6)
    assert support(voted).votes == (1, 2)


@pytest.mark.parametrize(
    ("meta", "winners"),
    [
        ({"rule": "greedy"}, ("A", "C")),
        ({"rule": "greedy-no-skip"}, ("A",)),
        ({"rule": "greedy-threshold", "min_project_score_threshold": "2"}, ("A",)),
        ({"rule": "equalshares/add1"}, ("A", "C")),
        ({}, ("A", "C")),
    ],
)
def test_greedy_follows_the_meta_rule(meta, winners):
    election = approval(10, {"A": 6, "B": 5, "C": 4}, ["A,B,C", "A,B", "A"], **meta)
    assert greedy_for_meta(election).winners == winners


def test_project_key_orders_numbers_then_strings():
    ids = ["c2", "10", "9", "c10", "b", "100"]
    assert sorted(ids, key=project_key) == ["9", "10", "100", "b", "c10", "c2"]


# --- Equal Shares -------------------------------------------------------------------

# Voters 1-3 like A and B, voter 4 likes C: greedy gives the majority everything,
# Equal Shares gives voter 4 a share.
SHARES = approval(40, {"A": 20, "B": 20, "C": 10}, ["A,B", "A,B", "A,B", "C"])
# Supporters of A cannot pay 25 with 10 each until the per-voter budget reaches 13.
UNAFFORDABLE = approval(30, {"A": 25, "B": 9}, ["A", "A", "B"])
# A and B have the same rho (1/2); the cheaper B goes first and A no longer fits.
RHO_COST_TIE = approval(14, {"A": 10, "B": 6}, ["A,B", "A,B"])
# Voter 1 is emptied by C; then B (3 votes) and A (2 votes) tie on rho and cost.
RHO_VOTES_TIE = approval(24, {"A": 6, "B": 6, "C": 12}, ["C,B", "B", "B", "A", "A", "C", "C", "C"])
RHO_ID_TIE = approval(12, {"10": 6, "9": 6}, ["10", "10", "9", "9"])
DILUTED = approval(30, {"A": 25}, ["A", "A", ""])
UNDILUTED = approval(30, {"A": 25}, ["A", "A"])
# A costs more than the whole budget; at 13 per voter its supporters buy it: overspent.
DEARER_THAN_BUDGET = approval(40, {"A": 50, "B": 4}, ["A,B", "A", "A", "A"])
FREE = approval(10, {"A": 0, "B": 4, "Z": 0}, ["A,B", "B"])
NO_BALLOTS = approval(10, {"A": 4}, [])
EVERYTHING = approval(20, {"A": 8, "B": 8}, ["A,B", "A,B"])

MES_CASES = {
    "proportional-share": (SHARES, PLAIN, ("A", "C"), 10, 0),
    "supporters-cannot-pay": (UNAFFORDABLE, PLAIN, ("B",), 10, 0),
    "add1-stops-before-overspending": (UNAFFORDABLE, ADD1, ("B",), 12, 3),
    "add1-exhaustive-stop": (UNAFFORDABLE, ADD1_STOP, ("B",), 10, 0),
    "rho-tie-lower-cost": (RHO_COST_TIE, PLAIN, ("B",), 7, 0),
    "rho-tie-more-votes": (RHO_VOTES_TIE, PLAIN, ("C", "B", "A"), 3, 0),
    "rho-tie-smaller-id": (RHO_ID_TIE, PLAIN, ("9", "10"), 3, 0),
    "empty-ballot-dilutes": (DILUTED, PLAIN, (), 10, 0),
    "no-empty-ballot": (UNDILUTED, PLAIN, ("A",), 15, 0),
    "dearer-than-budget": (DEARER_THAN_BUDGET, ADD1, ("B",), 12, 3),
    "free-project-if-supported": (FREE, PLAIN, ("A", "B"), 5, 0),
    "no-ballots": (NO_BALLOTS, ADD1, (), 0, 0),
    "add1-everything-bought": (EVERYTHING, ADD1, ("A", "B"), 10, 0),
}


@pytest.mark.parametrize(
    ("election", "settings", "winners", "per_voter", "steps"), MES_CASES.values(), ids=MES_CASES
)
def test_equal_shares(election, settings, winners, per_voter, steps):
    outcome = equal_shares(election, settings)
    assert outcome.winners == winners
    assert outcome.per_voter_budget == per_voter
    assert outcome.add1_steps == steps


def test_add1u_fills_what_equal_shares_left():
    # Add1 stops at 7 per voter (at 8, P, R and Q together overspend), funding only R;
    # the greedy fill then adds the most voted project that fits, P.
    election = approval(20, {"P": 16, "Q": 8, "R": 2}, ["P", "P", "Q", "R"])
    add1 = equal_shares(election, ADD1)
    assert (add1.winners, add1.per_voter_budget, add1.add1_steps) == (("R",), 7, 3)
    filled = equal_shares(election, MesSettings(Completion.ADD1U))
    assert filled.mes_winners == ("R",)
    assert filled.winners == ("R", "P")
    assert filled.cost == 18


def test_comparison_picks_greedy_when_more_voters_prefer_it():
    kept = equal_shares(SHARES, PLAIN)
    assert kept.comparison is None and not kept.greedy_chosen
    compared = equal_shares(SHARES, MesSettings(Completion.NONE, comparison=True))
    assert (compared.comparison.prefers_mes, compared.comparison.prefers_greedy) == (1, 3)
    assert compared.greedy_chosen
    assert compared.winners == ("A", "B") and compared.mes_winners == ("A", "C")


def test_comparison_keeps_equal_shares_on_a_draw():
    election = approval(20, {"A": 10, "B": 10, "C": 10}, ["A,B", "A,B", "C", "C"])
    outcome = equal_shares(election, MesSettings(Completion.NONE, comparison=True))
    assert (outcome.comparison.prefers_mes, outcome.comparison.prefers_greedy) == (2, 2)
    assert not outcome.greedy_chosen and outcome.winners == ("A", "C")


def test_points_as_weights_make_payments_proportional():
    election = cumulative(20, {"A": 12, "B": 7}, [{"A": 1, "B": 2}, {"A": 3}])
    assert equal_shares(election, PLAIN).winners == ("A",)
    weighted = equal_shares(election, MesSettings(Completion.NONE, points_as_weights=True))
    assert weighted.winners == ("A", "B")


def test_fractional_amounts_stay_exact():
    election = approval(F(21, 2), {"A": F(7, 2), "B": F(7, 2), "C": F(7, 2)}, ["A,B,C"] * 3)
    assert equal_shares(election, PLAIN).winners == ("A", "B", "C")
    assert equal_shares(election, PLAIN).per_voter_budget == F(7, 2)


# --- cross-check against a by-the-book Equal Shares ---------------------------------


def reference_run(election: Election, per_voter, weighted: bool = False) -> list[str]:
    """Run Equal Shares voter by voter with fractions: slow, plain, no shortcuts."""
    ballots = []
    for ballot in election.ballots:
        points = ballot.points if weighted and ballot.points else (1,) * len(ballot.projects)
        ballots.append({p: w for p, w in zip(ballot.projects, points, strict=True) if w})
    money = [F(per_voter)] * len(ballots)
    votes = {p.id: sum(p.id in b for b in ballots) for p in election.projects}
    chosen = [p.id for p in election.projects if p.cost == 0 and votes[p.id]]
    open_ = {p.id: p.cost for p in election.projects if p.cost > 0 and votes[p.id]}
    while True:
        best = None
        for pid, cost in open_.items():
            backers = sorted((money[i] / b[pid], i) for i, b in enumerate(ballots) if pid in b)
            if sum(money[i] for _, i in backers) < cost:
                continue
            paid, rest = F(0), sum(ballots[i][pid] for _, i in backers)
            for ratio, i in backers:
                rate = (cost - paid) / rest
                if rate <= ratio:
                    break
                paid, rest = paid + money[i], rest - ballots[i][pid]
            key = (rate / cost, cost, -votes[pid], project_key(pid))
            if best is None or key < best[0]:
                best = (key, pid, rate)
        if best is None:
            return chosen
        _, pid, rate = best
        for i, b in enumerate(ballots):
            if pid in b:
                money[i] -= min(money[i], rate * b[pid])
        chosen.append(pid)
        del open_[pid]


def reference_add1(election: Election, exhaustive_stop: bool) -> list[str]:
    """Apply the Add1 completion to reference_run."""
    costs = {p.id: p.cost for p in election.projects}
    per_voter = election.budget // len(election.ballots)
    result = reference_run(election, per_voter)
    supported = {p for b in election.ballots for p in b.projects if costs[p] > 0}
    while not supported <= set(result):
        left = election.budget - sum(costs[p] for p in result)
        if exhaustive_stop and all(costs[p] > left for p in supported - set(result)):
            break
        following = reference_run(election, per_voter + 1)
        if sum(costs[p] for p in following) > election.budget:
            break
        per_voter, result = per_voter + 1, following
    return result


def random_election(rng: random.Random) -> Election:
    """Return a small election whose small whole costs make ties likely."""
    ids = [str(i) for i in range(1, rng.randint(2, 7))]
    costs = {pid: rng.choice([0, 2, 3, 4, 6, 6, 8, 12]) for pid in ids}
    ballots = []
    for _ in range(rng.randint(1, 12)):
        chosen = rng.sample(ids, rng.randint(0, len(ids)))
        ballots.append({pid: rng.randint(1, 4) for pid in chosen})
    budget = rng.randint(4, 40)
    return cumulative(budget, costs, ballots)


@pytest.mark.parametrize("seed", range(120))
def test_matches_the_reference_on_random_elections(seed):
    election = random_election(random.Random(seed))
    voters = len(election.ballots)
    plain = equal_shares(election, PLAIN).winners
    assert list(plain) == reference_run(election, F(election.budget, voters))
    weighted = equal_shares(election, MesSettings(Completion.NONE, points_as_weights=True))
    assert list(weighted.winners) == reference_run(election, F(election.budget, voters), True)
    assert list(equal_shares(election, ADD1).winners) == reference_add1(election, False)
    assert list(equal_shares(election, ADD1_STOP).winners) == reference_add1(election, True)


PB_DIR = Path(__file__).resolve().parents[2] / "participa" / "tally" / "pb"


@pytest.mark.parametrize("path", sorted(PB_DIR.glob("*.py")), ids=lambda p: p.name)
def test_pb_modules_import_only_stdlib_numpy_and_tally(path):
    # test_purity checks participa/tally/*.py; this covers the pb subpackage the same way.
    module = "participa.tally.pb" if path.stem == "__init__" else f"participa.tally.pb.{path.stem}"
    assert _outside_imports(path.read_text(encoding="utf-8"), module) == []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
