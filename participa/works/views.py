"""Staff pages of needs and works (/gestion/obras): the list, the form and the schedule."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.budgets.projects import parse_pesos
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.works import pages, rounds, schedule, services
from participa.works.forms import STATUS_LABELS, FilterForm, TaskForm, WorkForm
from participa.works.models import (
    FaisCategory,
    Funding,
    Work,
    WorkKind,
    WorkOrigin,
    WorkStatus,
    WorkTask,
)

manage_bp = Blueprint("works", __name__, url_prefix="/gestion/obras")
guard_blueprint(manage_bp, "staff", "admin")


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdecimal() and len(text) <= 9 else None


def _origin(values) -> services.Origin:
    kind = values.get("origin") or ""
    return services.Origin(
        kind=WorkOrigin(kind) if kind in set(WorkOrigin) else WorkOrigin.DIRECT,
        process_id=_int(values.get("process_id")),
        option_id=_int(values.get("option_id")),
        pb_project_id=_int(values.get("pb_project_id")),
        proposal_id=_int(values.get("proposal_id")),
        answer=values.get("answer") or "",
    )


def _data(form: WorkForm) -> services.WorkData:
    return services.WorkData(
        title=form.title.data or "",
        description=form.description.data or "",
        kind=WorkKind(form.kind.data) if form.kind.data in set(WorkKind) else WorkKind.WORK,
        zone=form.zone.data or "",
        # A POST without the field keeps the work's own number (WTForms uses `obj`): text it.
        estimated_cost=parse_pesos(str(form.estimated_cost.data or "")),
        beneficiaries=form.beneficiaries.data,
        directorate=form.directorate.data or "",
        funding=Funding(form.funding.data),
        fais_eligible=form.fais_eligible.data,
        fais_category=FaisCategory(form.fais_category.data) if form.fais_category.data else None,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )


def _form(work: Work | None = None, from_proposal: bool = False, **prefill) -> WorkForm:
    form = WorkForm(obj=work, data=prefill or None)
    if not from_proposal:
        del form.answer  # only a proposal receives a public answer
    form.zone.choices = services.zone_choices()
    form.status.choices = [(s.value, STATUS_LABELS[s]) for s in services.EDITABLE_STATUSES]
    if work is None:
        del form.status  # a new work is a candidate
    else:
        if work.status is WorkStatus.PRIORITY:
            form.status.choices.insert(1, (work.status.value, STATUS_LABELS[work.status]))
        if not form.is_submitted():
            for name in ("kind", "funding", "status"):
                form[name].data = getattr(work, name).value
            form.fais_category.data = work.fais_category.value if work.fais_category else ""
            form.zone.data = services.zone_value(work)
            form.estimated_cost.data = str(work.estimated_cost)
    return form


@manage_bp.route("/")
def index():
    form = FilterForm(request.args)
    form.zona.choices = [("", _("All")), ("m", _("Whole municipality"))] + [
        c for c in services.zone_choices() if c[0]
    ]
    wanted = services.WorkFilter(
        zone=form.zona.data or "",
        status=WorkStatus(form.estado.data) if form.estado.data in set(WorkStatus) else None,
        funding=Funding(form.fondo.data) if form.fondo.data in set(Funding) else None,
        fais={"1": True, "0": False}.get(form.fais.data or ""),
    )
    return pages.render(
        "index.html", form=form, works=services.find_works(wanted), rounds=rounds.rounds()
    )


@manage_bp.route("/nueva", methods=["GET", "POST"])
def new():
    origin = _origin(request.values)
    form = _form(
        from_proposal=origin.kind is WorkOrigin.PROPOSAL,
        **({} if request.method == "POST" else services.prefill(origin)),
    )
    if form.validate_on_submit():
        try:
            work = services.create_work(current_user, _data(form), origin, utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Work saved."), "success")
            return redirect(url_for(".detail", work_id=work.id))
    return pages.render(
        "form.html",
        400 if form.errors or form.form_errors else 200,
        form=form,
        work=None,
        origin=origin,
    )


@manage_bp.route("/<int:work_id>")
def detail(work_id: int):
    return pages.work_page(pages.load(work_id))


@manage_bp.route("/<int:work_id>/tareas", methods=["POST"])
def add_task(work_id: int):
    work, form = pages.load(work_id), TaskForm()
    if form.validate_on_submit():
        data = schedule.TaskData(
            form.title.data or "", form.area.data or "", form.starts_on.data, form.ends_on.data
        )
        try:
            schedule.add_task(current_user, work, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Task added to the schedule."), "success")
            return redirect(url_for(".detail", work_id=work.id, _anchor="schedule"))
    return pages.work_page(work, 400, task_form=form)


def _task(task_id: int) -> WorkTask:
    task = db.session.get(WorkTask, task_id)
    if task is None or not EmptyForm().validate_on_submit():
        abort(404)
    return task


@manage_bp.route("/tareas/<int:task_id>/hecha", methods=["POST"])
def toggle_task(task_id: int):
    task = _task(task_id)
    schedule.set_done(current_user, task, not task.done)
    return redirect(url_for(".detail", work_id=task.work_id, _anchor="schedule"))


@manage_bp.route("/tareas/<int:task_id>/quitar", methods=["POST"])
def remove_task(task_id: int):
    task = _task(task_id)
    work_id = task.work_id
    schedule.remove_task(current_user, task)
    flash(_("Task removed."), "success")
    return redirect(url_for(".detail", work_id=work_id, _anchor="schedule"))


@manage_bp.route("/<int:work_id>/editar", methods=["GET", "POST"])
def edit(work_id: int):
    work = pages.load(work_id)
    form = _form(work)
    if form.validate_on_submit():
        try:
            services.edit_work(current_user, work, _data(form), WorkStatus(form.status.data))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Work saved."), "success")
            return redirect(url_for(".detail", work_id=work.id))
    return pages.render(
        "form.html",
        400 if form.errors or form.form_errors else 200,
        form=form,
        work=work,
        origin=None,
    )


@manage_bp.app_template_global()
def works_from(**source) -> list[Work]:
    """The works that came from a result: the "became work X" link on the source's page."""
    return services.works_from(**source)


@manage_bp.app_template_global()
def proposal_work(proposal) -> Work | None:
    """The need/work a proposal became, for the proposal's pages (proposals cannot ask works)."""
    return services.work_of_proposal(proposal)
