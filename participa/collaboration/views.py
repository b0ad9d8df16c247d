"""Pledges: residents pledge and cancel; staff capture walk-ins, record deliveries, export."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participa.collaboration import pledges, totals
from participa.collaboration.forms import DeliveryForm, PledgeForm, WalkInForm
from participa.collaboration.models import KIND_LABELS, PledgeKind
from participa.core.access import guard_blueprint
from participa.core.csvfile import csv_stream
from participa.core.errors import DomainError, NotAllowed
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.oversight import subjects
from participa.oversight.pages import load, small_int, status_code, today
from participa.processes.types import Component

public_bp = Blueprint("collaboration", __name__, url_prefix="/procesos/<int:process_id>")
manage_bp = Blueprint(
    "collaboration_manage", __name__, url_prefix="/gestion/procesos/<int:process_id>/aportaciones"
)
guard_blueprint(manage_bp, "staff", "admin")


def _render(template: str, status: int = 200, **context):
    return render_template(
        f"collaboration/{template}", pledge_labels=KIND_LABELS, **context
    ), status


def _load(process_id: int, work_id: int | None = None, public: bool = False):
    return load(process_id, work_id, public=public, need=Component.PLEDGES)


def _pledge_data(form) -> pledges.PledgeData:
    return pledges.PledgeData(
        kind=PledgeKind(form.kind.data),
        quantity=form.quantity.data,
        material=form.material.data or "",
        unit=form.unit.data or "",
        note=form.note.data or "",
    )


# --- public pages -----------------------------------------------------------------------


@public_bp.route("/obras/<int:work_id>/aportar", methods=["GET", "POST"])
@login_required
def pledge(process_id: int, work_id: int):
    process, work = _load(process_id, work_id, public=True)
    problem = subjects.participation_problem(process, current_user, today())
    if problem:
        code = 409 if request.method == "POST" else 200
        return _render("pledge_new.html", code, process=process, work=work, problem=problem)
    form = PledgeForm()
    if form.validate_on_submit():
        try:
            pledges.pledge(work, current_user, _pledge_data(form), utcnow(), today())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Thank you. Your pledge was recorded."), "success")
            return redirect(url_for(".mine", process_id=process.id))
    return _render("pledge_new.html", status_code(form), process=process, work=work, form=form)


@public_bp.route("/aportaciones")
def summary(process_id: int):
    process, _work = _load(process_id, public=True)
    works = subjects.works(process)
    per_work = totals.by_work(process)
    return _render(
        "totals.html",
        process=process,
        works=works,
        per_work=per_work,
        per_colonia=totals.by_colonia_named(process),
        money_chart=totals.money_chart(works, per_work),
    )


@public_bp.route("/mis-aportaciones")
@login_required
def mine(process_id: int):
    process, _work = _load(process_id, public=True)
    found = pledges.user_pledges(process, current_user)
    return _render(
        "mine.html",
        process=process,
        pledges=found,
        pending={p.id for p in found if pledges.pending(p)},
        form=EmptyForm(formdata=None),
    )


@public_bp.route("/aportaciones/<int:pledge_id>/cancelar", methods=["POST"])
@login_required
def cancel(process_id: int, pledge_id: int):
    process, _work = _load(process_id, public=True)
    item = pledges.get_pledge(process, pledge_id)
    if item is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            pledges.cancel(current_user, item, utcnow())
        except NotAllowed:
            abort(403)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Your pledge was cancelled."), "success")
    return redirect(url_for(".mine", process_id=process.id))


# --- staff pages ------------------------------------------------------------------------


@manage_bp.route("/")
def manage(process_id: int):
    process, _work = _load(process_id)
    work_id = small_int(request.args.get("obra"))
    return _render(
        "manage.html",
        process=process,
        works=subjects.works(process),
        work_id=work_id,
        pledges=pledges.process_pledges(process, work_id),
    )


@manage_bp.route("/aportaciones.csv")
def export(process_id: int):
    process, _work = _load(process_id)
    rows = totals.csv_rows(pledges.process_pledges(process))
    return Response(
        stream_with_context(csv_stream(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="aportaciones-{process.id}.csv"'},
    )


def _walk_in_form(process) -> WalkInForm:
    form = WalkInForm()
    form.work_id.choices = [(w.id, w.name) for w in subjects.works(process)]
    form.colonia_id.choices = [("", _("Choose…"))] + [
        (str(c.id), c.name) for c in subjects.colonias()
    ]
    return form


@manage_bp.route("/nueva", methods=["GET", "POST"])
def walk_in(process_id: int):
    process, _work = _load(process_id)
    form = _walk_in_form(process)
    if form.validate_on_submit():
        work = subjects.get_work(process, form.work_id.data or 0)
        try:
            if work is None:
                raise DomainError(_("Choose a work from the list."), field="work_id")
            pledges.record_walk_in(
                current_user,
                work,
                form.person_name.data,
                small_int(form.colonia_id.data),
                _pledge_data(form),
                utcnow(),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Pledge recorded."), "success")
            return redirect(url_for(".manage", process_id=process.id))
    return _render("walk_in.html", status_code(form), process=process, form=form)


def _render_pledge(process, item, form, status=200):
    return _render("pledge_manage.html", status, process=process, pledge=item, form=form)


def _get(process, pledge_id: int):
    item = pledges.get_pledge(process, pledge_id)
    if item is None:
        abort(404)
    return item


@manage_bp.route("/<int:pledge_id>")
def detail(process_id: int, pledge_id: int):
    process, _work = _load(process_id)
    form = DeliveryForm(formdata=None, delivered_on=today())
    return _render_pledge(process, _get(process, pledge_id), form)


@manage_bp.route("/<int:pledge_id>/entrega", methods=["POST"])
def deliver(process_id: int, pledge_id: int):
    process, _work = _load(process_id)
    item = _get(process, pledge_id)
    form = DeliveryForm()
    if form.validate_on_submit():
        data = pledges.DeliveryData(
            form.quantity.data, form.delivered_on.data, form.note.data or ""
        )
        try:
            pledges.record_delivery(current_user, item, data, today())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Delivery recorded."), "success")
            return redirect(url_for(".detail", process_id=process.id, pledge_id=item.id))
    return _render_pledge(process, item, form, 400)
