"""Pabulib files in and out: `flask pb-import`, and the .pb export of a ballot."""

import json
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from participa.audit.models import AuditEvent
from participa.budgets import counting, outcomes, pb_io
from participa.budgets.models import (
    BallotRule,
    CountingRule,
    GreedyVariant,
    MesCompletion,
    PbBallot,
    PbParticipation,
    PbVote,
    PbVoteItem,
    ProjectStatus,
)
from participa.budgets.pb_io import export_pb
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.tally import pb
from participa.tally.pabulib import parse_pabulib, read_pabulib
from tests.budgets.test_counting import APPROVAL_VOTES, add_votes, count, seed_ballot

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"no Pabulib files in {DATA}")

SMALL = """META
key;value
description;Four neighbours
budget;40
vote_type;{vote_type}
rule;greedy-no-skip
max_sum_points;10
PROJECTS
project_id;cost;name;category
10;20;"Park; trees";parks
9;20;Lights;streets
C;{cost_c};Bench;None
VOTES
voter_id;vote;points
v1;{vote_a}
v2;{vote_a}
v3;{vote_a}
v4;C;{points_c}
"""


def small(tmp_path, vote_type="approval", cost_c="10", budget="40"):
    vote_a = {"approval": "10,9", "cumulative": "10,9;6,4", "ordinal": "9,10"}[vote_type]
    text = SMALL.format(
        vote_type=vote_type,
        cost_c=cost_c,
        vote_a=vote_a,
        points_c="10" if vote_type == "cumulative" else "",
    ).replace("budget;40", f"budget;{budget}")
    path = tmp_path / "small.pb"
    path.write_text(text, encoding="utf-8")
    return path


def pb_import(runner, path, *options):
    return runner.invoke(args=["pb-import", str(path), *options])


def only(model):
    return db.session.execute(db.select(model)).scalar_one()


def count_rows(model) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_import_creates_a_closed_process_with_its_ballot_projects_and_votes(runner, tmp_path):
    result = pb_import(runner, small(tmp_path), "--title", "PP de prueba")
    assert result.exit_code == 0, result.output
    process = only(Process)
    assert f"Process {process.id} created" in result.output
    assert "3 projects, 4 voters" in result.output
    assert (process.type, process.status, process.title) == (
        ProcessType.PRESUPUESTO,
        ProcessStatus.CLOSED,
        "PP de prueba",
    )
    ballot = only(PbBallot)
    assert (ballot.amount, ballot.rule, ballot.max_choices, ballot.min_choices) == (
        40,
        BallotRule.APPROVAL,
        3,
        0,
    )
    assert (ballot.counting_rule, ballot.greedy_variant) == (
        CountingRule.GREEDY,
        GreedyVariant.NO_SKIP,
    )
    # Stored in the order of the file's ids ("9" before "10" before "C"), all feasible.
    assert [(p.title, p.cost, p.category, p.status) for p in ballot.projects] == [
        ("Lights", 20, "streets", ProjectStatus.FEASIBLE),
        ("Park; trees", 20, "parks", ProjectStatus.FEASIBLE),
        ("Bench", 10, "", ProjectStatus.FEASIBLE),
    ]
    keys = db.session.execute(db.select(PbParticipation.voter_key, PbParticipation.user_id))
    assert sorted(keys) == [(f"pabulib:small:v{n}", None) for n in range(1, 5)]
    assert (count_rows(PbVote), count_rows(PbVoteItem)) == (4, 7)
    event = db.session.execute(db.select(AuditEvent).where(AuditEvent.action == "pb.import"))
    assert json.loads(event.scalar_one().details)["voters"] == 4


def winners_by_title(ballot, rule):
    titles = {p.id: p.title for p in ballot.projects}
    return [titles[w] for w in counting.count(ballot, rule).winners]


@pytest.mark.parametrize(
    ("vote_type", "rule", "points", "greedy"),
    [
        ("approval", BallotRule.APPROVAL, None, ["Lights", "Park; trees"]),
        ("cumulative", BallotRule.CUMULATIVE, 10, ["Park; trees", "Lights"]),  # 18 vs 12 points
        ("ordinal", BallotRule.RANKING, None, ["Lights", "Park; trees"]),
    ],
)
def test_import_keeps_the_vote_type_and_counts_like_the_file(
    runner, tmp_path, vote_type, rule, points, greedy
):
    path = small(tmp_path, vote_type)
    assert pb_import(runner, path).exit_code == 0
    ballot = only(PbBallot)
    assert (ballot.rule, ballot.points) == (rule, points)
    assert winners_by_title(ballot, CountingRule.GREEDY) == greedy
    election = read_pabulib(path)
    names = {p.id: p.name for p in election.projects}
    assert [names[w] for w in pb.greedy_for_meta(election).winners] == greedy


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"budget": "40.5"}, "budget must be a whole number"),
        ({"cost_c": "10.5"}, "costs must be whole numbers"),
        ({"cost_c": "0"}, "must cost more than zero"),
    ],
)
def test_import_refuses_fractional_amounts_and_stores_nothing(runner, tmp_path, change, message):
    result = pb_import(runner, small(tmp_path, **change))
    assert result.exit_code != 0
    assert "small.pb" in result.output
    assert count_rows(Process) == count_rows(PbVote) == 0


def test_import_reports_missing_and_garbage_files(runner, tmp_path):
    result = pb_import(runner, tmp_path / "missing.pb")
    assert result.exit_code != 0 and "cannot read" in result.output
    garbage = tmp_path / "garbage.pb"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    result = pb_import(runner, garbage)
    assert result.exit_code != 0 and "cannot read" in result.output
    garbage.write_text("just;some\ncsv;text\n", encoding="utf-8")
    result = pb_import(runner, garbage)
    assert result.exit_code != 0 and "META" in result.output
    assert count_rows(Process) == 0


# --- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "votes"),
    [
        (BallotRule.APPROVAL, APPROVAL_VOTES),
        (BallotRule.CUMULATIVE, [{"A": 6, "B": 4}, {"A": 5, "B": 5}, {"B": 10}, {"C": 10}]),
        (BallotRule.RANKING, [("A", "B", "C"), ("B", "A"), ("C",)]),
    ],
)
def test_export_reparses_to_the_same_winners(make, rule, votes):
    ballot = seed_ballot(make, rule, costs={"A": 20, "B": 20, "C": 10, "X": 0})
    ballot.greedy_variant = GreedyVariant.NO_SKIP
    ballot.mes_completion = MesCompletion.ADD1U
    add_votes(ballot, votes)
    text = export_pb(ballot)
    election = parse_pabulib(text)
    assert election.meta["country"] == "Mexico"
    assert (election.meta["unit"], election.meta["instance"]) == ("PP 2027", "Todo el municipio")
    assert election.meta["rule"] == "greedy-no-skip"
    assert [p.name for p in election.projects] == ["A", "B", "C"]  # not the unfeasible X
    assert [b.voter_id for b in election.ballots] == [str(n) for n in range(1, len(votes) + 1)]
    greedy = counting.count(ballot, CountingRule.GREEDY).winners
    assert pb.greedy_for_meta(election).winners == tuple(str(w) for w in greedy)
    if rule is not BallotRule.RANKING:
        mes = counting.count(ballot, CountingRule.MES).winners
        settings = counting.mes_settings(ballot)
        assert pb.equal_shares(election, settings).winners == tuple(str(w) for w in mes)


def test_export_marks_the_saved_winners(make):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    count(ballot)
    outcomes.save_outcome(make.user(), ballot, "mes")
    election = parse_pabulib(export_pb(ballot))
    assert {p.name: p.extra["selected"] for p in election.projects} == {
        "A": "1",
        "B": "0",
        "C": "1",
    }
    assert re.search(r"^vote_type;approval$", export_pb(ballot), re.M)


def test_export_of_a_manual_decision_says_so(make):
    ballot = seed_ballot(make)  # counted greedily: A and B
    add_votes(ballot, APPROVAL_VOTES)
    chosen = {p.title: p.id for p in ballot.projects}
    why = "The council prefers the bench: it serves the school entrance."
    outcomes.save_outcome(make.user(), ballot, "manual", [chosen["C"], chosen["A"]], why)
    election = parse_pabulib(export_pb(ballot))
    assert election.meta["rule"] == "manual"
    assert election.meta["comment"].startswith("#1: ")  # Pabulib's numbered remarks
    selected = {p.name for p in election.projects if p.extra["selected"] == "1"}
    assert selected == {"A", "C"} != set(pb.greedy(election).winners)


def test_export_names_the_rule_of_the_saved_result(make):
    ballot = seed_ballot(make)  # configured to count greedily
    add_votes(ballot, APPROVAL_VOTES)
    assert parse_pabulib(export_pb(ballot)).meta["rule"] == "greedy"
    count(ballot)  # a rule's result is saved from a stored count
    outcomes.save_outcome(make.user(), ballot, "mes")
    assert parse_pabulib(export_pb(ballot)).meta["rule"] == "equalshares/add1"


def test_import_then_export_round_trips(runner, tmp_path):
    path = small(tmp_path, "cumulative")
    pb_import(runner, path)
    again = parse_pabulib(export_pb(only(PbBallot)))
    original = read_pabulib(path)
    assert again.budget == original.budget and again.kind is original.kind
    assert sorted(sorted(zip(b.projects, b.points, strict=True)) for b in again.ballots) == sorted(
        sorted(zip(b.projects, b.points, strict=True)) for b in _renamed(original, again)
    )


def _renamed(original, again):
    by_name = {p.name: p.id for p in again.projects}
    ids = {p.id: by_name[p.name] for p in original.projects}
    return [pb.Ballot(tuple(ids[p] for p in b.projects), b.points) for b in original.ballots]


# --- the real files --------------------------------------------------------------------------

REAL = [
    "Netherlands_Assen_2024",
    "Poland_Czestochowa_2020_Grabowka",
    "Poland_Swiecie_2023",
    "Poland_Warszawa_2023_Rembertow",
    "Switzerland_Zurich_D10",
    "Switzerland_Zurich_S5",
    "Poland_Warszawa_2023_Mokotow",  # 11,067 voters: greedy only, Equal Shares is benchmarked
]


def expected_mes(expected: dict) -> list[str] | None:
    if "mes_cost_utility" in expected:
        return expected["mes_cost_utility"]["add1_no_exhaustive_stop"]["add1_only"]
    return expected["mes_pabutools_cost_sat_approval_view"]["add1"]  # cumulative files


@needs_data
@pytest.mark.parametrize("name", REAL)
def test_real_files_import_and_count_to_the_expected_winners(runner, name):
    started = time.perf_counter()
    result = pb_import(runner, DATA / f"{name}.pb")
    assert result.exit_code == 0, result.output
    expected = json.loads((DATA / "expected" / f"{name}.expected.json").read_text())
    ballot = only(PbBallot)
    assert count_rows(PbParticipation) == expected["num_votes"]
    ballot.greedy_variant = GreedyVariant.PLAIN
    ballot.mes_completion, ballot.mes_exhaustive_stop = MesCompletion.ADD1, False
    back = {p.id: p.description.rsplit("project_id: ", 1)[1] for p in ballot.projects}
    greedy = counting.count(ballot, CountingRule.GREEDY)
    assert sorted(back[w] for w in greedy.winners) == sorted(expected["greedy_plain"]["winners"])
    if name.endswith("Mokotow"):
        assert time.perf_counter() - started < 60
        return
    mes = counting.count(ballot, CountingRule.MES)
    assert sorted(back[w] for w in mes.winners) == sorted(expected_mes(expected))


@needs_data
@pytest.mark.parametrize("name", ["Poland_Zabrze_2020_Helenka", "Netherlands_Amsterdam_604"])
def test_files_kept_for_the_reader_import_and_count_like_the_tally(runner, name):
    # choose-1 votes, and a vote naming a project twice (stored once)
    result = pb_import(runner, DATA / f"{name}.pb")
    assert result.exit_code == 0, result.output
    election = read_pabulib(DATA / f"{name}.pb")
    ballot = only(PbBallot)
    assert count_rows(PbParticipation) == len(election.ballots)
    back = {p.id: p.description.rsplit("project_id: ", 1)[1] for p in ballot.projects}
    for rule, counted in [
        (CountingRule.GREEDY, pb.greedy(election)),
        (CountingRule.MES, pb.equal_shares(election, counting.mes_settings(ballot))),
    ]:
        winners = counting.count(ballot, rule).winners
        assert sorted(back[w] for w in winners) == sorted(counted.winners)


def test_imported_participations_keep_the_hour_only(app, tmp_path):
    """Like every "who took part" time (core.timeutil.to_hour): no order of arrival."""
    election = read_pabulib(small(tmp_path))
    now = datetime(2026, 12, 1, 17, 42, 13, 512, tzinfo=UTC)
    pb_io.import_election(None, election, stem="small", now=now)
    times = db.session.execute(db.select(PbParticipation.created_at)).scalars().all()
    assert len(times) == 4
    assert {t.replace(tzinfo=UTC) for t in times} == {datetime(2026, 12, 1, 17, tzinfo=UTC)}
