"""Staff pages of requests to other offices, and the period's totals with the council's expenses."""

from flask import Blueprint, Response, abort, flash, redirect, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.access import guard_blueprint
from participa.core.csvfile import csv_stream
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.council.models import CouncilSession
from participa.council.operations import pesos
from participa.extensions import db
from participa.officeplan import links, plan, purchases
from participa.officeplan.forms import ItemForm, RequestForm, RequestStatusForm
from participa.officeplan.models import LinkKind, Office, OfficeRequest, RequestStatus
from participa.officeplan.pages import render, small_int, today, year_arg

bp = Blueprint("office_requests", __name__, url_prefix="/gestion/solicitudes")
guard_blueprint(bp, "staff", "admin")


@bp.route("/")
def index():
    year = year_arg() or today().year
    return render(
        "requests.html",
        year=year,
        years=sorted(set(purchases.years()) | {year}, reverse=True),
        totals=purchases.period_totals(year),
        requests=purchases.requests_of(year),
        pesos=pesos,
    )


@bp.route("/solicitudes.csv")
def export():
    year = year_arg()
    return Response(
        stream_with_context(csv_stream(purchases.csv_rows(year))),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="solicitudes-oficina.csv"'},
    )


def _request_form() -> RequestForm:
    form = RequestForm()
    if not form.year.data:
        form.year.data = str(today().year)
    activities = [a for p in plan.plans() for a in plan.ordered(p)]
    form.activity_id.choices = [("", _("None"))] + [
        (str(a.id), f"{a.plan.year} · {a.number}. {a.title}") for a in activities
    ]
    form.council_session_id.choices = [("", _("None"))] + [
        (str(i), label) for i, label in links.choices(LinkKind.SESSION)
    ]
    return form


@bp.route("/nueva", methods=["GET", "POST"])
def new():
    form = _request_form()
    if form.validate_on_submit():
        office = form.office.data
        data = purchases.RequestData(
            year=small_int(form.year.data, 4),
            office=Office(office) if office in set(Office) else Office.OTHER,
            subject=form.subject.data or "",
            activity_id=small_int(form.activity_id.data),
            council_session_id=small_int(form.council_session_id.data),
        )
        try:
            found = purchases.create_request(current_user, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Request created. Add its items."), "success")
            return redirect(url_for(".detail", request_id=found.id))
    return render("request_form.html", 400 if form.errors else 200, form=form)


def _detail(found: OfficeRequest, item_form=None, status_form=None, status=200):
    return render(
        "request.html",
        status,
        found=found,
        session=db.session.get(CouncilSession, found.council_session_id)
        if found.council_session_id
        else None,
        item_form=item_form or ItemForm(formdata=None),
        status_form=status_form or RequestStatusForm(formdata=None),
        next_status=purchases.NEXT_STATUS[found.status],
        pesos=pesos,
    )


@bp.route("/<int:request_id>")
def detail(request_id: int):
    return _detail(db.get_or_404(OfficeRequest, request_id))


@bp.route("/<int:request_id>/partidas", methods=["POST"])
def add_item(request_id: int):
    found = db.get_or_404(OfficeRequest, request_id)
    form = ItemForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        purchases.add_item(
            current_user,
            found,
            form.description.data or "",
            form.quantity.data or "",
            form.unit_amount.data or "",
        )
    except DomainError as error:
        show_error(form, error)
        return _detail(found, item_form=form, status=400)
    flash(_("Item added."), "success")
    return redirect(url_for(".detail", request_id=found.id))


@bp.route("/<int:request_id>/estado", methods=["POST"])
def set_status(request_id: int):
    found = db.get_or_404(OfficeRequest, request_id)
    form = RequestStatusForm()
    if not form.validate_on_submit() or form.status.data not in set(RequestStatus):
        return _detail(found, status_form=form, status=400)
    try:
        purchases.set_status(
            current_user,
            found,
            RequestStatus(form.status.data),
            form.answer.data or "",
            form.answered_on.data,
        )
    except DomainError as error:
        show_error(form, error)
        return _detail(found, status_form=form, status=400)
    flash(_("Request updated."), "success")
    return redirect(url_for(".detail", request_id=found.id))
