"""The FAIS file of a work and the full works export (CSV and XLSX, filtered)."""

import csv
import io

import sqlalchemy as sa
from openpyxl import load_workbook

from participa.administration.models import WorkFais
from participa.auth.models import Role
from participa.extensions import db
from participa.works.models import FaisCategory, Funding
from tests.factories import login

FAIS = {"incidence": "directa", "category": "agua_potable", "requested": "$1,200,000",
        "committed": "1000000", "programmed": "800,000"}  # fmt: skip


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_staff_save_a_work_fais_file_and_the_work_becomes_fais_eligible(client, works):
    pozo = works.work("Pozo de agua")
    login(client, works.staff.email)
    response = client.post(f"/gestion/administracion/obras/{pozo.id}/fais", data=FAIS)
    assert response.status_code == 302
    db.session.refresh(pozo)
    assert pozo.fais_eligible and pozo.fais_category is FaisCategory.AGUA_POTABLE
    page = client.get(f"/gestion/obras/{pozo.id}").get_data(as_text=True)
    assert "Direct incidence" in page and "$1,200,000" in page and "$800,000" in page


def test_a_bad_fais_file_is_refused_with_a_message_and_nothing_changes(client, works):
    pozo = works.work("Pozo de agua")
    login(client, works.staff.email)
    url = f"/gestion/administracion/obras/{pozo.id}/fais"
    for changes, message in (
        ({"committed": "mil pesos"}, "Write an amount in whole pesos (0 or more)."),
        ({"category": ""}, "Choose the FAIS category of the work."),
        ({"incidence": "no_elegible"}, "has no FAIS amounts: write 0."),
    ):
        response = client.post(url, data={**FAIS, **changes})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert db.session.execute(sa.select(sa.func.count()).select_from(WorkFais)).scalar_one() == 0
    db.session.refresh(pozo)
    assert not pozo.fais_eligible and pozo.fais_category is None


def test_a_work_funded_by_the_fais_cannot_be_made_not_eligible(client, works):
    pozo = works.work("Pozo", funding=Funding.FAIS, fais_eligible=True,
                      fais_category=FaisCategory.AGUA_POTABLE)  # fmt: skip
    login(client, works.staff.email)
    data = {**FAIS, "incidence": "no_elegible", "requested": "0", "committed": "0",
            "programmed": "0"}  # fmt: skip
    response = client.post(f"/gestion/administracion/obras/{pozo.id}/fais", data=data)
    assert "A work funded by the FAIS must be eligible for it." in response.get_data(as_text=True)
    db.session.refresh(pozo)
    assert pozo.fais_eligible


def test_the_export_lists_every_work_with_its_fais_fields_and_filters(client, works, make):
    colonias = make.territory()
    pozo = works.work(
        "Pozo de agua",
        funding=Funding.FAIS,
        fais_eligible=True,
        fais_category=FaisCategory.DRENAJE_LETRINAS,
        zone=f"c{colonias['Centro'].id}",
    )
    works.work("Banquetas")  # a candidate: the export is not only approved priorities
    login(client, works.staff.email)
    client.post(f"/gestion/administracion/obras/{pozo.id}/fais", data=FAIS)
    response = client.get("/gestion/administracion/obras/exportar?formato=csv")
    assert response.is_streamed and "Content-Length" not in response.headers
    every = rows_of(response)
    assert [r["title"] for r in every] == ["Pozo de agua", "Banquetas"]
    first = every[0]
    assert (first["fais_category"], first["fais_incidence"], first["fais_requested"],
            first["fais_committed"], first["fais_programmed"], first["colonia"]) == (
        "agua_potable", "directa", "1200000", "1000000", "800000", "Centro")  # fmt: skip
    assert every[1]["status"] == "candidate" and every[1]["fais_eligible"] == "no"
    only = rows_of(client.get("/gestion/administracion/obras/exportar?formato=csv&fondo=fais"))
    assert [r["title"] for r in only] == ["Pozo de agua"]
    by_colonia = (
        f"/gestion/administracion/obras/exportar?formato=csv&colonia={colonias['Centro'].id}"
    )
    assert [r["title"] for r in rows_of(client.get(by_colonia))] == ["Pozo de agua"]
    none = "/gestion/administracion/obras/exportar?formato=csv&categoria=drenaje_letrinas"
    assert rows_of(client.get(none)) == []
    xlsx = client.get(
        "/gestion/administracion/obras/exportar?formato=xlsx&estado=candidate&categoria=agua_potable"
    )
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    assert [row[1] for row in sheet.iter_rows(values_only=True)] == ["title", "Pozo de agua"]


def test_a_bad_export_filter_says_so_and_residents_cannot_export(client, works, make):
    login(client, works.staff.email)
    response = client.get("/gestion/administracion/obras/exportar?formato=csv&estado=nada")
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)
    client.post("/cuenta/salir")
    login(client, make.user(Role.COUNCIL).email)
    assert client.get("/gestion/administracion/obras/exportar?formato=csv").status_code == 403
