"""The from-counts entry points agree with counting the ballots one by one."""

from collections import Counter
from fractions import Fraction

import pytest

from participa.tally import (
    borda,
    borda_from_positions,
    choices_from_counts,
    count_choices,
    scale_distribution,
    scale_from_counts,
)

CHOICE_CASES = [
    ([1, 2, 3], [[1], [2], [1, 3], [], [1, 2, 3]]),
    ([7, 8], [[8], [8], [8]]),
    ([4, 5], []),
]


@pytest.mark.parametrize(("ids", "answers"), CHOICE_CASES)
def test_choices_from_counts_equals_counting_each_answer(ids, answers):
    counts = Counter(oid for answer in answers for oid in set(answer))
    respondents = sum(1 for answer in answers if answer)
    assert choices_from_counts(ids, counts, respondents) == count_choices(ids, answers)


RANKING_CASES = [
    ([1, 2, 3], [[1, 2, 3], [3, 1], [2], []]),
    ([10, 20], [[20, 10], [20], [10, 20]]),
]


@pytest.mark.parametrize(("ids", "ballots"), RANKING_CASES)
def test_borda_from_positions_equals_scoring_each_ballot(ids, ballots):
    positions = Counter((oid, rank) for ballot in ballots for rank, oid in enumerate(ballot, 1))
    respondents = sum(1 for ballot in ballots if ballot)
    assert borda_from_positions(ids, positions, respondents) == borda(ids, ballots)


def test_borda_from_positions_by_hand():
    # 3 options: rank 1 = 3 points, rank 2 = 2, rank 3 = 1.
    tally = borda_from_positions([1, 2, 3], {(1, 1): 2, (2, 1): 1, (2, 2): 2, (3, 3): 1}, 3)
    assert [(o.option_id, o.count) for o in tally.options] == [(2, 7), (1, 6), (3, 1)]
    assert tally.first_places == {1: 2, 2: 1, 3: 0}
    assert tally.options[0].share == Fraction(7, 14)


def test_scale_from_counts_equals_counting_each_value():
    values = [1, 5, 5, 3, None, 2]
    assert scale_from_counts(Counter(v for v in values if v is not None)) == (
        scale_distribution(values)
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: choices_from_counts([1, 2], {3: 1}, 1),
        lambda: borda_from_positions([1, 2], {(1, 3): 1}, 1),
        lambda: borda_from_positions([1, 2], {(9, 1): 1}, 1),
        lambda: scale_from_counts({6: 1}),
    ],
    ids=["unknown option", "rank beyond n", "unknown ranked option", "value off the scale"],
)
def test_bad_counts_are_refused(call):
    with pytest.raises(ValueError):
        call()
