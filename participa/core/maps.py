"""Maps (Leaflet, vendored in static/vendor/): their settings, markers and security headers.

The map only enhances a page: places are typed as latitude and longitude (the form fields
stay), and every map view lists its items as links. Settings in config.py (MAP_*).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, g, request
from sqlalchemy import func

from participa.extensions import db


@dataclass(frozen=True)
class Marker:
    """One point of a map view: where, what it is called, its page and a short status."""

    latitude: float
    longitude: float
    title: str
    url: str
    status: str = ""

    def as_json(self) -> dict:
        return {
            "lat": round(self.latitude, 6),
            "lon": round(self.longitude, 6),
            "title": self.title,
            "url": self.url,
            "status": self.status,
        }


@dataclass(frozen=True)
class Located:
    """The items of a filtered set that have a place (at most a cap), and those that do not."""

    items: list
    capped: bool  # more items had a place than the map shows
    unplaced: int  # items of the set without coordinates


def has_place(item) -> bool:
    return item.latitude is not None and item.longitude is not None


def locate(query, model, cap: int) -> Located:
    """Split `query` (a select of `model`, already filtered and ordered) by having a place.

    Two statements: the first `cap` + 1 placed rows, and a count of the unplaced ones."""
    placed = query.where(model.latitude.is_not(None), model.longitude.is_not(None))
    found = list(db.session.execute(placed.limit(cap + 1)).scalars())
    unplaced = query.where(model.latitude.is_(None) | model.longitude.is_(None)).order_by(None)
    count = db.session.execute(db.select(func.count()).select_from(unplaced.subquery())).scalar()
    return Located(found[:cap], len(found) > cap, count or 0)


def locate_rows(rows: list, cap: int, item=lambda row: row) -> Located:
    """The same split for rows already in memory (`item(row)` has the coordinates)."""
    placed = [row for row in rows if has_place(item(row))]
    return Located(placed[:cap], len(placed) > cap, len(rows) - len(placed))


def marker_cap() -> int:
    return current_app.config["MAP_MARKERS_MAX"]


def settings() -> dict:
    """What a map needs on the page (data attributes): tiles, attribution, centre, bounds."""
    config = current_app.config
    bounds = config["MUNICIPALITY_BOUNDS"]
    (south, north), (west, east) = bounds["lat"], bounds["lon"]
    centre = config["MAP_CENTER"] or ((south + north) / 2, (west + east) / 2)
    return {
        "tiles": config["MAP_TILE_URL"],
        "attribution": config["MAP_TILE_ATTRIBUTION"],
        "center": f"{centre[0]:.6f},{centre[1]:.6f}",
        "zoom": config["MAP_ZOOM"],
        "max_zoom": config["MAP_MAX_ZOOM"],
        "bounds": f"{south},{west},{north},{east}",
    }


def tile_source(tile_url: str) -> str:
    """The origin of the tile server for the CSP's img-src ("" when tiles are our own).

    A `{s}` subdomain placeholder becomes a wildcard ("https://*.tile.example.org")."""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return ""
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def content_security_policy(base: str, tile_url: str) -> str:
    """`base` with the tile server added to img-src, so map tiles may load."""
    source = tile_source(tile_url)
    if not source:
        return base
    return base.replace("img-src 'self' data:", f"img-src 'self' data: {source}", 1)


def allow_geolocation() -> str:
    """Mark the page as one that may ask for the device's location ("Use my location").

    Called by the place picker macro; the response then says geolocation=(self) in its
    Permissions-Policy, every other page keeps geolocation=(). Returns "" for the template."""
    g.geolocation_allowed = True
    return ""


def geolocation_allowed() -> bool:
    return bool(g.get("geolocation_allowed"))


def same_query() -> str:
    """ "?" and this request's query (its filters), for a link between a list and its map."""
    query = request.query_string.decode("ascii", "replace")
    return f"?{query}" if query else ""
