"""Colonia boundaries imported from a GeoJSON FeatureCollection, all or nothing.

Each feature is a Polygon or MultiPolygon in WGS84 longitude/latitude whose properties name an
existing colonia (INEGI's `NOM_ASEN`, or one of NAME_PROPERTIES, or the property staff name).
Every feature is checked before anything is stored; one bad feature stores nothing, and the
error names each bad feature by its position and name. The cost grows with the file (up to
COLONIA_BOUNDARIES_MAX bytes and MAX_FEATURES features), so the page does not call this in
its request: it stores the upload and a background job imports it
(participa/territory/boundary_jobs.py); the demo seed calls it directly.
"""

import json
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from participa.audit.services import record
from participa.core.errors import DomainError
from participa.extensions import db
from participa.territory import shapes
from participa.territory.models import Colonia, Delegacion

# Tried in this order, whatever their case (INEGI's Marco Geoestadístico first).
NAME_PROPERTIES = ("NOM_ASEN", "NOMASEN", "NOM_COL", "NOMBRE", "nombre", "name", "colonia")
POPULATION_PROPERTIES = ("POBTOT", "POBLACION", "poblacion", "population", "POB")
WGS84 = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"}
MAX_FEATURES = 10_000
REPORT_EVERY = 250  # features between two progress reports


def _no_report(position: int, total: int) -> None:
    pass


class BoundaryImportError(DomainError):
    """Nothing was imported; `problems` says what is wrong with each bad feature."""

    def __init__(self, message, problems: list | None = None):
        super().__init__(message, field="file")
        self.problems = problems or []


@dataclass(frozen=True)
class Boundary:
    """One checked feature: the colonia it belongs to (or the name of one to create)."""

    position: int
    name: str
    geometry: dict
    outline: dict
    box: tuple  # min_lat, max_lat, min_lon, max_lon
    colonia: Colonia | None
    population: int


@dataclass(frozen=True)
class ImportResult:
    updated: int
    created: int


def normalised(name: str) -> str:
    """Compare names without accents, case or repeated spaces ("Jardínes " = "JARDINES")."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def _property(properties: dict, names) -> object:
    folded = {str(k).casefold(): v for k, v in properties.items()}
    for name in names:
        value = folded.get(name.casefold())
        if value not in (None, ""):
            return value
    return None


def read_features(data: bytes) -> list:
    """The features of a GeoJSON FeatureCollection in WGS84; a file-level error otherwise."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):  # "[[[[…": too deep
        raise BoundaryImportError(
            _l("The file is not GeoJSON: its text cannot be read as JSON.")
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryImportError(_l("The file must be a GeoJSON FeatureCollection."))
    crs = ((document.get("crs") or {}).get("properties") or {}).get("name")
    if crs is not None and crs not in WGS84:
        raise BoundaryImportError(
            _l(
                "The file uses the coordinate system %(crs)s; convert it to WGS84 "
                "(EPSG:4326) first.",
                crs=str(crs)[:80],
            )
        )
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryImportError(_l("The file has no features."))
    if len(features) > MAX_FEATURES:
        raise BoundaryImportError(
            _l("The file has more than %(n)s features.", n=f"{MAX_FEATURES:,}")
        )
    return features


def _population(properties: dict) -> int:
    value = _property(properties, POPULATION_PROPERTIES)
    try:
        number = int(str(value).replace(",", "").strip())
    except ValueError:
        return 0
    return number if 0 <= number <= 50_000_000 else 0


def _feature_name(properties: dict, name_property: str | None) -> str:
    names = (name_property,) if name_property else NAME_PROPERTIES
    value = _property(properties, names)
    return " ".join(str(value).split())[:120] if value is not None else ""


def _match(name: str, colonias_by_name: dict, create_missing: bool):
    """(colonia or None to create, problem or None)."""
    found = colonias_by_name.get(normalised(name), [])
    if len(found) == 1:
        return found[0], None
    if len(found) > 1:
        labels = ", ".join(c.label for c in found[:5])
        return None, _l("several colonias have this name (%(labels)s)", labels=labels)
    if create_missing:
        return None, None
    return None, _l("there is no colonia with this name in the territory")


def _problem_line(position: int, name: str, problem) -> str:
    if name:
        return str(
            _l('Element %(n)s ("%(name)s"): %(problem)s', n=position, name=name, problem=problem)
        )
    return str(_l("Element %(n)s: %(problem)s", n=position, problem=problem))


def check_features(
    features: list,
    bounds: dict,
    *,
    name_property: str | None = None,
    create_missing: bool = False,
    report=_no_report,
) -> list[Boundary]:
    """Every feature checked and matched to its colonia; BoundaryImportError lists the bad ones.

    `report(position, total)` is told every REPORT_EVERY features how far the checks are."""
    colonias_by_name: dict[str, list[Colonia]] = {}
    for colonia in db.session.execute(db.select(Colonia)).scalars():
        colonias_by_name.setdefault(normalised(colonia.name), []).append(colonia)
    seen: dict[str, int] = {}
    checked, problems = [], []
    for position, feature in enumerate(features, start=1):
        if position % REPORT_EVERY == 0:
            report(position, len(features))
        feature = feature if isinstance(feature, dict) else {}
        properties = (
            feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        )
        name = _feature_name(properties, name_property)
        looked_for = name_property or ", ".join(NAME_PROPERTIES)
        geometry, problem = shapes.check_shape(feature.get("geometry"), bounds)
        colonia = None
        if problem is None and not name:
            problem = _l("it has no name (looked for the properties %(names)s)", names=looked_for)
        if problem is None:
            colonia, problem = _match(name, colonias_by_name, create_missing)
        if problem is None and normalised(name) in seen:
            problem = _l("the same colonia came in element %(n)s", n=seen[normalised(name)])
        if problem is not None:
            problems.append(_problem_line(position, name, problem))
            continue
        seen[normalised(name)] = position
        min_lon, min_lat, max_lon, max_lat = geometry.bounds
        checked.append(
            Boundary(
                position,
                name,
                shapes.plain(feature["geometry"]),
                shapes.outline(geometry),
                (min_lat, max_lat, min_lon, max_lon),
                colonia,
                _population(properties),
            )
        )
    if problems:
        raise BoundaryImportError(
            _l(
                "Nothing was imported: %(n)s of %(total)s elements have problems. Fix them and "
                "upload the file again.",
                n=len(problems),
                total=len(features),
            ),
            problems,
        )
    return checked


def import_boundaries(
    actor,
    data: bytes,
    bounds: dict,
    *,
    name_property: str | None = None,
    create_missing_in: Delegacion | None = None,
    report=_no_report,
) -> ImportResult:
    """Store every feature's boundary on its colonia (creating missing colonias in
    `create_missing_in` if given), all or nothing; colonias absent from the file keep theirs.

    `actor` is a user or a user's id (the audit record names them); `report` as in
    check_features."""
    features = read_features(data)
    checked = check_features(
        features,
        bounds,
        name_property=name_property,
        create_missing=create_missing_in is not None,
        report=report,
    )
    created = 0
    for boundary in checked:
        colonia = boundary.colonia
        if colonia is None:
            colonia = Colonia(
                name=boundary.name, delegacion=create_missing_in, population=boundary.population
            )
            db.session.add(colonia)
            created += 1
        colonia.boundary, colonia.outline = boundary.geometry, boundary.outline
        colonia.min_lat, colonia.max_lat, colonia.min_lon, colonia.max_lon = boundary.box
    result = ImportResult(updated=len(checked) - created, created=created)
    db.session.flush()
    record(actor, "territory.import_boundaries", features=len(checked), **result.__dict__)
    db.session.commit()
    return result
