"""The `flask pb-results` command counts a Pabulib file and prints JSON, database untouched."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from participa.extensions import db
from tests.conftest import _make_app

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pabulib"

# Voters 1-3 like A and B, voter 4 likes C: greedy funds A and B, Equal Shares A and C.
SMALL = """META
key;value
description;Four neighbours
num_projects;3
num_votes;4
budget;40
vote_type;approval
rule;greedy-no-skip
PROJECTS
project_id;cost;name
A;20;"Park; trees"
B;20;Lights
C;10;Bench
VOTES
voter_id;vote
1;A,B
2;A,B
3;A,B
4;C
"""


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL, encoding="utf-8")
    return path


def run_json(runner, *args):
    """Run pb-results and return its parsed JSON output."""
    result = runner.invoke(args=["pb-results", *map(str, args)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_greedy_applies_the_file_variant(runner, small_file):
    output = run_json(runner, small_file, "--rule", "greedy")
    assert output["winners"] == ["A", "B"]
    assert output["variant"] == "greedy-no-skip"
    assert (output["budget"], output["budget_used"]) == (40, 40)


@pytest.mark.parametrize(
    ("options", "winners", "per_voter"),
    [
        pytest.param([], ["A", "C"], 13, id="add1-default"),  # at 14 B fits too: overspent
        pytest.param(["--completion", "none"], ["A", "C"], 10, id="plain"),
        pytest.param(["--completion", "add1u", "--exhaustive-stop"], ["A", "C"], 10, id="add1u"),
        pytest.param(["--completion", "none", "--comparison"], ["A", "B"], 10, id="comparison"),
    ],
)
def test_equal_shares(runner, small_file, options, winners, per_voter):
    output = run_json(runner, small_file, "--rule", "mes", *options)
    assert output["rule"] == "mes"
    assert output["winners"] == winners
    assert output["per_voter_budget"] == per_voter
    assert output["mes_winners"] == ["A", "C"]


def test_comparison_is_reported(runner, small_file):
    output = run_json(runner, small_file, "--rule", "mes", "--comparison")
    assert output["comparison"] == {"prefers_mes": 1, "prefers_greedy": 3, "greedy_chosen": True}


def test_counts_a_real_file(runner):
    path = DATA / "Netherlands_Assen_2024.pb"
    if not path.is_file():
        pytest.skip(f"no Pabulib files in {DATA}")
    output = run_json(runner, path, "--rule", "mes")
    expected = json.loads((DATA / "expected" / f"{path.stem}.expected.json").read_text())
    official = expected["mes_cost_utility"]["add1_no_exhaustive_stop"]
    assert sorted(output["winners"]) == sorted(official["add1_only"])
    assert str(output["per_voter_budget"]) == official["final_per_voter_budget"]
    assert output["budget_used"] == official["add1_only_cost"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["missing.pb", "--rule", "mes"], "does not exist", id="missing-file"),
        pytest.param(["{file}", "--rule", "phragmen"], "'phragmen' is not one of", id="bad-rule"),
        pytest.param(["{file}"], "Missing option '--rule'", id="no-rule"),
        pytest.param(["{broken}", "--rule", "greedy"], "unknown vote_type", id="unparsable"),
        pytest.param(["{file}", "--rule", "greedy", "--comparison"], "rule mes", id="mes-only"),
        pytest.param(["{file}", "--rule", "mes", "--completion", "x"], "'x'", id="completion"),
    ],
)
def test_bad_input_gives_a_message(runner, small_file, tmp_path, args, message):
    broken = tmp_path / "broken.pb"
    broken.write_text(SMALL.replace("vote_type;approval", "vote_type;poll"), encoding="utf-8")
    filled = [a.format(file=small_file, broken=broken) for a in args]
    result = runner.invoke(args=["pb-results", *filled])
    assert result.exit_code != 0
    assert message in result.output


def test_does_not_need_the_database(small_file, tmp_path):
    # Counting must work with no tables at all: an app on an empty database file (not the
    # suite's database, whose tables the other tests need, on PostgreSQL a shared schema).
    empty = _make_app(f"sqlite:///{tmp_path / 'empty.db'}", create_tables=False)
    with empty.app_context():
        result = run_json(empty.test_cli_runner(), small_file, "--rule", "greedy")
        assert result["winners"] == ["A", "B"]
        assert sa.inspect(db.engine).get_table_names() == []
        db.engine.dispose()
