"""Check participation statistics against hand-computed results."""

from datetime import date, datetime
from fractions import Fraction
from itertools import pairwise

import pytest

from participa.tally.participation import (
    AGE_BANDS,
    DailyCount,
    ZoneShare,
    age_band,
    age_on,
    count_by,
    per_day,
    shares_of_population,
)

F = Fraction
D = date


# --- ages ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "expected"),
    [
        pytest.param(D(2000, 6, 15), D(2020, 6, 14), 19, id="day-before-birthday"),
        pytest.param(D(2000, 6, 15), D(2020, 6, 15), 20, id="on-birthday"),
        pytest.param(D(2000, 6, 15), D(2020, 6, 16), 20, id="day-after-birthday"),
        pytest.param(D(2000, 6, 15), D(2000, 6, 15), 0, id="day-of-birth"),
        pytest.param(D(2000, 12, 31), D(2001, 1, 1), 0, id="across-new-year"),
        pytest.param(D(2000, 2, 29), D(2001, 2, 28), 0, id="feb29-nonleap-feb28"),
        pytest.param(D(2000, 2, 29), D(2001, 3, 1), 1, id="feb29-nonleap-mar1"),
        pytest.param(D(2000, 2, 29), D(2004, 2, 28), 3, id="feb29-leap-feb28"),
        pytest.param(D(2000, 2, 29), D(2004, 2, 29), 4, id="feb29-leap-feb29"),
        pytest.param(D(2000, 2, 29), D(2100, 2, 28), 99, id="feb29-century-nonleap"),
        pytest.param(D(2000, 2, 29), D(2100, 3, 1), 100, id="feb29-century-mar1"),
        pytest.param(D(2000, 3, 1), D(2004, 2, 29), 3, id="mar1-on-leap-day"),
    ],
)
def test_age_on(birth, on, expected):
    assert age_on(birth, on) == expected


def test_age_on_rejects_reference_before_birth():
    with pytest.raises(ValueError):
        age_on(D(2000, 6, 15), D(2000, 6, 14))


ON = D(2024, 6, 15)


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        pytest.param(D(2024, 6, 15), "<18", id="newborn"),
        pytest.param(D(2006, 6, 16), "<18", id="17"),
        pytest.param(D(2006, 6, 15), "18-29", id="18"),
        pytest.param(D(1994, 6, 16), "18-29", id="29"),
        pytest.param(D(1994, 6, 15), "30-44", id="30"),
        pytest.param(D(1979, 6, 16), "30-44", id="44"),
        pytest.param(D(1979, 6, 15), "45-59", id="45"),
        pytest.param(D(1964, 6, 16), "45-59", id="59"),
        pytest.param(D(1964, 6, 15), "60+", id="60"),
        pytest.param(D(1920, 1, 1), "60+", id="104"),
        pytest.param(None, None, id="unknown-birth"),
    ],
)
def test_age_band(birth, expected):
    assert age_band(birth, ON) == expected


def test_age_bands_are_contiguous_from_zero():
    assert [label for label, _, _ in AGE_BANDS] == [
        "<18",
        "18-29",
        "30-44",
        "45-59",
        "60+",
    ]
    assert AGE_BANDS[0][1] == 0
    assert AGE_BANDS[-1][2] is None
    for (_, _, highest), (_, lowest, _) in pairwise(AGE_BANDS):
        assert lowest == highest + 1


# --- zones -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("participants", "population", "expected"),
    [
        pytest.param(
            {"Centro": 50, "Norte": 30, "Sur": 10, "Oriente": 5},
            {"Centro": 1000, "Norte": 300, "Sur": 200, "Poniente": 400},
            (
                ZoneShare("Norte", 30, 300, F(1, 10)),
                ZoneShare("Centro", 50, 1000, F(1, 20)),
                ZoneShare("Sur", 10, 200, F(1, 20)),
                ZoneShare("Poniente", 0, 400, F(0)),
                ZoneShare("Oriente", 5, 0, None),
            ),
            id="share-desc-tie-by-key-unknown-population-last",
        ),
        pytest.param(
            {"B": 3, "A": 1, "C": 2},
            {"A": 0},
            (
                ZoneShare("A", 1, 0, None),
                ZoneShare("B", 3, 0, None),
                ZoneShare("C", 2, 0, None),
            ),
            id="zero-population-sorted-by-key",
        ),
        pytest.param(
            {"9": 1, "10": 1},
            {"9": 10, "10": 10},
            (ZoneShare("10", 1, 10, F(1, 10)), ZoneShare("9", 1, 10, F(1, 10))),
            id="tie-uses-str-ordering",
        ),
        pytest.param(
            {"Norte": 12},
            {"Norte": 8},
            (ZoneShare("Norte", 12, 8, F(3, 2)),),
            id="share-above-one-kept-exact",
        ),
        pytest.param({}, {}, (), id="empty"),
    ],
)
def test_shares_of_population(participants, population, expected):
    assert shares_of_population(participants, population) == expected


def test_zone_share_float():
    assert ZoneShare("A", 1, 4, F(1, 4)).share_float == 0.25
    assert ZoneShare("A", 1, 0, None).share_float is None


def test_shares_of_population_rejects_negative_counts():
    with pytest.raises(ValueError):
        shares_of_population({"A": -1}, {"A": 10})


# --- count_by --------------------------------------------------------------


@pytest.mark.parametrize(
    ("keys", "order", "expected_items"),
    [
        pytest.param(
            ["b", "a", "b", None, "a", "b"],
            None,
            [("b", 3), ("a", 2), (None, 1)],
            id="first-seen-order-with-none",
        ),
        pytest.param(
            ["30-44", None, "otro", "30-44"],
            ["<18", "18-29", "30-44"],
            [("<18", 0), ("18-29", 0), ("30-44", 2), (None, 1), ("otro", 1)],
            id="order-first-then-seen",
        ),
        pytest.param(
            ["x", None],
            [None, "y"],
            [(None, 1), ("y", 0), ("x", 1)],
            id="none-in-order",
        ),
        pytest.param([], ["a", "b"], [("a", 0), ("b", 0)], id="empty-with-order"),
        pytest.param([], None, [], id="empty"),
        pytest.param(
            [0, 1, 2, 0, 1, 2, 0],
            [2],
            [(2, 2), (0, 3), (1, 2)],
            id="int-keys",
        ),
    ],
)
def test_count_by(keys, order, expected_items):
    assert list(count_by(keys, order).items()) == expected_items


# --- per_day ---------------------------------------------------------------


def _rows(*triples):
    return tuple(DailyCount(D(*day), count, cum) for day, count, cum in triples)


MOMENTS = [
    datetime(2024, 3, 4, 0, 0),
    datetime(2024, 3, 1, 9, 30),
    D(2024, 3, 3),
    datetime(2024, 3, 1, 23, 59),
]


@pytest.mark.parametrize(
    ("moments", "start", "end", "expected"),
    [
        pytest.param(
            MOMENTS,
            None,
            None,
            _rows(
                ((2024, 3, 1), 2, 2),
                ((2024, 3, 2), 0, 2),
                ((2024, 3, 3), 1, 3),
                ((2024, 3, 4), 1, 4),
            ),
            id="fills-gaps-cumulative",
        ),
        pytest.param(
            MOMENTS,
            D(2024, 2, 28),
            D(2024, 3, 5),
            _rows(
                ((2024, 2, 28), 0, 0),
                ((2024, 2, 29), 0, 0),
                ((2024, 3, 1), 2, 2),
                ((2024, 3, 2), 0, 2),
                ((2024, 3, 3), 1, 3),
                ((2024, 3, 4), 1, 4),
                ((2024, 3, 5), 0, 4),
            ),
            id="wider-bounds-padded-with-zeros",
        ),
        pytest.param(
            MOMENTS,
            D(2024, 3, 2),
            D(2024, 3, 3),
            _rows(((2024, 3, 2), 0, 0), ((2024, 3, 3), 1, 1)),
            id="narrower-bounds-ignore-outside",
        ),
        pytest.param(
            MOMENTS,
            D(2024, 3, 3),
            None,
            _rows(((2024, 3, 3), 1, 1), ((2024, 3, 4), 1, 2)),
            id="start-only",
        ),
        pytest.param(
            MOMENTS,
            None,
            D(2024, 3, 1),
            _rows(((2024, 3, 1), 2, 2)),
            id="end-only",
        ),
        pytest.param([], None, None, (), id="empty"),
        pytest.param(
            [],
            D(2024, 1, 30),
            D(2024, 2, 1),
            _rows(((2024, 1, 30), 0, 0), ((2024, 1, 31), 0, 0), ((2024, 2, 1), 0, 0)),
            id="empty-with-bounds",
        ),
        pytest.param(
            [],
            D(2024, 1, 30),
            None,
            _rows(((2024, 1, 30), 0, 0)),
            id="empty-with-start-only",
        ),
        pytest.param(MOMENTS, D(2024, 4, 1), None, (), id="start-after-all-data"),
    ],
)
def test_per_day(moments, start, end, expected):
    assert per_day(moments, start, end) == expected


def test_per_day_accepts_a_generator():
    moments = (datetime(2024, 3, day, 12) for day in (2, 1, 2))
    assert per_day(moments) == _rows(((2024, 3, 1), 1, 1), ((2024, 3, 2), 2, 3))


def test_per_day_rejects_start_after_end():
    with pytest.raises(ValueError):
        per_day([], D(2024, 3, 2), D(2024, 3, 1))
