"""Every file of the Pabulib folder reads and counts as pabutools counts it.

The files live outside the repository, in ../shared/data/pabulib next to it (never copy them
in). Unlike test_pb_real_data.py, which compares the files with published winners, this
takes every .pb there, those kept to exercise the reader included: the choose-1 vote type
(Zabrze) and a vote naming a project twice (Amsterdam). pabutools (GPL) is a test-only
reference.
"""

from functools import cache
from pathlib import Path

import pytest

from participa.tally.pabulib import read_pabulib
from participa.tally.pb import BallotKind, Completion, Election, MesSettings, equal_shares, greedy

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"
FILES = sorted(DATA.glob("*.pb")) if DATA.is_dir() else []
ZABRZE, AMSTERDAM = "Poland_Zabrze_2020_Helenka", "Netherlands_Amsterdam_604"

pytestmark = pytest.mark.skipif(not FILES, reason=f"no Pabulib files in {DATA}")


@cache
def election(stem: str) -> Election:
    """Parse one file once."""
    return read_pabulib(DATA / f"{stem}.pb")


@cache
def reference(stem: str):
    """Parse one file once with pabutools."""
    pabutools = pytest.importorskip("pabutools.election")
    return pabutools.parse_pabulib(str(DATA / f"{stem}.pb"))


def names(allocation) -> set[str]:
    """Return the project ids of a pabutools allocation."""
    return {project.name for project in allocation}


def satisfaction(kind: BallotKind):
    """Return the pabutools satisfaction whose greedy rule is the standard method."""
    satisfaction = pytest.importorskip("pabutools.election.satisfaction")
    if kind is BallotKind.APPROVAL:
        return satisfaction.Cost_Sat  # cost per unit of cost: the number of approvals
    if kind is BallotKind.ORDINAL:
        pytest.skip("pabutools has no greedy by rank points")

    class PointsCostSat(satisfaction.AdditiveSatisfaction):
        """Points times cost: per unit of cost, the points (greedy by points)."""

        def __init__(self, instance, profile, ballot):
            def points(instance, profile, ballot, project, precomputed):
                return ballot.get(project, 0) * project.cost

            super().__init__(instance, profile, ballot, points)

    return PointsCostSat


def stems(*wanted: str) -> list[str]:
    """Return the stems of the files present, all or those wanted."""
    present = [p.stem for p in FILES]
    return [s for s in present if not wanted or s in wanted]


@pytest.mark.parametrize("stem", stems())
def test_every_file_reads_like_pabutools_reads_it(stem):
    instance, profile = reference(stem)
    data = election(stem)
    assert (len(data.projects), len(data.ballots)) == (len(instance), len(profile))
    assert data.budget == instance.budget_limit
    costs = {project.name: project.cost for project in instance}
    assert {p.id: p.cost for p in data.projects} == costs


@pytest.mark.parametrize("stem", stems())
def test_every_file_gives_pabutools_greedy_winners(stem):
    rules = pytest.importorskip("pabutools.rules")
    instance, profile = reference(stem)
    sat = satisfaction(election(stem).kind)
    theirs = rules.greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    assert set(greedy(election(stem)).winners) == names(theirs)


# --- the two files kept for the reader --------------------------------------------


def test_choose_one_reads_as_one_approval_per_voter():
    if not stems(ZABRZE):
        pytest.skip(f"{ZABRZE}.pb is not in {DATA}")
    data = election(ZABRZE)
    assert data.meta["vote_type"] == "choose-1" and data.kind is BallotKind.APPROVAL
    assert {len(b.projects) for b in data.ballots} == {1}
    assert greedy(data).winners == ("P0077",)  # the README's pabutools 1.2.3 winners
    assert data.warnings == ()


def test_a_repeated_project_is_counted_once_and_reported():
    if not stems(AMSTERDAM):
        pytest.skip(f"{AMSTERDAM}.pb is not in {DATA}")
    data = election(AMSTERDAM)
    assert data.warnings == ("1 vote named a project more than once: counted once (line 1927)",)
    # The README's pabutools 1.2.3 greedy winners: every project but 42342 and 42345.
    assert sorted(greedy(data).winners) == [
        str(i) for i in range(42340, 42364) if i not in (42342, 42345)
    ]


@pytest.mark.parametrize("stem", stems(ZABRZE, AMSTERDAM))
def test_plain_equal_shares_matches_pabutools(stem):
    rules = pytest.importorskip("pabutools.rules")
    from pabutools.election import Cost_Sat

    instance, profile = reference(stem)
    theirs = rules.method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    assert set(equal_shares(election(stem), MesSettings(Completion.NONE)).winners) == names(theirs)


def test_add1_matches_pabutools_on_zabrze():
    if not stems(ZABRZE):
        pytest.skip(f"{ZABRZE}.pb is not in {DATA}")
    rules = pytest.importorskip("pabutools.rules")
    from pabutools.election import Cost_Sat

    instance, profile = reference(ZABRZE)
    theirs = rules.method_of_equal_shares(
        instance, profile, sat_class=Cost_Sat, voter_budget_increment=1
    )
    settings = MesSettings(Completion.ADD1, exhaustive_stop=True)
    assert set(equal_shares(election(ZABRZE), settings).mes_winners) == names(theirs)


def test_add1_matches_pabutools_on_amsterdam():
    # pabutools takes about 40 s here (voter_budget_increment=1); its winners, computed
    # once with pabutools 1.2.3, are every project but 42342 and 42345.
    if not stems(AMSTERDAM):
        pytest.skip(f"{AMSTERDAM}.pb is not in {DATA}")
    settings = MesSettings(Completion.ADD1, exhaustive_stop=True)
    outcome = equal_shares(election(AMSTERDAM), settings)
    assert sorted(outcome.mes_winners) == [
        str(i) for i in range(42340, 42364) if i not in (42342, 42345)
    ]
    assert (outcome.per_voter_budget, outcome.add1_steps) == (185, 56)
