"""Simple boundaries for the demo colonias: a grid of blocks, one row per delegación.

Not real outlines: rectangles inside the default MUNICIPALITY_BOUNDS, so the results pages
draw their colonia map on first start. `static/samples/colonias-ejemplo.geojson` is this same
collection, for staff to try the import (tests/territory check that the two agree).
"""

import json

from flask import current_app

from participa.territory.boundaries import import_boundaries

WEST, NORTH = -103.45, 20.74  # the grid's north-west corner
WIDTH, HEIGHT, GAP = 0.04, 0.03, 0.003  # degrees; the gap reads as a street between blocks


def _block(row: int, column: int) -> list:
    west = WEST + column * WIDTH
    north = NORTH - row * HEIGHT
    east, south = west + WIDTH - GAP, north - HEIGHT + GAP
    corners = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    return [[[round(lon, 4), round(lat, 4)] for lon, lat in corners]]


def sample_collection(territory: dict) -> dict:
    """A GeoJSON FeatureCollection, INEGI style, of `territory` ({delegación: [(colonia,
    population)]})."""
    features = []
    for row, colonias in enumerate(territory.values()):
        for column, (name, population) in enumerate(colonias):
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "CVE_ASEN": f"{row + 1:02d}{column + 1:02d}",
                        "NOM_ASEN": name.upper(),
                        "POBTOT": population,
                    },
                    "geometry": {"type": "Polygon", "coordinates": _block(row, column)},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def demo_boundaries(staff, territory: dict) -> None:
    """Import the grid through the staff's own import, as a real file would come."""
    data = json.dumps(sample_collection(territory)).encode()
    import_boundaries(staff, data, current_app.config["MUNICIPALITY_BOUNDS"])
