"""Staff pages of a work's FAIS file and of the full works export
(/gestion/administracion/obras)."""

from flask import Blueprint, Response, flash, redirect, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user

from participa.administration import export, fais
from participa.administration.forms import ExportForm, FaisForm
from participa.administration.models import FaisIncidence
from participa.administration.views import render
from participa.budgets.projects import parse_pesos
from participa.core.access import guard_blueprint
from participa.core.csvfile import csv_stream
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.timeutil import utcnow
from participa.core.xlsxfile import xlsx_stream
from participa.extensions import db
from participa.territory.models import Colonia
from participa.works.models import FaisCategory, Funding, WorkStatus
from participa.works.pages import load

bp = Blueprint("administration_fais", __name__, url_prefix="/gestion/administracion/obras")
guard_blueprint(bp, "staff", "admin")


def _data(form: FaisForm) -> fais.FaisData:
    incidence = form.incidence.data
    return fais.FaisData(
        FaisIncidence(incidence) if incidence in set(FaisIncidence) else FaisIncidence.NO_ELEGIBLE,
        FaisCategory(form.category.data) if form.category.data in set(FaisCategory) else None,
        *(parse_pesos(form[name].data or "") for name in fais.AMOUNTS),
    )


def _prefill(form: FaisForm, work) -> None:
    found = fais.fais_of(work)
    form.incidence.data = (found.incidence if found else FaisIncidence.NO_ELEGIBLE).value
    form.category.data = work.fais_category.value if work.fais_category else ""
    for name in fais.AMOUNTS:
        form[name].data = str(getattr(found, name) if found else 0)


@bp.route("/<int:work_id>/fais", methods=["GET", "POST"])
def edit_fais(work_id: int):
    work, form = load(work_id), FaisForm()
    if form.validate_on_submit():
        try:
            fais.save_fais(current_user, work, _data(form), utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("FAIS file saved."), "success")
            return redirect(url_for("works.detail", work_id=work.id, _anchor="fais"))
    elif not form.is_submitted():
        _prefill(form, work)
    status = 400 if form.errors or form.form_errors else 200
    return render("fais_form.html", status, form=form, work=work)


def _filter(form: ExportForm) -> export.ExportFilter:
    def pick(enum, value):
        return enum(value) if value in set(enum) else None

    colonia = form.colonia.data or ""
    return export.ExportFilter(
        status=pick(WorkStatus, form.estado.data),
        funding=pick(Funding, form.fondo.data),
        fais_category=pick(FaisCategory, form.categoria.data),
        colonia_id=int(colonia) if colonia.isdecimal() and len(colonia) <= 9 else None,
    )


def _download(form: ExportForm) -> Response:
    rows = export.rows(_filter(form))
    if form.formato.data == "xlsx":
        body, mimetype = (
            xlsx_stream(rows, "obras"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    else:
        body, mimetype = csv_stream(rows), "text/csv"
    name = f"obras.{'xlsx' if form.formato.data == 'xlsx' else 'csv'}"
    return Response(
        stream_with_context(body),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.route("/exportar")
def export_form():
    form = ExportForm(request.args)
    colonias = db.session.execute(db.select(Colonia.id, Colonia.name).order_by(Colonia.name))
    form.colonia.choices = [("", pgettext("feminine", "All"))] + [
        (str(i), name) for i, name in colonias
    ]
    if "formato" in request.args and form.validate():
        return _download(form)
    return render("export.html", 400 if form.errors else 200, form=form)
