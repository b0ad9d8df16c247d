"""Where a point falls: the colonia whose imported boundary covers it."""

from shapely.geometry import Point, shape
from sqlalchemy.orm import joinedload, undefer

from participa.extensions import db
from participa.territory.models import Colonia, Delegacion


def colonia_at(lat: float, lon: float) -> Colonia | None:
    """The colonia whose boundary covers (`lat`, `lon`), or None.

    The stored box picks the few candidates (an index on it); only they are tested against
    their polygon. A point on the edge of two colonias goes to the one created first.
    """
    query = (
        db.select(Colonia)
        .options(undefer(Colonia.boundary), joinedload(Colonia.delegacion))
        .where(
            Colonia.min_lon <= lon,
            Colonia.max_lon >= lon,
            Colonia.min_lat <= lat,
            Colonia.max_lat >= lat,
        )
        .order_by(Colonia.id)
    )
    point = Point(lon, lat)
    for colonia in db.session.execute(query).scalars():
        if shape(colonia.boundary).covers(point):
            return colonia
    return None


def outlines_by_label() -> dict[str, dict]:
    """Colonia label ("Centro (Norte)") -> its simplified outline, for the maps of results.

    One query of the three columns needed: no Colonia objects (a map of 1,500 colonias read
    them with their deferred loads for nothing), the delegación's name joined in."""
    query = (
        db.select(Colonia.name, Delegacion.name, Colonia.outline)
        .join(Delegacion, Colonia.delegacion_id == Delegacion.id)
        .where(Colonia.min_lat.is_not(None), Colonia.outline.is_not(None))
    )
    return {
        f"{name} ({delegacion})": outline for name, delegacion, outline in db.session.execute(query)
    }
