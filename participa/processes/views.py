"""Process pages: the public list and page, and staff management."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import local_today
from participa.extensions import db
from participa.processes import components, services
from participa.processes.forms import PhaseForm, ProcessForm, TransitionForm
from participa.processes.models import Phase
from participa.processes.types import (
    RESULTS_PUBLIC_STATUSES,
    TRANSITIONS,
    ProcessStatus,
    ScopeKind,
    transition_label,
)
from participa.territory.services import colonia_choices, delegaciones

public_bp = Blueprint("processes", __name__, url_prefix="/procesos")
manage_bp = Blueprint("manage", __name__, url_prefix="/gestion/procesos")
guard_blueprint(manage_bp, "staff", "admin")


@public_bp.route("/")
def index():
    chosen = request.args.get("estado", "")
    statuses = {
        "abiertos": {ProcessStatus.OPEN, ProcessStatus.PUBLISHED},
        "concluidos": {ProcessStatus.CLOSED} | RESULTS_PUBLIC_STATUSES,
    }.get(chosen)
    processes = services.public_processes(statuses) if statuses else services.public_processes()
    return render_template("processes/index.html", processes=processes, chosen=chosen)


@public_bp.route("/<int:process_id>")
def detail(process_id: int):
    process = services.get_process(process_id, public=True)
    today = local_today(get_timezone())
    return render_template(
        "processes/detail.html",
        process=process,
        today=today,
        panels=components.detail_panels(process, user_or_none(), today),
    )


def user_or_none():
    return current_user if current_user.is_authenticated else None


def _process_form(process=None) -> ProcessForm:
    form = ProcessForm(obj=process)
    if process is not None and request.method == "GET":
        form.type.data, form.scope.data = process.type.value, process.scope.value
        form.delegacion_ids.data = [d.id for d in process.delegaciones]
        form.colonia_ids.data = [c.id for c in process.colonias]
    form.delegacion_ids.choices = [(d.id, d.name) for d in delegaciones()]
    form.colonia_ids.choices = colonia_choices()
    return form


def _process_data(form: ProcessForm) -> services.ProcessData:
    return services.ProcessData(
        type=form.process_type(),
        title=form.title.data,
        description=form.description.data or "",
        scope=ScopeKind(form.scope.data),
        delegacion_ids=tuple(form.delegacion_ids.data or ()),
        colonia_ids=tuple(form.colonia_ids.data or ()),
        min_age=form.min_age.data,
        require_confirmed_contact=bool(form.require_confirmed_contact.data),
    )


@manage_bp.route("/")
def manage_index():
    return render_template("processes/manage_index.html", processes=services.all_processes())


@manage_bp.route("/nuevo", methods=["GET", "POST"])
@manage_bp.route("/<int:process_id>/editar", methods=["GET", "POST"])
def edit(process_id: int | None = None):
    process = services.get_process(process_id) if process_id else None
    form = _process_form(process)
    if form.validate_on_submit():
        try:
            if process is None:
                process = services.create_process(current_user, _process_data(form))
            else:
                services.update_process(current_user, process, _process_data(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Process saved."), "success")
            return redirect(url_for(".manage", process_id=process.id))
    return render_template("processes/edit.html", form=form, process=process), (
        400 if form.errors else 200
    )


def _render_manage(process, phase_form, status=200):
    transitions = [
        (t, transition_label(process.type, process.status, t)) for t in TRANSITIONS[process.status]
    ]
    return render_template(
        "processes/manage.html",
        process=process,
        transitions=transitions,
        problems=services.readiness_problems(process),
        phase_form=phase_form,
        panels=components.manage_panels(process),
    ), status


@manage_bp.route("/<int:process_id>")
def manage(process_id: int):
    return _render_manage(services.get_process(process_id), PhaseForm(formdata=None))


@manage_bp.route("/<int:process_id>/estado", methods=["POST"])
def change_status(process_id: int):
    process = services.get_process(process_id)
    form = TransitionForm()
    if not form.validate_on_submit() or form.target.data not in set(ProcessStatus):
        abort(400)
    try:
        services.change_status(current_user, process, ProcessStatus(form.target.data))
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Status changed."), "success")
    return redirect(url_for(".manage", process_id=process.id))


@manage_bp.route("/<int:process_id>/fases", methods=["POST"])
def add_phase(process_id: int):
    process = services.get_process(process_id)
    form = PhaseForm()
    if form.validate_on_submit():
        try:
            services.add_phase(
                current_user,
                process,
                form.name.data,
                form.starts_on.data,
                form.ends_on.data,
                form.description.data or "",
                announces_results=bool(form.announces_results.data),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Phase added."), "success")
            return redirect(url_for(".manage", process_id=process.id))
    return _render_manage(process, form, 400)


def _phase_of(process_id: int, phase_id: int) -> Phase:
    """The phase `phase_id` of process `process_id`, or 404 (another process's phase too)."""
    phase = db.session.get(Phase, phase_id)
    if phase is None or phase.process_id != process_id:
        abort(404)
    return phase


@manage_bp.route("/<int:process_id>/fases/<int:phase_id>/editar", methods=["GET", "POST"])
def edit_phase(process_id: int, phase_id: int):
    phase = _phase_of(process_id, phase_id)
    form = PhaseForm(obj=phase)
    if form.validate_on_submit():
        data = services.PhaseData(
            name=form.name.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            description=form.description.data or "",
            announces_results=bool(form.announces_results.data),
        )
        try:
            services.edit_phase(current_user, phase, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Phase saved."), "success")
            return redirect(url_for(".manage", process_id=process_id))
    return render_template("processes/edit_phase.html", form=form, phase=phase), (
        400 if form.errors else 200
    )


@manage_bp.route("/<int:process_id>/fases/<int:phase_id>/borrar", methods=["POST"])
def delete_phase(process_id: int, phase_id: int):
    phase = _phase_of(process_id, phase_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.delete_phase(current_user, phase)
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for(".manage", process_id=process_id))
