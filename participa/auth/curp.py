"""Read a CURP with python-stdnum, tolerating what real CURPs do that stdnum refuses.

stdnum refuses the sex marker `X` (non-binary, issued since 2023) and CURPs whose first four
letters are on its word blacklist, although RENAPO issued a few of those. Both are accepted
here with a warning; length, format, birth date, state and check digit are still enforced.
"""

from dataclasses import dataclass, field
from datetime import date

from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.mx import curp as stdnum_curp

from participa.auth.models import Sex


class InvalidCurp(ValueError):
    """The text is not a valid CURP; `reason` is one of: length, format, date, checksum."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CurpInfo:
    curp: str
    birth_date: date
    sex: Sex
    warnings: tuple[str, ...] = field(default=())


def _probe(number: str) -> str:
    """The same CURP with a neutral name prefix and sex, to test its other components."""
    sex = "H" if number[10] == "X" else number[10]
    return "XXXX" + number[4:10] + sex + number[11:]


def _component_warnings(number: str) -> tuple[str, ...]:
    try:
        stdnum_curp.validate(_probe(number), validate_check_digits=False)
    except InvalidComponent as error:
        raise InvalidCurp("date") from error
    if number[-1] != stdnum_curp.calc_check_digit(number):
        raise InvalidCurp("checksum")
    warnings = []
    if number[10] == "X":
        warnings.append("sex_x")
    # The check digit was already verified on the real number; the H twin's would differ.
    twin = number[:10] + _probe(number)[10] + number[11:]
    if not stdnum_curp.is_valid(twin, validate_check_digits=False):
        warnings.append("blacklisted_word")
    return tuple(warnings)


def parse_curp(text: str) -> CurpInfo:
    """Validate `text` as a CURP and return it with the birth date and sex it encodes."""
    number = stdnum_curp.compact(text or "")
    warnings: tuple[str, ...] = ()
    try:
        stdnum_curp.validate(number)
    except InvalidChecksum as error:
        raise InvalidCurp("checksum") from error
    except InvalidComponent:
        warnings = _component_warnings(number)
    except ValidationError as error:
        raise InvalidCurp("length" if len(number) != 18 else "format") from error
    return CurpInfo(
        curp=number,
        birth_date=stdnum_curp.get_birth_date(number),
        sex=Sex(number[10]),
        warnings=warnings,
    )
