"""The four ballot rules on their own, and the voting service behind them."""

import random
from datetime import UTC, date, datetime

import pytest
from flask import session
from werkzeug.datastructures import MultiDict

from participa.budgets import voting
from participa.budgets.ballot_rules import RULES, minimum_spend, project_cost, rule_for
from participa.budgets.models import BallotRule, PbBallot, PbProject, ProjectStatus
from participa.budgets.voting_forms import ballot_form
from participa.core.errors import DomainError
from participa.extensions import db
from participa.receipts.services import find_receipt
from tests.budgets.test_voting import COSTS, counts, open_ballot, stored_items

NOW = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)
TODAY = date(2027, 3, 1)


def ballot(rule: BallotRule, **fields) -> PbBallot:
    settings = {"amount": 1_000, "min_choices": 1, "max_choices": None, "min_share_percent": 0}
    return PbBallot(rule=rule, **{**settings, **fields})


def projects(*costs: int) -> list[PbProject]:
    return [
        PbProject(id=i + 1, title=f"P{i + 1}", cost=c, estimated_cost=c)
        for i, c in enumerate(costs)
    ]


@pytest.fixture
def ctx(app):
    """A request in English, so messages read as their msgids whatever the catalogs say."""
    with app.test_request_context():
        session["lang"] = "en"
        yield


def refused(b, found, selection) -> str:
    with pytest.raises(DomainError) as error:
        rule_for(b).validate(b, found, selection)
    return str(error.value.message)


def test_the_registry_has_one_rule_per_ballot_rule():
    assert set(RULES) == set(BallotRule)
    assert {r.control for r in RULES.values()} == {"checkbox", "points", "position"}


@pytest.mark.parametrize(
    ("rule", "fields", "selection", "expected"),
    [
        (BallotRule.APPROVAL, {"max_choices": 2}, {1: 1, 2: 1}, None),
        (BallotRule.APPROVAL, {"max_choices": 2}, {1: 1, 2: 1, 3: 1}, "Choose at most 2 projects."),
        (
            BallotRule.APPROVAL,
            {"max_choices": 3, "min_choices": 2},
            {1: 1},
            "Choose at least 2 projects.",
        ),
        (
            BallotRule.APPROVAL,
            {"max_choices": 3},
            {1: 2},
            "The ballot could not be read. Reload the page.",
        ),
        (BallotRule.KNAPSACK, {}, {1: 1, 2: 1}, None),  # 600 + 400 = the whole amount
        (
            BallotRule.KNAPSACK,
            {},
            {1: 1, 2: 1, 3: 1},
            "Your projects cost $1,300; the amount is $1,000.",
        ),
        (
            BallotRule.KNAPSACK,
            {"min_share_percent": 75},
            {3: 1},
            "Use at least 75% of the amount ($750). Your projects cost $300.",
        ),
        (BallotRule.KNAPSACK, {"max_choices": 1}, {2: 1, 3: 1}, "Choose at most 1 project."),
        (BallotRule.CUMULATIVE, {"points": 5}, {1: 3, 3: 2}, None),
        (BallotRule.CUMULATIVE, {"points": 5}, {1: 3, 3: 3}, "You gave 6 points; you have 5."),
        (BallotRule.CUMULATIVE, {"points": 5}, {1: -1}, "Give whole numbers of points: 0, 1, 2…"),
        (
            BallotRule.CUMULATIVE,
            {"points": 5},
            {1: 1.5},
            "The ballot could not be read. Reload the page.",
        ),
        (
            BallotRule.CUMULATIVE,
            {"points": 5},
            {},
            "You gave no points. Give at least one point to a project.",
        ),
        (BallotRule.RANKING, {"max_choices": 2}, {3: 1, 1: 2}, None),
        (
            BallotRule.RANKING,
            {"max_choices": 2},
            {3: 2, 1: 2},
            "Use each position once, starting at 1, without gaps.",
        ),
        (
            BallotRule.RANKING,
            {"max_choices": 2},
            {3: 2},
            "Use each position once, starting at 1, without gaps.",
        ),
        (BallotRule.RANKING, {"max_choices": 2}, {1: 1, 2: 2, 3: 3}, "Rank at most 2 projects."),
        (BallotRule.RANKING, {"max_choices": 2}, {}, "Rank at least 1 project."),
    ],
)
def test_each_rule_checks_a_selection(ctx, rule, fields, selection, expected):
    b, found = ballot(rule, **fields), projects(600, 400, 300)
    if expected is None:
        rule_for(b).validate(b, found, selection)
    else:
        assert refused(b, found, selection) == expected


@pytest.mark.parametrize("rule", list(BallotRule))
def test_a_project_outside_the_ballot_is_refused_by_every_rule(ctx, rule):
    b = ballot(rule, max_choices=3, points=5)
    message = refused(b, projects(100, 200), {7: 1})
    assert message == "One of the projects you chose is not on this ballot. Reload the page."


def test_the_rules_are_described_in_plain_words(ctx):
    words = {
        r: " ".join(map(str, rule_for(b).describe(b)))
        for r, b in {
            "approval": ballot(BallotRule.APPROVAL, max_choices=3),
            "approval-exact": ballot(BallotRule.APPROVAL, min_choices=3, max_choices=3),
            "approval-range": ballot(BallotRule.APPROVAL, min_choices=2, max_choices=4),
            "knapsack": ballot(BallotRule.KNAPSACK, amount=1_000_000, min_share_percent=50),
            "cumulative": ballot(BallotRule.CUMULATIVE, points=10),
            "ranking": ballot(BallotRule.RANKING, max_choices=5),
        }.items()
    }
    assert words["approval"] == "Choose up to 3 projects."
    assert words["approval-exact"] == "Choose 3 projects."
    assert words["approval-range"] == "Choose between 2 and 4 projects."
    assert words["knapsack"] == (
        "Choose projects up to $1,000,000. Use at least 50% of the amount ($500,000)."
    )
    assert words["cumulative"] == "Distribute 10 points among the projects you prefer."
    assert words["ranking"].startswith("Rank up to 5 projects in order of preference")


def test_totals_add_up_costs_points_and_order_rankings(ctx):
    found = projects(600, 400, 300)
    knapsack = ballot(BallotRule.KNAPSACK)
    totals = rule_for(knapsack).totals(knapsack, found, {1: 1, 3: 1})
    assert (totals.count, totals.cost, totals.remaining, totals.points_left) == (2, 900, 100, None)
    cumulative = ballot(BallotRule.CUMULATIVE, points=10)
    totals = rule_for(cumulative).totals(cumulative, found, {2: 3, 3: 4})
    assert (totals.points_used, totals.points_left) == (7, 3)
    ranking = ballot(BallotRule.RANKING, max_choices=3)
    totals = rule_for(ranking).totals(ranking, found, {1: 3, 2: 1, 3: 2})
    assert [(p.id, w) for p, w, _c in totals.rows] == [(2, 1), (3, 2), (1, 3)]


def test_a_project_without_a_reviewed_cost_counts_its_estimate():
    assert project_cost(PbProject(cost=None, estimated_cost=70)) == 70
    assert project_cost(PbProject(cost=90, estimated_cost=70)) == 90
    assert minimum_spend(ballot(BallotRule.KNAPSACK, amount=999, min_share_percent=50)) == 500


@pytest.mark.parametrize(
    ("rule", "formdata", "expected"),
    [
        (BallotRule.KNAPSACK, [("projects", "1"), ("projects", "3")], {1: 1, 3: 1}),
        (BallotRule.CUMULATIVE, [("p1", "4"), ("p2", ""), ("p3", " 0 ")], {1: 4}),
        (BallotRule.RANKING, [("p1", "2"), ("p2", ""), ("p3", "1")], {1: 2, 3: 1}),
    ],
)
def test_each_rule_reads_its_form(ctx, rule, formdata, expected):
    b, found = ballot(rule, max_choices=3, points=10), projects(100, 200, 300)
    form = ballot_form(b, found)
    form.process(MultiDict(formdata))
    assert rule_for(b).read(form, found) == expected


@pytest.mark.parametrize(
    ("rule", "value"),
    [(BallotRule.CUMULATIVE, "-2"), (BallotRule.CUMULATIVE, "1e3"), (BallotRule.RANKING, "²")],
)
def test_malformed_values_are_refused_on_their_field(ctx, rule, value):
    b, found = ballot(rule, max_choices=3, points=10), projects(100, 200)
    form = ballot_form(b, found)
    form.process(MultiDict([("p2", value)]))
    with pytest.raises(DomainError) as error:
        rule_for(b).read(form, found)
    assert error.value.field == "p2"


def test_the_ranking_offers_no_more_positions_than_projects(ctx):
    b = ballot(BallotRule.RANKING, max_choices=5)
    form = ballot_form(b, projects(1, 2, 3))
    assert [value for value, _label in form.p1.choices] == ["", "1", "2", "3"]


# --- The service --------------------------------------------------------------------------


def test_cast_vote_stores_a_secret_vote_with_the_rule_weights(make):
    colonia = make.territory()["Centro"]
    _process, b, found = open_ballot(make, BallotRule.CUMULATIVE, points=10)
    user = make.user(colonia=colonia)
    code = voting.cast_vote(b, user, {found[0].id: 7, found[2].id: 3}, now=NOW, today=TODAY)
    assert len(code) == 14 and counts() == (1, 1, 2)
    assert stored_items() == {found[0].id: 7, found[2].id: 3}
    assert find_receipt(code).id == b.process_id
    assert find_receipt("ZZZZ-ZZZZ-ZZZZ") is None
    with pytest.raises(voting.AlreadyVoted):
        voting.cast_vote(b, user, {found[1].id: 1}, now=NOW, today=TODAY)
    assert counts() == (1, 1, 2)


def test_cast_vote_refuses_an_unfeasible_project(make):
    colonia = make.territory()["Centro"]
    _process, b, found = open_ballot(make, BallotRule.RANKING)
    user = make.user(colonia=colonia)
    found[0].status = ProjectStatus.UNFEASIBLE  # changed after the ballot page was drawn
    db.session.commit()
    with pytest.raises(DomainError):
        voting.cast_vote(b, user, {found[0].id: 1}, now=NOW, today=TODAY)
    assert counts() == (0, 0, 0)


AMOUNTS = (300_000, 700_000, 1_000_000, 1_150_000)  # all below the $1,200,000 of all projects


def test_a_knapsack_ballot_never_stores_a_vote_over_the_amount(make):
    """Random ballots and selections: accepted exactly when the rules hold, refused ones store
    nothing, and no stored vote costs more than the amount (or less than its minimum share)."""
    assert sum(COSTS) > max(AMOUNTS)  # so some selections really go over every amount
    rng = random.Random(2027)
    colonia = make.territory()["Centro"]
    accepted = refusals = 0
    for trial in range(12):
        amount = rng.choice(AMOUNTS)
        share = rng.choice((0, 0, 25, 50, 90))
        most = rng.choice((None, 2, 4))
        _process, b, found = open_ballot(
            make, BallotRule.KNAPSACK, amount=amount, min_share_percent=share, max_choices=most
        )
        feasible = found[:-1]
        for _ in range(25):
            chosen = rng.sample(feasible, rng.randint(0, len(feasible)))
            cost = sum(project_cost(p) for p in chosen)
            valid = (
                cost <= amount
                and cost >= minimum_spend(b)
                and 1 <= len(chosen) <= (most or len(feasible))
            )
            before = counts()
            user = make.user(colonia=colonia)
            try:
                voting.cast_vote(
                    b, user, dict.fromkeys((p.id for p in chosen), 1), now=NOW, today=TODAY
                )
            except DomainError:
                assert not valid, (trial, cost, amount, share, most)
                assert counts() == before
                refusals += 1
            else:
                assert valid, (trial, cost, amount, share, most)
                assert counts() == (before[0] + 1, before[1] + 1, before[2] + len(chosen))
                accepted += 1
        spent = voting_costs(b)
        assert all(minimum_spend(b) <= total <= amount for total in spent)
    assert accepted > 50 and refusals > 50, (accepted, refusals)


def voting_costs(b: PbBallot) -> list[int]:
    """The total cost of each stored vote of ballot `b`, as the database adds it up."""
    from participa.budgets.models import PbVote, PbVoteItem

    query = (
        db.select(db.func.sum(db.func.coalesce(PbProject.cost, PbProject.estimated_cost)))
        .select_from(PbVote)
        .join(PbVoteItem, PbVoteItem.vote_id == PbVote.id)
        .join(PbProject, PbProject.id == PbVoteItem.project_id)
        .where(PbVote.ballot_id == b.id)
        .group_by(PbVote.id)
    )
    return list(db.session.execute(query).scalars())
