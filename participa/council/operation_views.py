"""Staff page of the council's expenses: totals per period, their status, a CSV download."""

from flask import Blueprint, Response, abort, flash, redirect, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.access import guard_blueprint
from participa.core.csvfile import csv_stream
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.council import operations
from participa.council.forms import OperationFilterForm, OperationStatusForm
from participa.council.models import OperationKind, OperationRequest, OperationStatus
from participa.council.pages import render
from participa.extensions import db

bp = Blueprint("council_operations", __name__, url_prefix="/gestion/consejo/operaciones")
guard_blueprint(bp, "staff", "admin")


def _filter() -> tuple[OperationFilterForm, operations.OperationFilter]:
    form = OperationFilterForm(request.args)
    form.anio.choices = [("", _("All"))] + [(str(y), str(y)) for y in operations.years()]
    year = form.anio.data
    wanted = operations.OperationFilter(
        year=int(year) if year and year.isdecimal() and len(year) == 4 else None,
        kind=OperationKind(form.tipo.data) if form.tipo.data in set(OperationKind) else None,
        status=(
            OperationStatus(form.estado.data) if form.estado.data in set(OperationStatus) else None
        ),
    )
    return form, wanted


@bp.route("/")
def index():
    form, wanted = _filter()
    found = operations.totals(wanted)
    return render(
        "operations.html",
        form=form,
        totals=found,
        year_totals=operations.year_totals(wanted),
        grand_total=sum(t.cents for t in found),
        requests=operations.find_requests(wanted),
        next_status=operations.NEXT_STATUS,
        pesos=operations.pesos,
        status_form=OperationStatusForm(formdata=None),
        query=request.query_string.decode(),
    )


@bp.route("/solicitudes.csv")
def export():
    _form, wanted = _filter()
    return Response(
        stream_with_context(csv_stream(operations.csv_rows(wanted))),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="operaciones-consejo.csv"'},
    )


@bp.route("/<int:request_id>/estado", methods=["POST"])
def set_status(request_id: int):
    found = db.get_or_404(OperationRequest, request_id)
    form = OperationStatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        operations.set_status(current_user, found, OperationStatus(form.status.data), utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Request updated."), "success")
    return redirect(url_for(".index"))
