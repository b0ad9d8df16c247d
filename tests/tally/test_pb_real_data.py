"""Count the public Pabulib elections and compare with the published winners and pabutools.

The files live outside the repository, in ../shared/data/pabulib next to it (never copy
them in); every rule variant in expected/NAME.expected.json is checked. pabutools (GPL,
a test-only reference) runs only where it is quick.
"""

import json
from functools import cache
from pathlib import Path

import pytest

from participa.tally.pabulib import read_pabulib
from participa.tally.pb import (
    BallotKind,
    Completion,
    Election,
    MesOutcome,
    MesSettings,
    equal_shares,
    greedy,
    greedy_for_meta,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"
# Only files with published winners (expected/NAME.expected.json) are compared here; the
# library also holds files kept to exercise the reader alone (see its README).
FILES = (
    sorted(p for p in DATA.glob("*.pb") if (DATA / "expected" / f"{p.stem}.expected.json").exists())
    if DATA.is_dir()
    else []
)
PABUTOOLS_MAX_VOTERS = 300  # pabutools' Add1 takes seconds per file from here on
PABUTOOLS_SKIP = {"Poland_Warszawa_2023_Mokotow"}  # about ten minutes in pabutools

pytestmark = pytest.mark.skipif(not FILES, reason=f"no Pabulib files in {DATA}")


@cache
def election(stem: str) -> Election:
    """Parse one public file once."""
    return read_pabulib(DATA / f"{stem}.pb")


@cache
def expected(stem: str) -> dict:
    """Load the published winners of one file."""
    return json.loads((DATA / "expected" / f"{stem}.expected.json").read_text(encoding="utf-8"))


@cache
def add1(stem: str, exhaustive_stop: bool) -> MesOutcome:
    """Count Add1u with the comparison once; it also reports the Add1-only winners."""
    settings = MesSettings(Completion.ADD1U, exhaustive_stop=exhaustive_stop, comparison=True)
    return equal_shares(election(stem), settings)


def stems(having: str | None = None) -> list[str]:
    """Return the public files, keeping those whose expected json has the key."""
    return [p.stem for p in FILES if having is None or having in expected(p.stem)]


def total(stem: str, winners) -> int:
    """Return the cost of a set of winners."""
    costs = {p.id: p.cost for p in election(stem).projects}
    return sum(costs[w] for w in winners)


@pytest.mark.parametrize("stem", stems())
def test_file_matches_its_summary(stem):
    data, summary = election(stem), expected(stem)
    assert len(data.ballots) == summary["num_votes"]
    assert len(data.projects) == summary["num_projects"]
    assert data.budget == summary["budget"]
    assert data.kind == summary["vote_type"]


@pytest.mark.parametrize("stem", stems())
def test_greedy(stem):
    plain, by_meta = greedy(election(stem)), greedy_for_meta(election(stem))
    assert set(plain.winners) == set(expected(stem)["greedy_plain"]["winners"])
    assert plain.cost == expected(stem)["greedy_plain"]["cost"]
    assert set(by_meta.winners) == set(expected(stem)["greedy_meta_rule_variant"]["winners"])


@pytest.mark.parametrize("stem", stems("mes_cost_utility"))
def test_equal_shares_plain(stem):
    outcome = equal_shares(election(stem), MesSettings(Completion.NONE))
    want = expected(stem)["mes_cost_utility"]["plain"]
    assert set(outcome.winners) == set(want["winners"])
    assert outcome.cost == want["cost"]


@pytest.mark.parametrize("exhaustive_stop", [False, True], ids=["no-stop", "exhaustive-stop"])
@pytest.mark.parametrize("stem", stems("mes_cost_utility"))
def test_equal_shares_add1(stem, exhaustive_stop):
    key = "add1_exhaustive_stop" if exhaustive_stop else "add1_no_exhaustive_stop"
    want = expected(stem)["mes_cost_utility"][key]
    outcome = add1(stem, exhaustive_stop)
    assert set(outcome.mes_winners) == set(want["add1_only"])
    assert total(stem, outcome.mes_winners) == want["add1_only_cost"]
    assert str(outcome.per_voter_budget) == want["final_per_voter_budget"]
    assert outcome.add1_steps == want["add1_iterations"]
    assert set(outcome.mes_winners + outcome.filled) == set(want["add1u"])
    assert total(stem, outcome.mes_winners + outcome.filled) == want["add1u_cost"]
    assert outcome.comparison.prefers_mes == want["comparison"]["prefers_mes"]
    assert outcome.comparison.prefers_greedy == want["comparison"]["prefers_greedy"]
    assert set(outcome.winners) == set(want["add1u_with_comparison"])


OFFICIAL_MES = [s for s in stems() if expected(s)["meta_rule"] == "equalshares/add1"]


@pytest.mark.parametrize("stem", OFFICIAL_MES)
def test_official_equal_shares_results(stem):
    # Cities that used Equal Shares published the Add1 (no exhaustive stop) winners.
    winners = add1(stem, exhaustive_stop=False).mes_winners
    assert set(winners) == set(expected(stem)["file_selected"])


@pytest.mark.parametrize("stem", stems("mes_pabutools_cost_sat_approval_view"))
def test_equal_shares_on_points_counts_named_projects(stem):
    want = expected(stem)["mes_pabutools_cost_sat_approval_view"]
    assert election(stem).kind is BallotKind.CUMULATIVE
    plain = equal_shares(election(stem), MesSettings(Completion.NONE))
    assert set(plain.winners) == set(want["plain"])
    filled = add1(stem, exhaustive_stop=True)
    assert set(filled.mes_winners) == set(want["add1"])
    assert set(filled.mes_winners + filled.filled) == set(want["add1u"])


# --- pabutools, the independent reference ---------------------------------------------


def pabutools_stems(max_voters: int | None = None) -> list[str]:
    """Return the files pabutools counts quickly enough for the default suite."""
    return [
        stem
        for stem in stems()
        if stem not in PABUTOOLS_SKIP
        and (max_voters is None or expected(stem)["num_votes"] <= max_voters)
    ]


@cache
def pabutools_election(stem: str):
    """Parse one file with pabutools."""
    pabutools = pytest.importorskip("pabutools.election")
    return pabutools.parse_pabulib(str(DATA / f"{stem}.pb"))


def names(allocation) -> set[str]:
    """Return the project ids of a pabutools allocation."""
    return {project.name for project in allocation}


# pabutools has no greedy by points, only by approvals.
@pytest.mark.parametrize(
    "stem", [s for s in pabutools_stems() if expected(s)["vote_type"] == "approval"]
)
def test_greedy_matches_pabutools(stem):
    rules = pytest.importorskip("pabutools.rules")
    from pabutools.election import Cost_Sat

    instance, profile = pabutools_election(stem)
    # Cost satisfaction per unit of cost is the number of approvals: the standard method.
    theirs = rules.greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    assert set(greedy(election(stem)).winners) == names(theirs)


@pytest.mark.parametrize("stem", pabutools_stems())
def test_plain_equal_shares_matches_pabutools(stem):
    rules = pytest.importorskip("pabutools.rules")
    from pabutools.election import Cost_Sat

    instance, profile = pabutools_election(stem)
    theirs = rules.method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    ours = equal_shares(election(stem), MesSettings(Completion.NONE))
    assert set(ours.winners) == names(theirs)


@pytest.mark.parametrize("stem", pabutools_stems(PABUTOOLS_MAX_VOTERS))
def test_add1_exhaustive_stop_matches_pabutools(stem):
    rules = pytest.importorskip("pabutools.rules")
    from pabutools.election import Cost_Sat

    instance, profile = pabutools_election(stem)
    theirs = rules.method_of_equal_shares(
        instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
    )
    assert set(add1(stem, exhaustive_stop=True).mes_winners) == names(theirs)
