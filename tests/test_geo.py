"""One coordinate check for every domain: both or neither, inside MUNICIPALITY_BOUNDS."""

import pytest

from participa.core.errors import DomainError
from participa.core.geo import check_coordinates


def test_missing_or_inside_the_municipality_passes(app):
    check_coordinates(None, None)
    check_coordinates(20.66, -103.35)


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [(20.6, None, "latitude"), (19.43, -99.13, "latitude"), (20.66, -99.13, "longitude")],
)
def test_outside_or_half_given_is_refused(app, lat, lon, field):
    with pytest.raises(DomainError) as error:
        check_coordinates(lat, lon)
    assert error.value.field == field


def test_the_setting_decides(app):
    app.config["MUNICIPALITY_BOUNDS"] = {"lat": (19.0, 20.0), "lon": (-100.0, -99.0)}
    check_coordinates(19.43, -99.13)
    with pytest.raises(DomainError):
        check_coordinates(20.66, -103.35)
