"""The office's annual plan: the council reads it (Gantt, printable); staff edit it."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from participa.core import documents
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.officeplan import gantt, links, plan
from participa.officeplan.forms import ActivityForm, EvidenceForm, LinkForm, PlanForm
from participa.officeplan.models import (
    ActivityEvidence,
    ActivityLink,
    ActivityStatus,
    LinkKind,
    PlanActivity,
    WorkPlan,
)
from participa.officeplan.pages import render, small_int, today

read_bp = Blueprint("plan_read", __name__, url_prefix="/consejo/plan")
guard_blueprint(read_bp, "council", "staff", "admin")
manage_bp = Blueprint("plan_manage", __name__, url_prefix="/gestion/plan")
guard_blueprint(manage_bp, "staff", "admin")


def _plan(year: int) -> WorkPlan:
    found = plan.plan_for(year)
    if found is None:
        abort(404)
    return found


@read_bp.route("/")
def index():
    plans = plan.plans()
    if plans and "todos" not in request.args:
        return redirect(url_for(".show", year=plans[0].year))
    return render("index.html", plans=plans)


def _gantt_page(template: str, year: int):
    found = _plan(year)
    return render(template, plan=found, gantt=gantt.build(found, today()), plans=plan.plans())


@read_bp.route("/<int:year>")
def show(year: int):
    return _gantt_page("plan.html", year)


@read_bp.route("/<int:year>/imprimir")
def printable(year: int):
    return _gantt_page("plan_print.html", year)


@read_bp.route("/actividad/<int:activity_id>")
def activity(activity_id: int):
    found = db.get_or_404(PlanActivity, activity_id)
    kind = request.args.get("kind")
    link_form = LinkForm(formdata=None, kind=kind)
    if kind in set(LinkKind):
        link_form.target.choices = links.choices(LinkKind(kind))
    return render(
        "activity.html",
        activity=found,
        when=gantt.span(found.plan.year, found.start_month, found.end_month),
        overdue=found.is_overdue(today()),
        linked=links.resolve(found.links),
        link_labels=links.LINK_LABELS,
        evidence_form=EvidenceForm(formdata=None),
        link_form=link_form,
        chosen_kind=kind if kind in set(LinkKind) else None,
        button=EmptyForm(formdata=None),
    )


@read_bp.route("/evidencia/<int:evidence_id>")
def evidence(evidence_id: int):
    found = db.get_or_404(ActivityEvidence, evidence_id)
    folder = plan.evidence_folder(current_app.instance_path)
    response = send_from_directory(
        folder,
        found.file_name,
        mimetype="application/pdf",
        # A download named *.pdf, whatever name it came with (x.html must not open inline).
        as_attachment=True,
        download_name=documents.download_name(found.original_name),
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@manage_bp.route("/nuevo", methods=["GET", "POST"])
def new_plan():
    form = PlanForm()
    if form.validate_on_submit():
        try:
            found = plan.create_plan(current_user, small_int(form.year.data, 4), form.title.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Plan created. Add its activities."), "success")
            return redirect(url_for("plan_read.show", year=found.year))
    return render("plan_form.html", 400 if form.errors else 200, form=form)


def _activity_form(work_plan: WorkPlan, activity: PlanActivity | None = None) -> ActivityForm:
    form = ActivityForm(obj=activity) if activity else ActivityForm()
    tops = [a for a in plan.ordered(work_plan) if a.parent_id is None and a is not activity]
    form.parent_id.choices = [("", _("None (a main activity)"))] + [
        (str(a.id), f"{a.number}. {a.title}") for a in tops
    ]
    months = [(str(m), gantt.month(work_plan.year, m).name.capitalize()) for m in range(1, 13)]
    form.start_month.choices = form.end_month.choices = months
    if activity and request.method == "GET":
        form.parent_id.data = str(activity.parent_id or "")
        form.start_month.data, form.end_month.data = (
            str(activity.start_month),
            str(activity.end_month),
        )
        form.status.data = activity.status.value
    return form


def _activity_data(form: ActivityForm) -> plan.ActivityData:
    status = form.status.data
    return plan.ActivityData(
        number=form.number.data or "",
        title=form.title.data or "",
        parent_id=small_int(form.parent_id.data),
        start_month=small_int(form.start_month.data, 2),
        end_month=small_int(form.end_month.data, 2),
        owner=form.owner.data or "",
        status=ActivityStatus(status) if status in set(ActivityStatus) else ActivityStatus.PENDING,
    )


def _save_activity(work_plan: WorkPlan, activity: PlanActivity | None):
    form = _activity_form(work_plan, activity)
    if form.validate_on_submit():
        try:
            if activity is None:
                activity = plan.add_activity(current_user, work_plan, _activity_data(form))
            else:
                plan.edit_activity(current_user, activity, _activity_data(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Activity saved."), "success")
            return redirect(url_for("plan_read.activity", activity_id=activity.id))
    status = 400 if form.errors or form.form_errors else 200
    return render("activity_form.html", status, form=form, plan=work_plan, activity=activity)


@manage_bp.route("/<int:year>/actividades/nueva", methods=["GET", "POST"])
def new_activity(year: int):
    return _save_activity(_plan(year), None)


@manage_bp.route("/actividad/<int:activity_id>/editar", methods=["GET", "POST"])
def edit_activity(activity_id: int):
    found = db.get_or_404(PlanActivity, activity_id)
    return _save_activity(found.plan, found)


def _back(activity_id: int):
    return redirect(url_for("plan_read.activity", activity_id=activity_id))


@manage_bp.route("/actividad/<int:activity_id>/evidencia", methods=["POST"])
def add_evidence(activity_id: int):
    found = db.get_or_404(PlanActivity, activity_id)
    form = EvidenceForm()
    upload = request.files.get("file")
    data = upload.read(plan.MAX_READ) if upload else b""
    try:
        if not form.validate_on_submit():
            abort(400)
        folder = plan.evidence_folder(current_app.instance_path)
        plan.attach_evidence(
            current_user, found, upload.filename if upload else "", data, folder, utcnow()
        )
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Evidence attached."), "success")
    return _back(found.id)


@manage_bp.route("/actividad/<int:activity_id>/enlaces", methods=["POST"])
def add_link(activity_id: int):
    found = db.get_or_404(PlanActivity, activity_id)
    form = LinkForm()
    kind = form.kind.data
    if not form.validate_on_submit() or kind not in set(LinkKind):
        abort(400)
    known = {row_id for row_id, _label in links.choices(LinkKind(kind))}
    try:
        plan.add_link(current_user, found, LinkKind(kind), small_int(form.target.data) or 0, known)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Link added."), "success")
    return _back(found.id)


@manage_bp.route("/enlace/<int:link_id>/quitar", methods=["POST"])
def remove_link(link_id: int):
    found = db.get_or_404(ActivityLink, link_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    activity_id = found.activity_id
    plan.remove_link(current_user, found)
    flash(_("Link removed."), "success")
    return _back(activity_id)
