"""Public pages of PB projects: the list, a project, its photo, and residents' proposals."""

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

from participa.budgets import projects
from participa.budgets.ballot_views import load
from participa.budgets.ballots import ballots
from participa.budgets.models import PbProject, ProjectStatus
from participa.budgets.project_forms import (
    EXECUTION_LABELS,
    PROJECT_STATUS_LABELS,
    FilterForm,
    ProposalForm,
    project_data,
    small_int,
)
from participa.core import maps, paging
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.numbers import money
from participa.core.timeutil import utcnow
from participa.core.uploads import MAX_PHOTO_BYTES, NAME_PATTERN, photo_folder
from participa.extensions import db
from participa.processes.types import ProcessStatus

public_bp = Blueprint("pb_projects", __name__, url_prefix="/procesos/<int:process_id>/proyectos")

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


def _wanted(form: FilterForm) -> projects.ProjectFilter:
    mine = request.args.get("mios") and current_user.is_authenticated
    return projects.ProjectFilter(
        ballot_id=small_int(form.boleta.data),
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


@public_bp.route("/mapa")
def map_view(process_id: int):
    """The projects of the list's filters on a map (those with a place), capped."""
    process = _public_process(process_id)
    form = _filter_form(process)
    located = maps.locate(projects.matching(process, _wanted(form)), PbProject, maps.marker_cap())
    markers = [
        maps.Marker(
            p.latitude,
            p.longitude,
            p.title,
            url_for(".detail", process_id=process.id, project_id=p.id),
            str(PROJECT_STATUS_LABELS[p.status]),
        ).as_json()
        for p in located.items
    ]
    return _render("map.html", process=process, form=form, located=located, markers=markers)


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


def _submit_proposal(process, form: ProposalForm):
    ballot = next((b for b in ballots(process) if b.id == form.ballot_id.data), None)
    if ballot is None:
        form.ballot_id.errors.append(_("Choose a ballot from the list."))
        return None
    upload = form.photo.data
    photo = upload.read(MAX_PHOTO_BYTES + 1) if upload else None
    folder = photo_folder(current_app.instance_path)
    data = project_data(form)
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
