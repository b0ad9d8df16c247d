"""Time Participa's PB counting (greedy, Equal Shares Add1) against pabutools.

Run: .venv/bin/python bench/pb_counting.py [--with-slow] [--data DIR] [--skip-pabutools]
     .venv/bin/python bench/pb_counting.py --only pesos [--with-slow]
Prints figures; asserts nothing. The public files are read from ../shared/data/pabulib
(next to the repository) unless --data says otherwise. The peso-scale elections (a few
voters, millions of pesos: a ballot whose voting has just begun) are timed with Add1's
jumps; --with-slow also runs the one-peso-at-a-time loop (minutes: its winners, budget and
steps must be the same) and pabutools there, and pabutools' Equal Shares on Mokotow (about
ten minutes).
"""

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from participa.tally.pabulib import read_pabulib, write_pabulib
from participa.tally.pb import (
    Ballot,
    BallotKind,
    Completion,
    Election,
    MesSettings,
    Project,
    equal_shares,
    greedy,
)
from participa.tally.pb.mes import runner_for

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "pabulib"
SLOW_FOR_PABUTOOLS = {"Poland_Warszawa_2023_Mokotow"}  # pabutools Add1: about ten minutes


def timed(action: Callable) -> tuple[float, object]:
    """Return the seconds action took and its result."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def synthetic(voters: int, projects: int, seed: int = 7) -> Election:
    """Return an approval election with popular and unpopular projects, 1-8 per ballot."""
    rng = np.random.default_rng(seed)
    popularity = np.log(rng.pareto(1.5, projects) + 0.2)
    costs = rng.integers(20, 600, projects) * 10_000
    ids = [str(i + 1) for i in range(projects)]
    ballots = []
    for start in range(0, voters, 100_000):
        size = min(100_000, voters - start)
        # Gumbel top-k: each row's first k columns are a popularity-weighted sample.
        keys = popularity + rng.gumbel(size=(size, projects))
        order = np.argsort(-keys, axis=1)
        for row, k in zip(order.tolist(), rng.integers(1, 9, size).tolist(), strict=True):
            ballots.append(Ballot(tuple(ids[i] for i in sorted(row[:k]))))
    return Election(
        budget=int(costs.sum()) * 2 // 5,
        kind=BallotKind.APPROVAL,
        projects=tuple(Project(i, int(c)) for i, c in zip(ids, costs, strict=True)),
        ballots=tuple(ballots),
    )


def best_of(runs: int, action: Callable) -> float:
    """Return the shortest of several timings, the least disturbed by other processes."""
    return min(timed(action)[0] for _ in range(runs))


def ours(path: Path) -> dict[str, float]:
    """Time our parser, greedy and both Add1 variants on one file."""
    parse, election = timed(lambda: read_pabulib(path))
    stop = MesSettings(Completion.ADD1, exhaustive_stop=True)
    return {
        "parse": parse,
        "greedy": best_of(3, lambda: greedy(election)),
        "add1": timed(lambda: equal_shares(election, MesSettings(Completion.ADD1)))[0],
        "add1-stop": timed(lambda: equal_shares(election, stop))[0],
    }


def theirs(path: Path, approval: bool, with_add1: bool) -> dict[str, float]:
    """Time pabutools' parser, greedy (approval only) and Add1 with exhaustive stop."""
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

    parse, (instance, profile) = timed(lambda: parse_pabulib(str(path)))
    found = {"parse": parse}
    if approval:
        # Cost satisfaction per unit of cost is the number of approvals: the standard method.
        found["greedy"] = timed(
            lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
        )[0]
    if with_add1:
        found["add1-stop"] = timed(
            lambda: method_of_equal_shares(
                instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
            )
        )[0]
    return found


def bench_files(data: Path, with_slow: bool, skip_pabutools: bool) -> None:
    """Print timings on every public file, ours and pabutools', with the speed-ups."""
    print("seconds; add1 = Add1 without exhaustive stop (official), add1-stop = with it")
    print(
        f"{'file':34} {'voters':>6} | {'parse':>6} {'greedy':>7} {'add1':>7} {'add1-stop':>9} "
        f"| pabutools {'parse':>6} {'greedy':>7} {'add1-stop':>9} | {'greedy':>7} {'add1':>7}"
    )
    for path in sorted(data.glob("*.pb")):
        election = read_pabulib(path)
        approval = election.kind is BallotKind.APPROVAL
        mine = ours(path)
        slow = path.stem in SLOW_FOR_PABUTOOLS and not with_slow
        other = {} if skip_pabutools else theirs(path, approval, with_add1=not slow)
        cells = [cell(other.get(k)) for k in ("parse", "greedy", "add1-stop")]
        if slow and not skip_pabutools:
            cells[2] = f"{'--with-slow':>9}"
        print(
            f"{path.stem[:34]:34} {len(election.ballots):6} | {mine['parse']:6.3f} "
            f"{mine['greedy']:7.4f} {mine['add1']:7.2f} {mine['add1-stop']:9.2f} "
            f"| {'':9} {cells[0]:>6} {cells[1]:>7} {cells[2]:>9} "
            f"| {ratio(other.get('greedy'), mine['greedy']):>7} "
            f"{ratio(other.get('add1-stop'), mine['add1-stop']):>7}"
        )


def cell(seconds: float | None) -> str:
    """Format a timing, or '-' when there is none."""
    return "-" if seconds is None else f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"


def ratio(theirs_: float | None, ours_: float) -> str:
    """Format how many times faster we are."""
    return "-" if theirs_ is None else f"{theirs_ / ours_:.0f}x"


def bench_synthetic() -> None:
    """Print the timings on large synthetic approval elections."""
    build, big = timed(lambda: synthetic(1_000_000, 50))
    seconds, outcome = timed(lambda: greedy(big))
    print(
        f"greedy, 1,000,000 ballots x 50 projects: {seconds:.2f} s "
        f"({len(outcome.winners)} winners; building the ballots took {build:.1f} s)"
    )
    medium = synthetic(60_000, 50, seed=11)
    for exhaustive in (False, True):
        settings = MesSettings(Completion.ADD1, exhaustive_stop=exhaustive)
        seconds, outcome = timed(lambda s=settings: equal_shares(medium, s))
        print(
            f"Equal Shares Add1{' (exhaustive stop)' if exhaustive else ''}, 60,000 voters x 50"
            f" projects: {seconds:.2f} s ({outcome.add1_steps} steps, per-voter budget"
            f" {outcome.per_voter_budget}, {len(outcome.winners)} winners)"
        )


def pesos(voters: int, projects: int, budget: int, seed: int = 7) -> Election:
    """Return an approval election in whole pesos: projects of 150,000 to 3,500,000."""
    rng = np.random.default_rng(seed)
    popularity = np.log(rng.pareto(1.5, projects) + 0.2)
    costs = rng.integers(150_000, 3_500_000, projects)
    ids = [str(i + 1) for i in range(projects)]
    keys = popularity + rng.gumbel(size=(voters, projects))
    order = np.argsort(-keys, axis=1).tolist()
    sizes = rng.integers(1, 9, voters).tolist()
    ballots = [
        Ballot(tuple(ids[i] for i in sorted(row[:k]))) for row, k in zip(order, sizes, strict=True)
    ]
    return Election(
        budget=budget,
        kind=BallotKind.APPROVAL,
        projects=tuple(Project(i, int(c)) for i, c in zip(ids, costs, strict=True)),
        ballots=tuple(ballots),
    )


PESOS = [(10, 24, 12_000_000), (300, 50, 50_000_000)]  # voters, projects, budget


def one_peso_loop(election: Election, settings: MesSettings) -> tuple[tuple[str, ...], int, int]:
    """Return Add1's winners, per-voter budget and steps by its definition: one peso a step."""
    runner = runner_for(election)
    ids = [p.id for p in election.projects]
    per_voter, steps = election.budget // len(election.ballots), 0
    result = runner.run(per_voter)
    while not set(runner.eligible) <= set(result.selected):
        left = election.budget - result.cost
        if settings.exhaustive_stop and all(
            runner.costs[j] > left for j in runner.eligible if j not in result.selected
        ):
            break
        following = runner.run(per_voter + 1)
        steps += 1
        if following.cost > election.budget:
            break
        per_voter, result = per_voter + 1, following
    return tuple(ids[j] for j in result.selected), per_voter, steps


def bench_pesos(with_slow: bool, skip_pabutools: bool) -> None:
    """Print Add1 on peso-scale elections; with_slow: against the loop and pabutools."""
    for voters, projects, budget in PESOS:
        election = pesos(voters, projects, budget)
        for exhaustive in (False, True):
            settings = MesSettings(Completion.ADD1, exhaustive_stop=exhaustive)
            bench_peso_case(election, settings, with_slow, with_slow and not skip_pabutools)


def bench_peso_case(election: Election, settings: MesSettings, loop: bool, pabutools: bool):
    """Print one peso-scale count, and the slow references asked for."""
    best = best_of(3, lambda: equal_shares(election, settings))
    outcome = equal_shares(election, settings)
    stop = " (exhaustive stop)" if settings.exhaustive_stop else ""
    print(
        f"Equal Shares Add1{stop}, {len(election.ballots)} voters x {len(election.projects)}"
        f" projects, ${election.budget:,}: {best:.3f} s ({outcome.add1_steps:,} steps,"
        f" per-voter budget {outcome.per_voter_budget:,}, {len(outcome.winners)} winners)"
    )
    if loop:
        seconds, found = timed(lambda: one_peso_loop(election, settings))
        same = found == (outcome.mes_winners, outcome.per_voter_budget, outcome.add1_steps)
        print(f"  one peso a step: {seconds:.1f} s; same winners, budget and steps: {same}")
    if pabutools and settings.exhaustive_stop:
        seconds, winners = timed(lambda: pabutools_add1(election))
        print(f"  pabutools: {seconds:.1f} s; same winners: {winners == set(outcome.winners)}")


def pabutools_add1(election: Election) -> set[str]:
    """Return pabutools' Add1 (exhaustive stop) winners for an approval election."""
    from pabutools.election import Cost_Sat
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import method_of_equal_shares

    instance, profile = parse_pabulib_from_string(write_pabulib(election))
    found = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
    return {project.name for project in found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-slow", action="store_true", help="pabutools MES on Mokotow too")
    parser.add_argument("--skip-pabutools", action="store_true")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--only", choices=["files", "pesos", "synthetic"], help="one part only")
    args = parser.parse_args()
    machine = platform.processor() or platform.machine()
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}, {machine}")
    if args.only in (None, "files"):
        if args.data.is_dir():
            bench_files(args.data, args.with_slow, args.skip_pabutools)
        else:
            print(f"no Pabulib files at {args.data}; public-file timings skipped")
    if args.only in (None, "pesos"):
        bench_pesos(args.with_slow, args.skip_pabutools)
    if args.only in (None, "synthetic"):
        bench_synthetic()


if __name__ == "__main__":
    main()
