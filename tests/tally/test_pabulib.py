"""Read and write Pabulib (.pb) texts, quirks included."""

from fractions import Fraction

import pytest

from participa.tally.pabulib import (
    PabulibError,
    format_amount,
    parse_pabulib,
    read_pabulib,
    write_pabulib,
)
from participa.tally.pb import Ballot, BallotKind, Election, Project

F = Fraction

APPROVAL = """META
key;value
description;Tiny test
num_projects;3
num_votes;4
budget;1000
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name;category
1;600;Park;green
2;400.0;"Lights; and benches";None
3;250;Nobody wants this;
VOTES
voter_id;vote;age
a;1,2;34
b;2;None
c;;51
d;1;
"""

CUMULATIVE = """META
key;value
budget;10.5
vote_type;cumulative
PROJECTS
project_id;cost
x;5.25
y;4
VOTES
voter_id;vote;points
1;x,y;3,7
2;y;10
"""


def test_reads_sections_and_columns():
    election = parse_pabulib(APPROVAL)
    assert election.budget == 1000
    assert election.kind is BallotKind.APPROVAL
    assert [p.id for p in election.projects] == ["1", "2", "3"]
    assert election.meta["rule"] == "greedy"
    assert election.project("1") == Project("1", 600, "Park", {"category": "green"})


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda text: text, id="plain"),
        pytest.param(lambda text: "\ufeff" + text, id="bom"),
        pytest.param(lambda text: text.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda text: "\ufeff" + text.replace("\n", "\r\n"), id="bom-crlf"),
        pytest.param(lambda text: text.replace("\n", "\n\n"), id="blank-lines"),
        pytest.param(lambda text: text.replace("META", "meta", 1), id="lowercase-section"),
    ],
)
def test_tolerates_encodings_and_line_ends(transform):
    assert parse_pabulib(transform(APPROVAL)) == parse_pabulib(APPROVAL)


def test_quoted_semicolon_none_and_float_cost():
    lights = parse_pabulib(APPROVAL).project("2")
    assert lights.name == "Lights; and benches"
    assert lights.extra == {"category": None}
    assert lights.cost == 400 and type(lights.cost) is int


def test_empty_ballot_and_project_without_votes():
    election = parse_pabulib(APPROVAL)
    assert [b.projects for b in election.ballots] == [("1", "2"), ("2",), (), ("1",)]
    assert parse_pabulib(APPROVAL.replace("a;1,2;", "a; 1, 2,;")).ballots == election.ballots
    assert election.ballots[1].extra == {"age": None}
    assert all("3" not in b.projects for b in election.ballots)


def test_cumulative_points_and_fractional_amounts():
    election = parse_pabulib(CUMULATIVE)
    assert election.kind is BallotKind.CUMULATIVE
    assert election.budget == Fraction(21, 2)
    assert election.project("x").cost == Fraction(21, 4)
    assert election.ballots[0] == Ballot(("x", "y"), (3, 7), "1")


@pytest.mark.parametrize("vote_type", ["knapsack", "ordinal", "scoring", "choose-1"])
def test_other_vote_types(vote_type):
    kinds = {"knapsack": "approval", "ordinal": "ordinal", "scoring": "cumulative"}
    kinds["choose-1"] = "approval"
    text = CUMULATIVE.replace("cumulative", vote_type)
    if vote_type in ("knapsack", "ordinal", "choose-1"):
        text = text.replace(";points", "").replace(";3,7", "").replace(";10\n", "\n")
    election = parse_pabulib(text)
    assert election.kind == kinds[vote_type]
    assert election.meta["vote_type"] == vote_type  # written back as it was read
    assert f"vote_type;{vote_type}\n" in write_pabulib(election)


def test_choose_one_is_an_approval_of_one_project():
    text = APPROVAL.replace("vote_type;approval", "vote_type;choose-1").replace("a;1,2;", "a;1;")
    election = parse_pabulib(text)
    assert [b.projects for b in election.ballots] == [("1",), ("2",), (), ("1",)]
    assert election.warnings == ()


@pytest.mark.parametrize(
    ("vote_type", "vote", "projects", "points"),
    [
        pytest.param("approval", "1,2,1;", ("1", "2"), None, id="approval"),
        pytest.param("ordinal", "2,1,2;", ("2", "1"), None, id="ordinal-keeps-first-place"),
        pytest.param("cumulative", "1,2,1;3,4,5;", ("1", "2"), (5, 4), id="points-keep-last"),
        pytest.param("scoring", "2,2;1,2;", ("2",), (2,), id="scoring"),
    ],
)
def test_a_project_named_twice_counts_once_with_a_warning(vote_type, vote, projects, points):
    header = "voter_id;vote;points;age" if points else "voter_id;vote;age"
    text = APPROVAL.replace("vote_type;approval", f"vote_type;{vote_type}")
    text = text.replace("voter_id;vote;age", header).replace("a;1,2;34", f"a;{vote}34")
    if points:
        text = text.replace("b;2;None", "b;2;1;None").replace("c;;51", "c;;;51")
        text = text.replace("d;1;\n", "d;1;1;\n")
    election = parse_pabulib(text)
    assert election.ballots[0].projects == projects
    assert election.ballots[0].points == points
    assert election.warnings == ("1 vote named a project more than once: counted once (line 16)",)


def test_warnings_name_the_first_lines_and_count_the_rest():
    votes = "".join(f"v{i};1,1\n" for i in range(12))
    text = APPROVAL.split("VOTES")[0] + "VOTES\nvoter_id;vote\n" + votes
    (warning,) = parse_pabulib(text).warnings
    assert warning.startswith(
        "12 votes named a project more than once: counted once (lines 16, 17,"
    )
    assert warning.endswith(", 25 and 2 more)")


def test_warnings_do_not_change_the_election():
    repeated = parse_pabulib(APPROVAL.replace("a;1,2;34", "a;1,2,2;34"))
    assert repeated.warnings and repeated == parse_pabulib(APPROVAL)


def test_a_vote_with_points_but_none_given_is_empty_with_a_warning():
    election = parse_pabulib(CUMULATIVE.replace("2;y;10", "2;y;None"))
    assert election.ballots[1].projects == ()
    assert election.warnings == ("1 vote gave no points: counted as empty (line 12)",)


def test_reads_decimal_commas_as_pabutools_does():
    text = APPROVAL.replace("1;600;Park", "1;600,5;Park").replace("budget;1000", "budget;1000,25")
    election = parse_pabulib(text)
    assert (election.project("1").cost, election.budget) == (F(1201, 2), F(4001, 4))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("b;2;None", "b;2;none", id="lowercase-none"),
        pytest.param("a;1,2;34", "a;1,2;34;;", id="trailing-empty-fields"),
        pytest.param("this;\n", "this;;\n", id="trailing-empty-project-field"),
    ],
)
def test_reads_what_published_files_contain(old, new):
    text = APPROVAL.replace(old, new, 1)
    assert text != APPROVAL
    assert parse_pabulib(text) == parse_pabulib(APPROVAL)


def test_a_meta_value_may_hold_an_unquoted_semicolon():
    text = APPROVAL.replace("description;Tiny test", "description;Tiny; test;")
    assert parse_pabulib(text).meta["description"] == "Tiny; test"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param("budget;1000", "budget;lots", "budget is not a number", id="bad-budget"),
        pytest.param("budget;1000\n", "", "no budget", id="no-budget"),
        pytest.param("vote_type;approval", "vote_type;poll", "unknown vote_type", id="bad-type"),
        pytest.param("1;600;Park", "1;None;Park", "cost of project 1", id="no-cost"),
        pytest.param("1;600;Park", "1;-5;Park", "negative cost", id="negative-cost"),
        pytest.param("a;1,2;34", "a;1,9;34", "unknown projects ['9']", id="unknown-project"),
        pytest.param("a;1,2;34", "a;1,2;34;extra", "4 fields for 3 columns", id="long-row"),
        pytest.param("VOTES\n", "", "missing VOTES section", id="no-votes"),
        pytest.param("META\n", "", "data before the META section", id="no-meta-line"),
        pytest.param("3;250", "2;250", "repeated project_id", id="repeated-id"),
        pytest.param("budget;1000", "budget;-1", "budget is negative", id="negative-budget"),
    ],
)
def test_rejects_broken_text_with_a_reason(old, new, message):
    broken = APPROVAL.replace(old, new, 1)
    assert broken != APPROVAL
    with pytest.raises(PabulibError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_pabulib(broken)


def test_points_must_match_projects():
    with pytest.raises(PabulibError, match="1 points for 2 projects"):
        parse_pabulib(CUMULATIVE.replace("x,y;3,7", "x,y;3"))


def test_read_rejects_non_utf8(tmp_path):
    path = tmp_path / "latin1.pb"
    path.write_bytes(APPROVAL.replace("Park", "Parqué").encode("latin-1"))
    with pytest.raises(PabulibError, match="not UTF-8"):
        read_pabulib(path)


@pytest.mark.parametrize("text", [APPROVAL, CUMULATIVE], ids=["approval", "cumulative"])
def test_round_trip(text, tmp_path):
    election = parse_pabulib(text)
    written = write_pabulib(election)
    assert parse_pabulib(written) == election
    path = tmp_path / "again.pb"
    path.write_text(written, encoding="utf-8")
    assert read_pabulib(path) == election


def test_writes_an_election_built_in_code():
    election = Election(
        budget=Fraction(5, 2),
        kind=BallotKind.CUMULATIVE,
        projects=(Project("p;1", 1, 'Say "hi"'), Project("2", Fraction(3, 4))),
        ballots=(Ballot(("p;1",), (2,), "v1"), Ballot((), (), "v2")),
    )
    text = write_pabulib(election)
    assert "budget;2.5\n" in text and "vote_type;cumulative\n" in text
    assert "num_projects;2\n" in text and "num_votes;2\n" in text
    again = parse_pabulib(text)
    assert again.projects == election.projects
    assert again.ballots == election.ballots
    assert again.budget == election.budget


@pytest.mark.parametrize(
    ("amount", "text"),
    [(12, "12"), (F(1, 8), "0.125"), (F(-5, 2), "-2.5"), (F(1201, 100), "12.01")],
)
def test_format_amount(amount, text):
    assert format_amount(amount) == text


def test_format_amount_refuses_repeating_decimals():
    with pytest.raises(ValueError, match="no finite decimal form"):
        format_amount(Fraction(1, 3))
