"""Reading a CURP: birth date and sex, real-world exceptions as warnings, clear reasons."""

from datetime import date

import pytest
from stdnum.mx.curp import calc_check_digit

from participa.auth.curp import InvalidCurp, parse_curp
from participa.auth.models import Sex


def with_check(body: str) -> str:
    """Complete a 17-character CURP body with its right check digit."""
    assert len(body) == 17
    return body + calc_check_digit(body)


def wrong_check(body: str) -> str:
    right = calc_check_digit(body)
    return body + str((int(right) + 1) % 10)


GOOD_1990_M = with_check("GOMA900517MJCRRN0")


@pytest.mark.parametrize(
    ("curp", "birth", "sex", "warnings"),
    [
        (GOOD_1990_M, date(1990, 5, 17), Sex.M, ()),
        (with_check("PELJ851231HDFRPN0"), date(1985, 12, 31), Sex.H, ()),
        (with_check("BOXW310820HNERXN0"), date(1931, 8, 20), Sex.H, ()),
        # Born in the 2000s: the 17th character is a letter.
        (with_check("RAMA040229MJCMRNA"), date(2004, 2, 29), Sex.M, ()),
        (with_check("LUCA150101HJCRRSB"), date(2015, 1, 1), Sex.H, ()),
        # Non-binary marker X, issued since 2023: accepted, with a warning.
        (with_check("GOMA900517XJCRRN0"), date(1990, 5, 17), Sex.X, ("sex_x",)),
        (with_check("GOMA030517XJCRRNA"), date(2003, 5, 17), Sex.X, ("sex_x",)),
        # First four letters on stdnum's word blacklist, yet issued by RENAPO.
        (with_check("BUEY900102HJCRRS0"), date(1990, 1, 2), Sex.H, ("blacklisted_word",)),
        (with_check("PUTO851010MJCRRS0"), date(1985, 10, 10), Sex.M, ("blacklisted_word",)),
        (
            with_check("CACA900102XJCRRS0"),
            date(1990, 1, 2),
            Sex.X,
            ("sex_x", "blacklisted_word"),
        ),
    ],
)
def test_valid_curp_gives_birth_date_sex_and_warnings(curp, birth, sex, warnings):
    info = parse_curp(curp)
    assert info.curp == curp
    assert info.birth_date == birth
    assert info.sex is sex
    assert info.warnings == warnings


@pytest.mark.parametrize(
    "typed",
    [
        GOOD_1990_M.lower(),
        f"  {GOOD_1990_M}  ",
        f"{GOOD_1990_M[:4]} {GOOD_1990_M[4:10]} {GOOD_1990_M[10:]}",
        f"{GOOD_1990_M[:4]}-{GOOD_1990_M[4:10]}-{GOOD_1990_M[10:]}".lower(),
    ],
)
def test_lowercase_spaces_and_dashes_are_normalised(typed):
    assert parse_curp(typed).curp == GOOD_1990_M


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (wrong_check("GOMA900517MJCRRN0"), "checksum"),
        (wrong_check("GOMA900517XJCRRN0"), "checksum"),
        (wrong_check("BUEY900102HJCRRS0"), "checksum"),
        (GOOD_1990_M[:17], "length"),
        (GOOD_1990_M + "0", "length"),
        ("", "length"),
        (None, "length"),
        ("1OMA900517MJCRRN05", "format"),  # a digit among the name letters
        ("GOMA9O0517MJCRRN05", "format"),  # a letter O in the date
        ("GOMA900517MJCRRN0A", "format"),  # the check digit is a letter
        ("GOMA9005-17MJCRRN0", "length"),
        (with_check("GOMA901317MJCRRN0"), "date"),  # month 13
        (with_check("GOMA900231MJCRRN0"), "date"),  # 31 February
        (with_check("GOMA010229MJCRRNA"), "date"),  # 2001 is not a leap year
        (with_check("GOMA900517MZZRRN0"), "date"),  # no state ZZ
        (with_check("GOMA900517XZZRRN0"), "date"),  # bad state hidden behind an X
        (with_check("BUEY901317HJCRRS0"), "date"),  # bad date hidden behind a blacklisted word
    ],
)
def test_invalid_curp_has_a_reason(text, reason):
    with pytest.raises(InvalidCurp) as raised:
        parse_curp(text)
    assert raised.value.reason == reason


def test_unknown_sex_marker_is_refused():
    with pytest.raises(InvalidCurp):
        parse_curp(with_check("GOMA900517QJCRRN0"))
