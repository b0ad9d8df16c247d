"""`python -m participa.tally pb-results` counts Pabulib files without the web app."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from participa.tally.cli import main

ROOT = Path(__file__).resolve().parents[2]
WEB = ("flask", "sqlalchemy", "werkzeug", "jinja2", "flask_sqlalchemy")

# Voters 1-3 like A and B, voter 4 likes C: greedy funds A and B, Equal Shares A and C.
SMALL = """META
key;value
budget;40
vote_type;approval
PROJECTS
project_id;cost
A;20
B;20
C;10
VOTES
voter_id;vote
1;A,B
2;A,B
3;A,B
4;C
"""


@pytest.fixture
def library(tmp_path):
    """A folder with two good files and a broken one, and a good file outside it."""
    folder = tmp_path / "library"
    (folder / "more").mkdir(parents=True)
    (folder / "a.pb").write_text(SMALL, encoding="utf-8")
    (folder / "more" / "b.pb").write_text(SMALL.replace("budget;40", "budget;10"), "utf-8")
    (folder / "c.pb").write_text(SMALL.replace("C;10", "C;ten"), encoding="utf-8")
    alone = tmp_path / "alone.pb"
    alone.write_text(SMALL.replace("4;C", "4;C,C"), encoding="utf-8")
    return folder, alone


def run(capsys, *args: str) -> tuple[int, list[dict]]:
    """Run the command line and return its exit status and JSON lines."""
    status = main(["pb-results", *args])
    return status, [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_one_json_line_per_file_found(capsys, library):
    folder, alone = library
    status, lines = run(capsys, str(alone), str(folder), "--rule", "mes")
    assert status == 1  # c.pb cannot be read
    assert [Path(line["file"]).name for line in lines] == ["alone.pb", "a.pb", "c.pb", "b.pb"]
    assert lines[0]["winners"] == ["A", "C"] and lines[1]["winners"] == ["A", "C"]
    assert lines[0]["warnings"] == ["1 vote named a project more than once: counted once (line 15)"]
    assert lines[2] == {
        "file": str(folder / "c.pb"),
        "error": "line 9: cost of project C is not a number: 'ten'",
        "line": 9,
    }
    # 10 among 4 voters: at 7 each, A alone would overspend; Add1 stops at 6, funding nothing
    assert lines[3]["winners"] == [] and lines[3]["per_voter_budget"] == 6


def test_greedy_and_options(capsys, library):
    folder, _ = library
    status, lines = run(capsys, str(folder / "a.pb"), "--rule", "greedy")
    assert (status, lines[0]["winners"], lines[0]["variant"]) == (0, ["A", "B"], "greedy")
    status, lines = run(capsys, str(folder / "a.pb"), "--rule", "mes", "--comparison")
    assert lines[0]["comparison"] == {"prefers_mes": 1, "prefers_greedy": 3, "greedy_chosen": True}


def test_a_missing_file_is_reported_and_the_others_go_on(capsys, library, tmp_path):
    folder, _ = library
    status, lines = run(capsys, str(tmp_path / "nowhere.pb"), str(folder / "a.pb"), "--rule", "mes")
    assert status == 1
    assert "No such file" in lines[0]["error"] and lines[0]["line"] is None
    assert lines[1]["winners"] == ["A", "C"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["x.pb", "--rule", "greedy", "--comparison"], "for --rule mes", id="mes-only"),
        pytest.param(["x.pb", "--rule", "phragmen"], "invalid choice", id="bad-rule"),
        pytest.param(["x.pb"], "--rule", id="no-rule"),
    ],
)
def test_usage_errors(capsys, args, message):
    with pytest.raises(SystemExit) as stop:
        main(["pb-results", *args])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_the_module_runs_without_importing_the_web_app(library):
    folder, _ = library
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "participa.tally", "pb-results", str(folder)]
        + ["--rule", "greedy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr[-2000:]  # c.pb
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "participa.tally.cli" in imported
    assert [m for m in imported if m.split(".")[0] in WEB] == []
    assert json.loads(done.stdout.splitlines()[0])["winners"] == ["A", "B"]
