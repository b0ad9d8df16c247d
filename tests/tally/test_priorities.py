"""Weighted score and Borda count of council members' scores, with their tie-breaks."""

from fractions import Fraction as F

import pytest

from participa.tally.priorities import Candidate, Criterion, prioritise

SUPPORT = Criterion(1, F(2), 10)  # citizen support, weight 2, 0..10
COST = Criterion(2, F(1), 10, higher_is_better=False)  # lower is better
A, B, C = Candidate(1, "Agua"), Candidate(2, "Banquetas"), Candidate(3, "Calles")


def scores(table: dict) -> dict:
    """{candidate: (support, cost)} -> {(candidate id, criterion id): score}."""
    out = {}
    for cand, (support, cost) in table.items():
        out[(cand.id, SUPPORT.id)] = support
        out[(cand.id, COST.id)] = cost
    return out


def titles(results) -> list[str]:
    return [r.title for r in results]


def test_normalisation_inverts_lower_is_better_and_weights_multiply():
    result = prioritise([A], [SUPPORT, COST], {7: scores({A: (5, 2)})})
    # 2 · 5/10 + 1 · (10 − 2)/10 = 1 + 4/5
    assert result.members[0].totals[A.id] == F(9, 5)
    assert result.weighted[0].weighted == F(9, 5)
    assert result.max_total == F(3)


CASES = [
    # (name, member -> {candidate: (support, cost)}, weighted order, borda order, borda points)
    (
        "one member",
        {1: {A: (10, 0), B: (5, 0), C: (0, 0)}},
        ["Agua", "Banquetas", "Calles"],
        ["Agua", "Banquetas", "Calles"],
        {A: F(2), B: F(1), C: F(0)},
    ),
    (
        "members with identical scores double the points",
        {1: {A: (8, 5), B: (4, 5), C: (2, 5)}, 2: {A: (8, 5), B: (4, 5), C: (2, 5)}},
        ["Agua", "Banquetas", "Calles"],
        ["Agua", "Banquetas", "Calles"],
        {A: F(4), B: F(2), C: F(0)},
    ),
    (
        "a tie for first shares the first two places' points",
        {1: {A: (6, 0), B: (6, 0), C: (1, 0)}},
        ["Agua", "Banquetas", "Calles"],  # tied on both: by title
        ["Agua", "Banquetas", "Calles"],
        {A: F(3, 2), B: F(3, 2), C: F(0)},
    ),
    (
        "everything tied: everyone gets the mean place, order by title",
        {1: {C: (3, 3), B: (3, 3), A: (3, 3)}},
        ["Agua", "Banquetas", "Calles"],
        ["Agua", "Banquetas", "Calles"],
        {A: F(1), B: F(1), C: F(1)},
    ),
    (
        "a strong minority wins the weighted score, the majority wins Borda",
        {
            1: {A: (10, 0), B: (0, 10), C: (0, 10)},  # A 3, B 0, C 0
            2: {A: (4, 5), B: (5, 5), C: (0, 10)},  # A 1.3, B 1.5, C 0
            3: {A: (4, 5), B: (5, 5), C: (0, 10)},
        },
        ["Agua", "Banquetas", "Calles"],  # A (3+1.3+1.3)/3 > B 1
        ["Banquetas", "Agua", "Calles"],  # B: 1/2 + 2 + 2 = 4.5; A: 2 + 1 + 1 = 4
        {A: F(4), B: F(9, 2), C: F(1, 2)},
    ),
]


@pytest.mark.parametrize(
    ("member_scores", "weighted", "borda", "points"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rankings(member_scores, weighted, borda, points):
    table = {m: scores(s) for m, s in member_scores.items()}
    result = prioritise([C, B, A], [SUPPORT, COST], table)
    assert titles(result.weighted) == weighted
    assert titles(result.borda) == borda
    assert {r.candidate_id: r.borda for r in result.weighted} == {
        c.id: p for c, p in points.items()
    }
    assert [r.weighted_rank for r in result.weighted] == [1, 2, 3]
    assert [r.borda_rank for r in result.borda] == [1, 2, 3]


def test_weighted_tie_is_broken_by_borda_before_title():
    # Zeta and Alfa have the same mean (1.0) but Zeta is first for two members of three.
    zeta, alfa = Candidate(1, "Zeta"), Candidate(2, "Alfa")
    one = Criterion(1, F(1), 4)
    table = {
        1: {(1, 1): 2, (2, 1): 0},  # zeta .5, alfa 0
        2: {(1, 1): 2, (2, 1): 1},  # zeta .5, alfa .25
        3: {(1, 1): 0, (2, 1): 3},  # zeta 0, alfa .75
    }
    result = prioritise([alfa, zeta], [one], table)
    assert result.weighted[0].weighted == result.weighted[1].weighted == F(1, 3)
    assert titles(result.weighted) == ["Zeta", "Alfa"]
    assert titles(result.borda) == ["Zeta", "Alfa"]


def test_borda_tie_is_broken_by_weighted_score():
    x, y = Candidate(1, "Xochitl"), Candidate(2, "Yaqui")
    one = Criterion(1, F(1), 10)
    table = {1: {(1, 1): 10, (2, 1): 0}, 2: {(1, 1): 4, (2, 1): 5}}
    result = prioritise([y, x], [one], table)
    assert [r.borda for r in result.borda] == [F(1), F(1)]
    assert titles(result.borda) == ["Xochitl", "Yaqui"]  # mean 0.7 against 0.25


def test_same_title_falls_back_to_id():
    first, second = Candidate(5, "Pozo"), Candidate(3, "pozo")
    one = Criterion(1, F(1), 10)
    result = prioritise([first, second], [one], {1: {(5, 1): 5, (3, 1): 5}})
    assert [r.candidate_id for r in result.weighted] == [3, 5]
    assert [r.candidate_id for r in result.borda] == [3, 5]


def test_decimal_weights_stay_exact():
    w = Criterion(1, F("0.1"), 3)
    result = prioritise([A], [w, Criterion(2, F("0.2"), 3)], {1: {(1, 1): 1, (1, 2): 1}})
    assert result.weighted[0].weighted == F(1, 10)
    assert result.max_total == F(3, 10)


def test_contributions_per_member():
    table = {
        2: scores({A: (10, 0), B: (0, 0)}),
        1: scores({A: (0, 0), B: (10, 0)}),
    }
    result = prioritise([A, B], [SUPPORT, COST], table)
    assert [m.member_id for m in result.members] == [1, 2]
    assert result.members[0].totals == {A.id: F(1), B.id: F(3)}
    assert result.members[0].borda == {A.id: F(0), B.id: F(1)}
    assert result.members[1].borda == {A.id: F(1), B.id: F(0)}


def test_no_members_gives_zero_scores_in_title_order():
    result = prioritise([B, A], [SUPPORT], {})
    assert titles(result.weighted) == ["Agua", "Banquetas"]
    assert all(r.weighted == 0 and r.borda == 0 for r in result.weighted)


@pytest.mark.parametrize(
    ("member_scores", "message"),
    [
        ({1: {(1, 1): 5}}, "missing score"),  # no cost score for A
        ({1: {(1, 1): 11, (1, 2): 0}}, "outside"),
        ({1: {(1, 1): -1, (1, 2): 0}}, "outside"),
    ],
    ids=["missing", "above scale", "negative"],
)
def test_incomplete_or_out_of_range_scores_are_refused(member_scores, message):
    with pytest.raises(ValueError, match=message):
        prioritise([A], [SUPPORT, COST], member_scores)


@pytest.mark.parametrize(
    "criteria",
    [[Criterion(1, F(0), 10)], [Criterion(1, F(1), 0)], [SUPPORT, SUPPORT]],
    ids=["zero weight", "zero scale", "repeated"],
)
def test_bad_criteria_are_refused(criteria):
    with pytest.raises(ValueError):
        prioritise([A], criteria, {})
