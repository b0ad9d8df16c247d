"""The checks of one imported boundary: a valid Polygon or MultiPolygon inside the municipality.

Pure geometry (NumPy for the coordinates, GEOS through Shapely for validity): no database. Each
check returns a problem, a sentence for staff, or None.
"""

import numpy
import shapely
from flask_babel import lazy_gettext as _l
from shapely import GEOSException
from shapely.validation import explain_validity

TOLERANCE = 0.05  # degrees (about 5 km) around MUNICIPALITY_BOUNDS: edges drawn generously
# Points of one feature at most: a colonia's boundary has hundreds; the public point lookup
# reads the whole shape, so a hostile file of a million points would make it slow.
MAX_POINTS = 20_000
DRAWING_TOLERANCE = 0.0001  # degrees (about 10 m): the outline drawn on the results pages


def _points(geometry: dict) -> list:
    """The polygons of a Polygon or MultiPolygon, each a list of rings as (n, 2) arrays, or
    ValueError if the nesting is wrong or a coordinate is not a finite number."""
    coordinates = geometry.get("coordinates")
    polygons = [coordinates] if geometry["type"] == "Polygon" else coordinates
    if not isinstance(polygons, list) or not polygons:
        raise ValueError
    found = []
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise ValueError
        rings = []
        found.append(rings)
        for ring in polygon:
            points = numpy.asarray(ring, dtype=float)  # ValueError if ragged or not numbers
            if (
                points.ndim != 2
                or points.shape[1] not in (2, 3)
                or not numpy.isfinite(points).all()
            ):
                raise ValueError
            rings.append(points[:, :2])
    return found


def _ring_problem(rings: list):
    for ring in rings:
        if len(ring) < 4:
            return _l("a ring has fewer than four points")
        if not numpy.array_equal(ring[0], ring[-1]):
            return _l("a ring is not closed (its first and last points differ)")
    return None


def _place_problem(rings: list, bounds: dict):
    points = numpy.concatenate(rings)
    lons, lats = points[:, 0], points[:, 1]
    (lat_lo, lat_hi), (lon_lo, lon_hi) = bounds["lat"], bounds["lon"]

    def inside(ys, xs) -> bool:
        return bool(
            lat_lo - TOLERANCE <= ys.min()
            and ys.max() <= lat_hi + TOLERANCE
            and lon_lo - TOLERANCE <= xs.min()
            and xs.max() <= lon_hi + TOLERANCE
        )

    if inside(lats, lons):
        return None
    if inside(lons, lats):
        return _l("its longitudes and latitudes seem swapped (GeoJSON puts longitude first)")
    if numpy.abs(lons).max() > 180 or numpy.abs(lats).max() > 90:
        return _l(
            "its coordinates are not longitudes and latitudes in degrees; convert the file "
            "to WGS84 (EPSG:4326)"
        )
    return _l("it lies outside the municipality")


def _validity_problem(geometry):
    if geometry.is_valid:
        return None
    reason = explain_validity(geometry)
    if reason.startswith(("Self-intersection", "Ring Self-intersection")):
        return _l("the polygon crosses itself")
    if reason.startswith("Hole lies outside shell"):
        return _l("a hole lies outside its polygon")
    return _l("the polygon is not valid (%(reason)s)", reason=reason.split("[")[0])


def check_shape(raw, bounds: dict):
    """(shapely geometry, None) for a valid polygon inside `bounds`, or (None, problem)."""
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        kind = raw.get("type") if isinstance(raw, dict) else None
        return None, _l(
            "its geometry is not a Polygon or MultiPolygon (it is %(kind)s)",
            kind=str(kind or _l("missing"))[:40],
        )
    try:
        polygons = _points(raw)
    except (ValueError, TypeError):
        return None, _l("its coordinates are not lists of longitude and latitude pairs")
    rings = [ring for polygon in polygons for ring in polygon]
    if sum(len(ring) for ring in rings) > MAX_POINTS:
        return None, _l(
            "it has more than %(n)s points; simplify it first (a tolerance of 1 m is enough)",
            n=f"{MAX_POINTS:,}",
        )
    problem = _ring_problem(rings) or _place_problem(rings, bounds)
    if problem:
        return None, problem
    try:
        parts = [shapely.Polygon(shell, holes) for shell, *holes in polygons]
    except (GEOSException, ValueError):
        return None, _l("its coordinates are not lists of longitude and latitude pairs")
    geometry = parts[0] if raw["type"] == "Polygon" else shapely.MultiPolygon(parts)
    problem = _validity_problem(geometry)
    return (None, problem) if problem else (geometry, None)


def plain(raw: dict) -> dict:
    return {"type": raw["type"], "coordinates": raw["coordinates"]}


def outline(geometry) -> dict:
    """The shape simplified to about 10 m, coordinates rounded to about 1 m: for drawing."""
    simple = geometry.simplify(DRAWING_TOLERANCE, preserve_topology=True)
    parts = getattr(simple, "geoms", [simple])
    polygons = [
        [numpy.round(numpy.asarray(ring.coords)[:, :2], 5).tolist() for ring in rings]
        for rings in ([part.exterior, *part.interiors] for part in parts)
    ]
    if simple.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons}
