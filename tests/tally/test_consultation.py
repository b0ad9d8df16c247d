"""Check consultation tallies against hand-computed results."""

from fractions import Fraction

import pytest

from participa.tally.consultation import (
    ChoiceTally,
    OptionCount,
    RankingTally,
    ScaleTally,
    TextAnswers,
    borda,
    collect_texts,
    count_choices,
    scale_distribution,
)

F = Fraction


# --- choices ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("option_ids", "answers", "expected"),
    [
        pytest.param(
            [10, 20, 30],
            [{10}, {20}, {10}, set(), {10}],
            ChoiceTally(
                4,
                (
                    OptionCount(10, 3, F(3, 4)),
                    OptionCount(20, 1, F(1, 4)),
                    OptionCount(30, 0, F(0)),
                ),
            ),
            id="single-choice-with-skip",
        ),
        pytest.param(
            [1, 2],
            [[1], [2], [2], []],
            ChoiceTally(3, (OptionCount(1, 1, F(1, 3)), OptionCount(2, 2, F(2, 3)))),
            id="yes-no",
        ),
        pytest.param(
            [3, 1, 2],
            [[1, 2], [2, 3], [2], [], [1, 2, 3]],
            ChoiceTally(
                4,
                (
                    OptionCount(3, 2, F(1, 2)),
                    OptionCount(1, 2, F(1, 2)),
                    OptionCount(2, 4, F(1)),
                ),
            ),
            id="multiple-choice-keeps-given-order",
        ),
        pytest.param(
            [1, 2],
            [[1, 1, 1], [2, 1, 2]],
            ChoiceTally(2, (OptionCount(1, 2, F(1)), OptionCount(2, 1, F(1, 2)))),
            id="duplicates-within-answer-count-once",
        ),
        pytest.param(
            [1, 2],
            [[], set(), ()],
            ChoiceTally(0, (OptionCount(1, 0, F(0)), OptionCount(2, 0, F(0)))),
            id="only-skips-zero-shares",
        ),
        pytest.param(
            [1, 2],
            [],
            ChoiceTally(0, (OptionCount(1, 0, F(0)), OptionCount(2, 0, F(0)))),
            id="no-answers",
        ),
    ],
)
def test_count_choices(option_ids, answers, expected):
    assert count_choices(option_ids, answers) == expected


def test_count_choices_accepts_a_generator():
    tally = count_choices([1, 2], (a for a in [[1], [2], [1]]))
    assert [o.count for o in tally.options] == [2, 1]
    assert tally.options[0].share_float == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("option_ids", "answers"),
    [
        pytest.param([1, 2], [[1], [3]], id="unknown-option"),
        pytest.param([1, 2], [[1, 99, 2]], id="unknown-among-known"),
        pytest.param([], [[1]], id="no-options"),
        pytest.param([1, 1, 2], [[1]], id="repeated-option-ids"),
    ],
)
def test_count_choices_rejects_bad_data(option_ids, answers):
    with pytest.raises(ValueError):
        count_choices(option_ids, answers)


# --- Borda -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("option_ids", "rankings", "expected"),
    [
        pytest.param(
            # n = 3: first 3 points, second 2, third 1.
            # 1: 3+1+3 = 7, 2: 2+3+1 = 6, 3: 1+2+2 = 5; total 18.
            [1, 2, 3],
            [[1, 2, 3], [2, 3, 1], [1, 3, 2]],
            RankingTally(
                3,
                (
                    OptionCount(1, 7, F(7, 18)),
                    OptionCount(2, 6, F(6, 18)),
                    OptionCount(3, 5, F(5, 18)),
                ),
                {1: 2, 2: 1, 3: 0},
            ),
            id="full-rankings",
        ),
        pytest.param(
            # n = 4: 1 -> 4 + 0 = 4, 2 -> 3 + 4 = 7, 3 -> 0 + 3 = 3,
            # 4 -> 0 + 2 = 2; total 16. Empty ballot is skipped.
            [1, 2, 3, 4],
            [[1, 2], [2, 3, 4], []],
            RankingTally(
                2,
                (
                    OptionCount(2, 7, F(7, 16)),
                    OptionCount(1, 4, F(4, 16)),
                    OptionCount(3, 3, F(3, 16)),
                    OptionCount(4, 2, F(2, 16)),
                ),
                {1: 1, 2: 1, 3: 0, 4: 0},
            ),
            id="partial-rankings",
        ),
        pytest.param(
            # 30: 3+2 = 5, 10: 2+3 = 5, 20: 1+1 = 2; 30 precedes 10 in
            # option_ids, so the tie keeps 30 first.
            [30, 10, 20],
            [[30, 10, 20], [10, 30, 20]],
            RankingTally(
                2,
                (
                    OptionCount(30, 5, F(5, 12)),
                    OptionCount(10, 5, F(5, 12)),
                    OptionCount(20, 2, F(2, 12)),
                ),
                {30: 1, 10: 1, 20: 0},
            ),
            id="tie-keeps-original-order",
        ),
        pytest.param(
            [5, 6],
            [[], []],
            RankingTally(
                0,
                (OptionCount(5, 0, F(0)), OptionCount(6, 0, F(0))),
                {5: 0, 6: 0},
            ),
            id="no-respondents",
        ),
    ],
)
def test_borda(option_ids, rankings, expected):
    assert borda(option_ids, rankings) == expected


def test_borda_first_places_follow_option_order():
    tally = borda([3, 1, 2], [[2, 1], [2], [1, 3, 2]])
    assert list(tally.first_places.items()) == [(3, 0), (1, 1), (2, 2)]


@pytest.mark.parametrize(
    ("option_ids", "rankings"),
    [
        pytest.param([1, 2, 3], [[1, 2, 1]], id="repeated-option"),
        pytest.param([1, 2, 3], [[1, 2], [4]], id="unknown-option"),
        pytest.param([1, 1], [[1]], id="repeated-option-ids"),
    ],
)
def test_borda_rejects_invalid_ballots(option_ids, rankings):
    with pytest.raises(ValueError):
        borda(option_ids, rankings)


# --- scales ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "low", "high", "expected"),
    [
        pytest.param(
            # sorted: 1 2 4 5 5 -> median 4, mean 17/5.
            [5, 1, None, 4, 2, 5],
            1,
            5,
            ScaleTally(5, 1, 5, (1, 1, 0, 1, 2), F(17, 5), F(4)),
            id="odd-count",
        ),
        pytest.param(
            # sorted: 1 2 3 4 -> median (2 + 3) / 2, mean 10/4.
            [4, 3, 2, 1],
            1,
            5,
            ScaleTally(4, 1, 5, (1, 1, 1, 1, 0), F(5, 2), F(5, 2)),
            id="even-count-half-median",
        ),
        pytest.param(
            # sorted: 2 2 5 5 -> median (2 + 5) / 2 = 7/2, mean 14/4.
            [2, 5, 5, 2],
            1,
            5,
            ScaleTally(4, 1, 5, (0, 2, 0, 0, 2), F(7, 2), F(7, 2)),
            id="even-count-middle-values-in-different-bins",
        ),
        pytest.param(
            # sorted: 3 3 3 4 -> median 3, mean 13/4.
            [3, 4, 3, 3],
            1,
            5,
            ScaleTally(4, 1, 5, (0, 0, 3, 1, 0), F(13, 4), F(3)),
            id="even-count-same-middle",
        ),
        pytest.param(
            # sorted: 0 7 10 -> median 7, mean 17/3.
            [10, 0, 7],
            0,
            10,
            ScaleTally(3, 0, 10, (1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1), F(17, 3), F(7)),
            id="zero-to-ten",
        ),
        pytest.param(
            [None, None],
            1,
            5,
            ScaleTally(0, 1, 5, (0, 0, 0, 0, 0), None, None),
            id="only-skips",
        ),
    ],
)
def test_scale_distribution(values, low, high, expected):
    result = scale_distribution(values, low, high)
    assert result == expected
    if result.mean is not None:
        assert isinstance(result.mean, Fraction)
        assert isinstance(result.median, Fraction)


def test_scale_distribution_defaults_to_one_to_five():
    result = scale_distribution([1, 5])
    assert (result.low, result.high, result.counts) == (1, 5, (1, 0, 0, 0, 1))
    assert result.mean == 3


@pytest.mark.parametrize(
    ("values", "low", "high"),
    [
        pytest.param([1, 6], 1, 5, id="above-high"),
        pytest.param([0], 1, 5, id="below-low"),
        pytest.param([-1], 0, 10, id="negative"),
        pytest.param([], 5, 1, id="low-above-high"),
    ],
)
def test_scale_distribution_rejects_out_of_range(values, low, high):
    with pytest.raises(ValueError):
        scale_distribution(values, low, high)


# --- texts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param(
            ["  Más luminarias ", "", None, "   ", "\tBaches\n", "Parque"],
            TextAnswers(3, ("Más luminarias", "Baches", "Parque")),
            id="stripped-and-blank-dropped",
        ),
        pytest.param(
            ["b", "a", "b"],
            TextAnswers(3, ("b", "a", "b")),
            id="order-and-repeats-kept",
        ),
        pytest.param([None, " "], TextAnswers(0, ()), id="nothing-answered"),
        pytest.param([], TextAnswers(0, ()), id="empty"),
    ],
)
def test_collect_texts(values, expected):
    assert collect_texts(values) == expected
