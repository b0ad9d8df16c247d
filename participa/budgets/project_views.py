"""Project proposals (public), their technical review, CSV import and execution (staff)."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user, login_required

from participa.budgets import project_import, projects
from participa.budgets.ballot_views import load
from participa.budgets.ballots import ballots
from participa.budgets.models import ExecutionStatus, PbProject, ProjectStatus
from participa.budgets.project_forms import (
    EXECUTION_LABELS,
    PROJECT_STATUS_LABELS,
    ExecutionForm,
    FilterForm,
    ProjectEditForm,
    ProjectImportForm,
    ProposalForm,
    ReviewForm,
)
from participa.core import paging
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.numbers import money
from participa.core.timeutil import utcnow
from participa.core.uploads import MAX_PHOTO_BYTES, NAME_PATTERN, photo_folder
from participa.extensions import db
from participa.processes.types import ProcessStatus

public_bp = Blueprint("pb_projects", __name__, url_prefix="/procesos/<int:process_id>/proyectos")
manage_bp = Blueprint(
    "pb_review", __name__, url_prefix="/gestion/procesos/<int:process_id>/proyectos"
)
guard_blueprint(manage_bp, "staff", "admin")

PHOTO_MAX_AGE = 365 * 24 * 3600  # names are random and files never change


def _render(template: str, status: int = 200, **context):
    labels = {"project_labels": PROJECT_STATUS_LABELS, "execution_labels": EXECUTION_LABELS}
    return render_template(f"budgets/projects/{template}", **labels, **context), status


def _public_process(process_id: int):
    process, _ballot = load(process_id)
    if process.status is ProcessStatus.DRAFT:
        abort(404)
    return process


def _load_project(process_id: int, project_id: int, public: bool = False):
    process = _public_process(process_id) if public else load(process_id)[0]
    project = db.session.get(PbProject, project_id)
    if project is None or project.ballot.process_id != process.id:
        abort(404)
    return process, project


# --- public pages -----------------------------------------------------------------------


def _filter_form(process) -> FilterForm:
    form = FilterForm(request.args)
    form.boleta.choices = [("", pgettext("feminine", "All"))] + [
        (str(b.id), b.name) for b in ballots(process)
    ]
    form.categoria.choices = [("", pgettext("feminine", "All"))] + [
        (c, c) for c in projects.categories(process)
    ]
    return form


def _small_int(text: str | None) -> int | None:
    """A positive id or page number from the query string; None for anything else."""
    return int(text) if text and text.isdecimal() and len(text) <= 9 else None


def _wanted(form: FilterForm) -> projects.ProjectFilter:
    mine = request.args.get("mios") and current_user.is_authenticated
    return projects.ProjectFilter(
        ballot_id=_small_int(form.boleta.data),
        category=form.categoria.data or "",
        status=ProjectStatus(form.estado.data) if form.estado.data in set(ProjectStatus) else None,
        search=(form.q.data or "")[:100],
        author_id=current_user.id if mine else None,
    )


@public_bp.route("/")
def index(process_id: int):
    process = _public_process(process_id)
    form = _filter_form(process)
    page = paging.requested_page()
    found, more = projects.find_projects(process, _wanted(form), page)
    paging.beyond_the_end(page, found)
    return _render(
        "index.html",
        process=process,
        form=form,
        projects=found,
        funding={p.id: projects.funding(p) for p in found},
        page=page,
        more=more,
        can_propose=bool(projects.open_ballots(process)),
    )


@public_bp.route("/<int:project_id>")
def detail(process_id: int, project_id: int):
    process, project = _load_project(process_id, project_id, public=True)
    is_author = current_user.is_authenticated and project.author_id == current_user.id
    return _render(
        "detail.html",
        process=process,
        project=project,
        funded=projects.funding(project),
        is_author=is_author,
    )


@public_bp.route("/fotos/<name>")
def photo(process_id: int, name: str):
    process = _public_process(process_id)
    if not NAME_PATTERN.match(name) or not projects.has_photo(process, name):
        abort(404)
    folder = photo_folder(current_app.instance_path)
    return send_from_directory(folder, name, mimetype="image/jpeg", max_age=PHOTO_MAX_AGE)


def _proposal_form(process, eligible) -> ProposalForm:
    form = ProposalForm()
    form.ballot_id.choices = [(b.id, f"{b.name} ({money(b.amount)})") for b in eligible]
    colonias = projects.zone_colonias(process, None)
    form.colonia_id.choices = [("", _("None in particular"))] + [
        (str(c.id), c.name) for c in colonias
    ]
    if not form.is_submitted() and current_user.colonia_id in {c.id for c in colonias}:
        form.colonia_id.data = str(current_user.colonia_id)
    return form


def _project_data(form: ProposalForm) -> projects.ProjectData:
    colonia = form.colonia_id.data
    return projects.ProjectData(
        title=form.title.data,
        description=form.description.data,
        category=form.category.data,
        estimated_cost=form.estimated_cost.data,
        colonia_id=_small_int(colonia),
        location=form.location.data or "",
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )


def _submit_proposal(process, form: ProposalForm):
    ballot = next((b for b in ballots(process) if b.id == form.ballot_id.data), None)
    if ballot is None:
        form.ballot_id.errors.append(_("Choose a ballot from the list."))
        return None
    upload = form.photo.data
    photo = upload.read(MAX_PHOTO_BYTES + 1) if upload else None
    folder = photo_folder(current_app.instance_path)
    data = _project_data(form)
    try:
        return projects.propose_project(ballot, current_user, data, photo, folder, utcnow())
    except DomainError as error:
        show_error(form, error)
        return None


@public_bp.route("/nuevo", methods=["GET", "POST"])
@login_required
def propose(process_id: int):
    process = _public_process(process_id)
    checked = [
        (b, projects.proposal_problem(b, current_user)) for b in projects.open_ballots(process)
    ]
    eligible = [b for b, problem in checked if problem is None]
    if not eligible:
        problem = checked[0][1] if checked else _("This process is not taking project proposals.")
        return _render(
            "propose.html",
            409 if request.method == "POST" else 200,
            process=process,
            form=None,
            problem=problem,
        )
    form = _proposal_form(process, eligible)
    if form.validate_on_submit() and (project := _submit_proposal(process, form)):
        flash(_("Thank you. Your project was received; the office will review it."), "success")
        return redirect(url_for(".detail", process_id=process.id, project_id=project.id))
    return _render(
        "propose.html",
        400 if form.errors or form.form_errors else 200,
        process=process,
        form=form,
        categories=projects.categories(process),
    )


# --- staff pages ------------------------------------------------------------------------


def _import_form(process) -> ProjectImportForm:
    form = ProjectImportForm()
    form.ballot_id.choices = [(b.id, b.name) for b in ballots(process)]
    return form


def _render_index(process, import_form, status=200):
    found = ballots(process)
    return _render(
        "manage.html",
        status,
        process=process,
        ballots=found,
        import_form=import_form,
        funding={p.id: projects.funding(p) for b in found for p in b.projects},
        can_change=process.status in projects.BEFORE_VOTING,
    )


@manage_bp.route("/")
def manage(process_id: int):
    process, _ballot = load(process_id)
    return _render_index(process, _import_form(process))


@manage_bp.route("/importar", methods=["POST"])
def import_csv(process_id: int):
    process, _ballot = load(process_id)
    form = _import_form(process)
    if form.validate_on_submit():
        _process, ballot = load(process_id, form.ballot_id.data)
        try:
            rows = project_import.parse_projects_csv(ballot, form.file.data.read())
            count = project_import.import_projects(current_user, ballot, rows, utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("%(n)s projects imported into “%(b)s”.", n=count, b=ballot.name), "success")
            return redirect(url_for(".manage", process_id=process.id))
    return _render_index(process, form, 400)


def _review_form(project: PbProject) -> ReviewForm:
    if project.status is ProjectStatus.PROPOSED:
        return ReviewForm()
    return ReviewForm(
        data={
            "decision": project.status.value,
            "cost": project.cost,
            "reason": project.review_reason,
        }
    )


@manage_bp.route("/<int:project_id>", methods=["GET", "POST"])
def review(process_id: int, project_id: int):
    process, project = _load_project(process_id, project_id)
    form = _review_form(project)
    if form.validate_on_submit():
        decision = projects.Review(
            form.decision.data == "feasible", form.cost.data, form.reason.data or ""
        )
        try:
            projects.review_project(current_user, project, decision, utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Review saved."), "success")
            return redirect(url_for(".manage", process_id=process.id))
    status = 400 if form.errors or form.form_errors else 200
    can_change = process.status in projects.BEFORE_VOTING
    return _render(
        "review.html", status, process=process, project=project, form=form, can_change=can_change
    )


@manage_bp.route("/<int:project_id>/editar", methods=["GET", "POST"])
def edit(process_id: int, project_id: int):
    process, project = _load_project(process_id, project_id)
    form = ProjectEditForm(obj=project)
    if form.validate_on_submit():
        try:
            projects.edit_project(
                current_user, project, form.title.data, form.description.data, form.category.data
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Project saved."), "success")
            return redirect(url_for(".review", process_id=process.id, project_id=project.id))
    status = 400 if form.errors or form.form_errors else 200
    return _render("edit.html", status, process=process, project=project, form=form)


@manage_bp.route("/<int:project_id>/ejecucion", methods=["GET", "POST"])
def execution(process_id: int, project_id: int):
    process, project = _load_project(process_id, project_id)
    form = ExecutionForm(obj=project)
    if form.validate_on_submit():
        update = projects.Execution(
            ExecutionStatus(form.execution_status.data),
            form.progress.data,
            form.execution_note.data or "",
        )
        try:
            projects.update_execution(current_user, project, update)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Execution saved."), "success")
            return redirect(url_for(".manage", process_id=process.id))
    status = 400 if form.errors or form.form_errors else 200
    return _render(
        "execution.html",
        status,
        process=process,
        project=project,
        form=form,
        funded=projects.funding(project),
    )
