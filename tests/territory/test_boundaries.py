"""Colonia boundaries: the GeoJSON import (all or nothing, a background job) and the colonia
of a point.

Jobs run inline in tests (tests/conftest.py), so the page a POST redirects to shows the job's
end; tests/territory/test_boundary_jobs.py covers the job itself (the stored upload, one
import at a time, a failure for good).
"""

import io
import json
import math
import re
from html import unescape

import pytest
from flask_babel import gettext

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.core.jobstore import BackgroundJob
from participa.demo.boundaries import sample_collection
from participa.demo.seed import TERRITORY
from participa.extensions import db
from participa.territory.geo import colonia_at
from participa.territory.models import Colonia
from tests.factories import login

URL = "/gestion/territorio/limites/"
# Blocks near Guadalajara, inside the default MUNICIPALITY_BOUNDS.
CENTRO = [[-103.36, 20.66], [-103.34, 20.66], [-103.34, 20.68], [-103.36, 20.68], [-103.36, 20.66]]
# An L: its box covers (20.695, -103.305), the L itself does not.
LOMAS = [
    [-103.32, 20.68],
    [-103.29, 20.68],
    [-103.29, 20.69],
    [-103.31, 20.69],
    [-103.31, 20.70],
    [-103.32, 20.70],
    [-103.32, 20.68],
]


def feature(name, ring=None, geometry=None, **properties) -> dict:
    geometry = geometry or {"type": "Polygon", "coordinates": [ring or CENTRO]}
    return {"type": "Feature", "properties": {"NOM_ASEN": name, **properties}, "geometry": geometry}


def collection(*features, **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra}).encode()


def upload(client, data: bytes, filename="colonias.geojson", **fields):
    return client.post(
        URL,
        data={"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def refused(client, data: bytes, **fields):
    """Upload a file the job refuses: the page it redirects to, which says why."""
    response = upload(client, data, **fields)
    assert response.status_code == 302 and response.location.endswith(URL)
    page = client.get(URL)
    assert page.status_code == 200
    return page


def problems(response) -> list[str]:
    page = response.get_data(as_text=True)
    found = re.search(r'<ul id="boundary-problems">(.*?)</ul>', page, re.S)
    assert found, "no list of problems"
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def refusal(response) -> str:
    """The message of the refused import's panel, read out as an alert."""
    page = response.get_data(as_text=True)
    found = re.search(
        r'<section class="panel" aria-labelledby="problems-h" role="alert">.*?'
        r'<p id="boundary-refusal">(.*?)</p>',
        page,
        re.S,
    )
    assert found, "no alert saying why nothing was imported"
    return unescape(found.group(1))


def spanish(message: str, **values) -> str:
    return gettext(message, **values)


def job_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(BackgroundJob))


def stored() -> dict:
    rows = db.session.execute(db.select(Colonia.name, Colonia.boundary, Colonia.min_lat))
    return {name: (boundary, low) for name, boundary, low in rows}


@pytest.fixture
def staff(client, make):
    make.user(Role.STAFF, email="staff@example.mx")
    login(client, "staff@example.mx")
    return client


@pytest.fixture
def colonias(make):
    return make.territory()  # Centro and Lomas (Norte), Sauces (Sur)


def test_a_valid_file_gives_each_colonia_its_boundary_and_box(staff, colonias):
    data = collection(feature("CENTRO", CENTRO), feature("lomas", LOMAS, POBTOT=999))
    response = upload(staff, data)
    assert response.status_code == 302
    db.session.expire_all()
    centro, lomas = colonias["Centro"], colonias["Lomas"]
    assert centro.boundary == {"type": "Polygon", "coordinates": [CENTRO]}
    assert (centro.min_lat, centro.max_lat, centro.min_lon, centro.max_lon) == (
        20.66,
        20.68,
        -103.36,
        -103.34,
    )
    assert lomas.outline["type"] == "Polygon"
    assert lomas.population == 500  # existing colonias keep their population
    assert colonias["Sauces"].boundary is None
    event = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "territory.import_boundaries"
    assert event.actor.email == "staff@example.mx"  # who uploaded, though a job stored it
    page = unescape(staff.get(URL).get_data(as_text=True))
    assert "2 de 3 colonias tienen límite" in page
    assert "El archivo se recibió y se está importando" in page  # the flash after the POST
    assert "Límites importados: 2 colonias actualizadas, 0 creadas." in page
    assert 'id="boundary-problems"' not in page and 'role="alert"' not in page


def test_accents_case_and_a_chosen_name_property_match(staff, make):
    make.territory()
    centro = db.session.execute(db.select(Colonia).where(Colonia.name == "Centro")).scalar_one()
    centro.name = "Jardín Centro"
    db.session.commit()
    data = collection(
        {
            "type": "Feature",
            "properties": {"colonia": "x", "NOMBRE_COL": " JARDIN  centro "},
            "geometry": {"type": "Polygon", "coordinates": [CENTRO]},
        }
    )
    assert upload(staff, data, name_property="nombre_col").status_code == 302
    db.session.expire_all()
    assert centro.min_lon == -103.36


def test_missing_colonias_are_created_only_when_asked_in_the_delegacion_chosen(
    staff, make, colonias
):
    data = collection(feature("Centro"), feature("Nueva Esperanza", LOMAS, POBTOT="1,250"))
    assert problems(refused(staff, data)) == [
        'Elemento 2 ("Nueva Esperanza"): no hay ninguna colonia con este nombre en el territorio'
    ]
    sur = colonias["Sauces"].delegacion
    # Staff bring boundaries; new colonias (eligibility, population shares) are the admin's.
    # Refused at once, with no job started.
    jobs_before = job_count()
    by_staff = upload(staff, data, create_missing="y", delegacion_id=sur.id)
    assert by_staff.status_code == 400
    assert "Solo un administrador puede crear colonias." in unescape(by_staff.get_data(True))
    assert "Nueva Esperanza" not in stored()
    make.user(Role.ADMIN, email="admin@example.mx")
    login(staff, "admin@example.mx")
    no_delegacion = upload(staff, data, create_missing="y")
    assert no_delegacion.status_code == 400
    assert "Elige la delegación de las colonias nuevas." in unescape(no_delegacion.get_data(True))
    assert job_count() == jobs_before
    assert upload(staff, data, create_missing="y", delegacion_id=sur.id).status_code == 302
    nueva = db.session.execute(db.select(Colonia).where(Colonia.name == "Nueva Esperanza"))
    nueva = nueva.scalar_one()
    assert (nueva.delegacion_id, nueva.population, nueva.min_lat) == (sur.id, 1250, 20.68)


BOW_TIE = [[-103.36, 20.66], [-103.34, 20.68], [-103.34, 20.66], [-103.36, 20.68], [-103.36, 20.66]]
SWAPPED = [[lat, lon] for lon, lat in CENTRO]
UTM = [[670000, 2285000], [672000, 2285000], [672000, 2287000], [670000, 2285000]]
CDMX = [[-99.14, 19.42], [-99.12, 19.42], [-99.12, 19.44], [-99.14, 19.42]]
# A circle of 20,001 points: valid, inside the municipality, and more than a feature may hold.
MANY_POINTS = [
    [
        -103.35 + 0.01 * math.cos(2 * math.pi * k / 20_000),
        20.67 + 0.01 * math.sin(2 * math.pi * k / 20_000),
    ]
    for k in range(20_000)
]
MANY_POINTS.append(MANY_POINTS[0])
HOLE_OUT = {
    "type": "Polygon",
    "coordinates": [CENTRO, [[-103.2, 20.6], [-103.19, 20.6], [-103.19, 20.61], [-103.2, 20.6]]],
}


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (feature("Lomas", BOW_TIE), "el polígono se cruza consigo mismo"),
        (feature("Lomas", SWAPPED), "sus longitudes y latitudes parecen invertidas"),
        (feature("Lomas", UTM), "sus coordenadas no son longitudes y latitudes en grados"),
        (feature("Lomas", CDMX), "queda fuera del municipio"),
        (feature("Lomas", CENTRO[:3]), "un anillo tiene menos de cuatro puntos"),
        (feature("Lomas", CENTRO[:-1]), "un anillo no está cerrado"),
        (feature("Lomas", geometry=HOLE_OUT), "un hueco queda fuera de su polígono"),
        (
            feature("Lomas", geometry={"type": "Point", "coordinates": [-103.35, 20.67]}),
            "su geometría no es Polygon ni MultiPolygon (es Point)",
        ),
        (
            feature("Lomas", geometry={"type": "Polygon", "coordinates": [["x"]]}),
            "sus coordenadas no son listas de pares de longitud y latitud",
        ),
        (feature("Las Águilas"), "no hay ninguna colonia con este nombre"),
        (feature("Lomas", MANY_POINTS), "tiene más de 20,000 puntos; simplifícalo primero"),
        (feature("centro", LOMAS), "la misma colonia ya venía en el elemento 1"),
    ],
)
def test_each_bad_feature_is_named_and_nothing_is_stored(staff, colonias, bad, message):
    response = refused(staff, collection(feature("Centro"), bad))
    name = bad["properties"]["NOM_ASEN"]
    [problem] = problems(response)
    assert problem.startswith(f'Elemento 2 ("{name}"): {message}'), problem
    assert refusal(response).startswith("No se importó nada: 1 de 2 elementos tienen problemas")
    assert all(boundary is None for boundary, _low in stored().values())


def test_a_feature_without_name_and_every_bad_one_are_listed(staff, colonias):
    nameless = {"type": "Feature", "properties": {"CVE": "7"}, "geometry": feature("x")["geometry"]}
    response = refused(staff, collection(nameless, feature("Lomas", BOW_TIE), feature("Sauces")))
    found = problems(response)
    assert found[0].startswith("Elemento 1: no tiene nombre (se buscaron las propiedades NOM_ASEN")
    assert found[1] == 'Elemento 2 ("Lomas"): el polígono se cruza consigo mismo'
    assert len(found) == 2
    assert all(boundary is None for boundary, _low in stored().values())


def test_two_colonias_of_one_name_need_a_clearer_file(staff, make, colonias):
    sauces = colonias["Sauces"]
    db.session.add(Colonia(name="Centro", delegacion_id=sauces.delegacion_id, population=10))
    db.session.commit()
    [problem] = problems(refused(staff, collection(feature("Centro"))))
    assert "varias colonias tienen este nombre (Centro (Norte), Centro (Sur))" in problem


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "El archivo no es GeoJSON: su texto no se puede leer como JSON."),
        (b"[" * 200_000, "El archivo no es GeoJSON: su texto no se puede leer como JSON."),
        (json.dumps({"type": "Feature"}).encode(), "debe ser una FeatureCollection"),
        (collection(), "El archivo no tiene elementos."),
        (
            collection(
                feature("Centro"), crs={"type": "name", "properties": {"name": "EPSG:6372"}}
            ),
            "usa el sistema de coordenadas EPSG:6372; primero conviértelo a WGS84",
        ),
    ],
)
def test_a_file_that_is_not_a_wgs84_feature_collection_is_refused(staff, colonias, data, message):
    response = refused(staff, data)
    assert message in refusal(response)
    assert 'id="boundary-problems"' not in response.get_data(as_text=True)  # no feature to list
    assert all(boundary is None for boundary, _low in stored().values())


def test_a_declared_wgs84_crs_and_a_multipolygon_are_accepted(staff, colonias):
    both = {"type": "MultiPolygon", "coordinates": [[CENTRO], [LOMAS]]}
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    assert upload(staff, collection(feature("Centro", geometry=both), crs=crs)).status_code == 302
    db.session.expire_all()
    assert colonias["Centro"].max_lon == -103.29


def test_only_staff_and_administrators_import(client, make, colonias):
    make.user(Role.COUNCIL, email="consejo@example.mx")
    login(client, "consejo@example.mx")
    assert client.get(URL).status_code == 403
    assert upload(client, collection(feature("Centro"))).status_code == 403
    assert stored()["Centro"] == (None, None)


def test_without_the_csrf_token_nothing_is_imported(csrf_app, make):
    make.territory()
    make.user(Role.STAFF, email="staff@example.mx")
    client = csrf_app.test_client()
    login(client, "staff@example.mx")
    assert upload(client, collection(feature("Centro"))).status_code == 400
    assert stored()["Centro"] == (None, None)


def test_the_sample_file_is_the_demo_grid(app):
    with open("static/samples/colonias-ejemplo.geojson", encoding="utf-8") as sample:
        assert json.load(sample) == sample_collection(TERRITORY)


# --- the colonia of a point ---------------------------------------------------------------


@pytest.fixture
def drawn(staff, colonias):
    assert (
        upload(staff, collection(feature("Centro", CENTRO), feature("Lomas", LOMAS))).status_code
        == 302
    )
    return colonias


def test_colonia_at_inside_outside_and_inside_the_box_only(drawn):
    assert colonia_at(20.67, -103.35).name == "Centro"
    assert colonia_at(20.685, -103.30).name == "Lomas"
    assert colonia_at(20.695, -103.305) is None  # in Lomas's box, outside the L
    assert colonia_at(20.5, -103.5) is None
    assert colonia_at(20.66, -103.35).name == "Centro"  # on the edge counts


def test_the_endpoint_answers_json_for_anyone(drawn, app):
    client = app.test_client()
    found = client.get("/territorio/colonia-en?lat=20.67&lon=-103.35")
    assert found.status_code == 200
    assert found.get_json() == {"id": drawn["Centro"].id, "label": "Centro (Norte)"}
    nowhere = client.get("/territorio/colonia-en?lat=20.695&lon=-103.305")
    assert (nowhere.status_code, nowhere.get_json()) == (200, {})
    for query in ("", "?lat=20.67", "?lat=abc&lon=-103.35", "?lat=nan&lon=1", "?lat=91&lon=0"):
        bad = client.get(f"/territorio/colonia-en{query}")
        assert bad.status_code == 400, query
        assert "grados decimales" in bad.get_json()["error"]


def test_the_endpoint_is_rate_limited_per_address(database):
    app = database(RATELIMIT_ENABLED=True, RATELIMIT_COLONIA_AT="2/minute")
    with app.app_context():
        client = app.test_client()
        answers = [client.get("/territorio/colonia-en?lat=20.67&lon=-103.35") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        db.session.remove()
