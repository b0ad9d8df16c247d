"""Formula-safe CSV: cells a spreadsheet would run are written as text."""

import pytest

from participa.core.csvfile import safe_cell


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@a", "'@a"),
        ("normal", "normal"),
        (-3, -3),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralised(value, written):
    assert safe_cell(value) == written
