"""The `flask pb-results` command counts Pabulib files and prints JSON lines, database untouched."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa

from participa.extensions import db
from tests.conftest import _make_app

ROOT = Path(__file__).resolve().parents[1]
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
        pytest.param(["missing.pb", "--rule", "mes"], "No such file", id="missing-file"),
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


def test_counts_several_files_and_folders_one_line_each(runner, small_file, tmp_path):
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "b.pb").write_text(SMALL.replace("budget;40", "budget;20"), encoding="utf-8")
    (folder / "a.pb").write_text(SMALL.replace("2;A,B", "2;A,B,A"), encoding="utf-8")
    (folder / "notes.txt").write_text("not a .pb file", encoding="utf-8")
    result = runner.invoke(args=["pb-results", str(small_file), str(folder), "--rule", "greedy"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [Path(line["file"]).name for line in lines] == ["small.pb", "a.pb", "b.pb"]
    assert [line["winners"] for line in lines] == [["A", "B"], ["A", "B"], ["A"]]
    assert lines[1]["warnings"] == ["1 vote named a project more than once: counted once (line 17)"]


def test_a_bad_file_gives_its_line_and_the_others_go_on(runner, small_file, tmp_path):
    broken = tmp_path / "broken.pb"
    broken.write_text(SMALL.replace("2;A,B", "2;A,Z"), encoding="utf-8")
    result = runner.invoke(args=["pb-results", str(broken), str(small_file), "--rule", "mes"])
    assert result.exit_code == 1
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert first == {
        "file": str(broken),
        "error": "line 17: vote names unknown projects ['Z']",
        "line": 17,
    }
    assert second["winners"] == ["A", "C"]


def test_the_plugin_command_counts_without_loading_the_app(small_file, tmp_path):
    # What `pip install -e .` writes for pyproject's flask.commands entry point, on its own:
    # Flask finds the command before it loads the app, so no database code is imported.
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = declared["project"]["entry-points"]["flask.commands"]["pb-results"]
    info = tmp_path / "site" / "participa_probe-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: participa-probe\nVersion: 0\n")
    (info / "entry_points.txt").write_text(f"[flask.commands]\npb-results = {target}\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(info.parent), str(ROOT)])}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "flask", "--app", "app", "pb-results"]
        + [str(small_file), "--rule", "greedy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout)["winners"] == ["A", "B"]
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "participa.tally.count_files" in imported  # counted by the plugin
    app_modules = ("sqlalchemy", "flask_sqlalchemy", "participa.factory", "participa.budgets")
    assert [m for m in imported if m.startswith(app_modules)] == []
