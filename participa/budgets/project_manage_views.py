"""Staff pages of PB projects: the list, adding and editing by form, CSV import, the technical
review and execution follow-up."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from participa.budgets import project_import, project_staff, projects
from participa.budgets.ballot_views import load
from participa.budgets.ballots import ballots
from participa.budgets.models import ExecutionStatus, PbProject, ProjectStatus
from participa.budgets.project_forms import (
    EXECUTION_LABELS,
    PROJECT_STATUS_LABELS,
    ExecutionForm,
    ProjectAddForm,
    ProjectEditForm,
    ProjectImportForm,
    ReviewForm,
    staff_project_data,
)
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.numbers import money
from participa.core.timeutil import utcnow
from participa.core.uploads import MAX_PHOTO_BYTES, NAME_PATTERN, photo_folder
from participa.extensions import db

manage_bp = Blueprint(
    "pb_review", __name__, url_prefix="/gestion/procesos/<int:process_id>/proyectos"
)
guard_blueprint(manage_bp, "staff", "admin")


def _render(template: str, status: int = 200, **context):
    labels = {"project_labels": PROJECT_STATUS_LABELS, "execution_labels": EXECUTION_LABELS}
    return render_template(f"budgets/projects/{template}", **labels, **context), status


def _load_project(process_id: int, project_id: int):
    process = load(process_id)[0]
    project = db.session.get(PbProject, project_id)
    if project is None or project.ballot.process_id != process.id:
        abort(404)
    return process, project


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
        columns=project_import.COLUMNS,
        funding={p.id: projects.funding(p) for b in found for p in b.projects},
        can_change=process.status in projects.BEFORE_VOTING,
    )


@manage_bp.route("/")
def manage(process_id: int):
    process, _ballot = load(process_id)
    return _render_index(process, _import_form(process))


@manage_bp.route("/fotos/<name>")
def photo(process_id: int, name: str):
    """A project's photo for staff, also while the process is a draft (not public yet)."""
    process, _ballot = load(process_id)
    if not NAME_PATTERN.match(name) or not projects.has_photo(process, name):
        abort(404)
    folder = photo_folder(current_app.instance_path)
    return send_from_directory(folder, name, mimetype="image/jpeg", max_age=0)


@manage_bp.route("/ejemplo.csv")
def example_csv(process_id: int):
    load(process_id)
    # A BOM so Excel reads the accents of "título" and "descripción" right.
    return Response(
        "\ufeff" + project_import.example_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=proyectos-ejemplo.csv"},
    )


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


def _zone_choices(form, process, ballot) -> None:
    """The whole zone, then each delegación with its colonias, as the works' zones read."""
    choices = [("", _("The whole zone of the ballot"))]
    colonias = projects.zone_colonias(process, ballot)
    whole = projects.whole_delegaciones(colonias)
    for delegacion in sorted({c.delegacion for c in colonias}, key=lambda d: d.name):
        if delegacion.id in whole:  # else only some of its colonias vote on this ballot
            choices.append((f"d{delegacion.id}", delegacion.name))
        choices += [(f"c{c.id}", f"— {c.name}") for c in colonias if c.delegacion == delegacion]
    form.zone.choices = choices


def _zone_value(project: PbProject) -> str:
    if project.colonia_id:
        return f"c{project.colonia_id}"
    return f"d{project.delegacion_id}" if project.delegacion_id else ""


def _show(form, error: DomainError) -> None:
    """Put the service's error on its field; its colonia is the staff form's zone."""
    if error.field == "colonia_id":
        error.field = "zone"
    show_error(form, error)


def _photo_change(form: ProjectEditForm) -> project_staff.PhotoChange:
    upload = form.photo.data  # the stored file name when none was sent (the form reads obj)
    return project_staff.PhotoChange(
        upload=upload.read(MAX_PHOTO_BYTES + 1) if isinstance(upload, FileStorage) else None,
        alt=form.photo_alt.data or "",
        remove=form.remove_photo.data,
    )


def _render_form(template, form, **context):
    status = 400 if form.errors or form.form_errors else 200
    process = context["process"]
    return _render(template, status, form=form, categories=projects.categories(process), **context)


@manage_bp.route("/nuevo", methods=["GET", "POST"])
def add(process_id: int):
    process, _ballot = load(process_id)
    form = ProjectAddForm()
    form.ballot_id.choices = [(b.id, f"{b.name} ({money(b.amount)})") for b in ballots(process)]
    _zone_choices(form, process, None)
    if form.validate_on_submit():
        ballot = next((b for b in ballots(process) if b.id == form.ballot_id.data), None)
        try:
            if ballot is None:
                raise DomainError(_("Choose a ballot from the list."), field="ballot_id")
            folder = photo_folder(current_app.instance_path)
            data, photo = staff_project_data(form), _photo_change(form)
            project_staff.add_project(
                current_user, ballot, data, photo, form.feasible.data, folder, utcnow()
            )
        except DomainError as error:
            _show(form, error)
        else:
            flash(_("Project added to “%(b)s”.", b=ballot.name), "success")
            return redirect(url_for(".manage", process_id=process.id))
    can_change = process.status in projects.BEFORE_VOTING and bool(form.ballot_id.choices)
    return _render_form("add.html", form, process=process, can_change=can_change)


@manage_bp.route("/<int:project_id>/editar", methods=["GET", "POST"])
def edit(process_id: int, project_id: int):
    process, project = _load_project(process_id, project_id)
    form = ProjectEditForm(obj=project)
    _zone_choices(form, process, project.ballot)
    if not form.is_submitted():
        form.zone.data = _zone_value(project)
    if form.validate_on_submit():
        folder = photo_folder(current_app.instance_path)
        try:
            project_staff.edit_project(
                current_user, project, staff_project_data(form), _photo_change(form), folder
            )
        except DomainError as error:
            _show(form, error)
        else:
            flash(_("Project saved."), "success")
            return redirect(url_for(".review", process_id=process.id, project_id=project.id))
    can_change = process.status in projects.BEFORE_VOTING
    return _render_form("edit.html", form, process=process, project=project, can_change=can_change)


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
