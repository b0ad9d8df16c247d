"""Coordinates people type (latitude, longitude): both or neither, inside the municipality."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from participa.core.errors import DomainError


def check_coordinates(latitude: float | None, longitude: float | None) -> None:
    """DomainError (on "latitude" or "longitude") unless both are missing or both fall inside
    `MUNICIPALITY_BOUNDS` (config.py), which also catches swapped or mistyped values."""
    if (latitude is None) != (longitude is None):
        raise DomainError(_l("Give both latitude and longitude, or neither."), field="latitude")
    if latitude is None:
        return
    bounds = current_app.config["MUNICIPALITY_BOUNDS"]
    if not bounds["lat"][0] <= latitude <= bounds["lat"][1]:
        raise DomainError(_l("That latitude is outside the municipality."), field="latitude")
    if not bounds["lon"][0] <= longitude <= bounds["lon"][1]:
        raise DomainError(_l("That longitude is outside the municipality."), field="longitude")
