"""Equal Shares' Add1 skips budgets, yet ends exactly where the one-unit-at-a-time loop ends.

The oracle below is Add1 by its definition: run Equal Shares at floor(budget / voters) per
voter, then at every next integer, until a run overspends (or, with the exhaustive stop, an
outcome is exhaustive). Random small elections - approval, cumulative and ordinal ballots,
costs in whole pesos or halves, ties likely - must give the same winners, final per-voter
budget and number of steps. PARTICIPA_PROPERTY_EXAMPLES (default 30) sets the examples per
property; raise it to hunt, e.g. PARTICIPA_PROPERTY_EXAMPLES=3000.
"""

import math
import os
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from participa.tally.pb import Ballot, BallotKind, Completion, Election, MesSettings, Project
from participa.tally.pb.mes import equal_shares, runner_for
from participa.tally.pb.mes_breaks import first_failure, stable_until
from participa.tally.pb.model import exact

EXAMPLES = int(os.environ.get("PARTICIPA_PROPERTY_EXAMPLES", "30"))
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
VARIANTS = {
    "add1": MesSettings(Completion.ADD1),
    "exhaustive-stop": MesSettings(Completion.ADD1, exhaustive_stop=True),
    "points-as-weights": MesSettings(Completion.ADD1, points_as_weights=True),
}


def unit_add1(election: Election, options: MesSettings) -> tuple[tuple[str, ...], int, int]:
    """Return Add1's winners, final per-voter budget and steps, one unit at a time."""
    runner = runner_for(election, options.points_as_weights)
    ids = [p.id for p in election.projects]
    per_voter = math.floor(Fraction(election.budget) / len(election.ballots))
    result, steps = runner.run(per_voter), 0
    while not set(runner.eligible) <= set(result.selected):
        left, chosen = election.budget - result.cost, set(result.selected)
        if options.exhaustive_stop and all(
            runner.costs[j] > left for j in runner.eligible if j not in chosen
        ):
            break
        following = runner.run(per_voter + 1)
        steps += 1
        if following.cost > election.budget:
            break
        per_voter, result = per_voter + 1, following
    return tuple(ids[j] for j in result.selected), per_voter, steps


@st.composite
def elections(draw, kinds=tuple(BallotKind)) -> Election:
    """Draw a small election; costs come from a short palette so that ties are common."""
    kind = draw(st.sampled_from(kinds))
    scale = draw(st.sampled_from([1, 5, 25]))  # pesos; the oracle runs once per peso
    palette = draw(st.lists(st.integers(1, 60), min_size=1, max_size=3))
    halves = draw(st.booleans())
    size = draw(st.integers(1, 6))
    costs = [
        Fraction(draw(st.sampled_from([0, *palette])) * scale, 2 if halves else 1)
        for _ in range(size)
    ]
    ids = [str(i + 1) for i in range(size)]
    ballots = []
    for _ in range(draw(st.integers(1, 8))):
        if ballots and draw(st.booleans()):
            ballots.append(ballots[-1])  # identical ballots form one group
            continue
        named = draw(st.permutations(ids))[: draw(st.integers(0, size))]
        points = None
        if kind is BallotKind.CUMULATIVE:
            points = tuple(draw(st.integers(0, 4)) for _ in named)
        ballots.append(Ballot(tuple(named), points))
    total = sum(costs)
    budget = draw(st.integers(1, max(1, int(total)))) if draw(st.booleans()) else total
    projects = tuple(Project(i, exact(c)) for i, c in zip(ids, costs, strict=True))
    return Election(budget, kind, projects, tuple(ballots))


@pytest.mark.parametrize("options", VARIANTS.values(), ids=VARIANTS)
@PROPERTY
@given(election=elections())
def test_add1_ends_where_the_unit_loop_ends(options, election):
    fast = equal_shares(election, options)
    assert (fast.mes_winners, fast.per_voter_budget, fast.add1_steps) == unit_add1(
        election, options
    )


@PROPERTY
@given(election=elections(), offset=st.integers(0, 40), weighted=st.booleans())
def test_every_budget_below_the_bound_runs_the_same(election, offset, weighted):
    # Same purchases, and every rate exactly affine in the budget (a capped set that changed
    # would bend it, even where the winners stay the same).
    runner = runner_for(election, weighted)
    start = math.floor(Fraction(election.budget) / len(election.ballots)) + offset
    there = runner.run(start)
    change = stable_until(runner, start, there.purchases, worth=1)
    assert change is None or change > start
    last = start + 60 if change is None else min(change, start + 60)
    runs = [runner.run(per_voter) for per_voter in range(start, last)]
    for step, run in enumerate(runs):
        assert run.selected == there.selected, start + step
        for purchase, first, second in zip(
            run.purchases, there.purchases, runs[min(1, len(runs) - 1)].purchases, strict=True
        ):
            assert purchase.rate == first.rate + step * (second.rate - first.rate), start + step


def pesos_election(voters: int = 10) -> Election:
    """Return a city-wide ballot in pesos: $12,000,000 and a handful of voters."""
    costs = [1_850_000, 2_300_000, 950_000, 3_100_000, 1_200_000, 640_000, 2_750_000, 410_000]
    ids = [f"P{i}" for i in range(1, len(costs) + 1)]
    named = ["P1,P2,P3", "P2,P4", "P5,P6", "P1,P7,P8", "P3,P5", "P6,P8", "P2,P3,P7"]
    ballots = [Ballot(tuple(named[v % len(named)].split(","))) for v in range(voters)]
    projects = tuple(Project(i, c) for i, c in zip(ids, costs, strict=True))
    return Election(12_000_000, BallotKind.APPROVAL, projects, tuple(ballots))


def test_a_peso_budget_takes_a_few_runs_not_one_per_peso(monkeypatch):
    election = pesos_election()
    runner = runner_for(election)
    runs = []
    original = type(runner).run
    monkeypatch.setattr(type(runner), "run", lambda self, b: runs.append(b) or original(self, b))
    outcome = equal_shares(election, VARIANTS["add1"])
    assert outcome.add1_steps > 100_000  # the one-peso loop would run Equal Shares this often
    assert len(runs) < 200
    assert sum(p.cost for p in election.projects if p.id in outcome.winners) <= election.budget


@pytest.mark.parametrize(
    ("a", "s", "start", "strict", "first"),
    [
        pytest.param(10, -3, 1, False, 4, id="holds-up-to-the-root"),  # 10 - 3t >= 0 to 3.33
        pytest.param(9, -3, 1, False, 4, id="holds-at-a-whole-root"),  # 9 - 3t >= 0 at t = 3
        pytest.param(9, -3, 1, True, 3, id="strict-fails-at-a-whole-root"),
        pytest.param(10, -3, 1, True, 4, id="strict-fails-after-the-root"),
        pytest.param(5, 0, 1, True, None, id="flat-never-fails"),
        pytest.param(-5, 2, 3, False, None, id="rising-never-fails"),
    ],
)
def test_first_failure_of_an_affine_condition(a, s, start, strict, first):
    assert first_failure(a, s, start, strict) == first


def test_first_failure_refuses_a_condition_false_at_the_start():
    with pytest.raises(ArithmeticError):
        first_failure(-1, -1, 0, strict=False)
