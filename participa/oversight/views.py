"""Watched works: public pages and findings (residents), subjects and answers (staff)."""

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
from flask_login import current_user, login_required

from participa.core.access import guard_blueprint, has_role
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.core.uploads import MAX_PHOTO_BYTES, NAME_PATTERN, photo_folder
from participa.moderation.reporting import handle_report
from participa.oversight import findings, registry, subjects
from participa.oversight.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    AnswerForm,
    FindingForm,
    HideForm,
    StatusForm,
    WorkForm,
)
from participa.oversight.models import FindingStatus, WorkKind
from participa.oversight.pages import load, small_int, status_code, today
from participa.processes.types import Component
from participa.works.services import linkable_works

public_bp = Blueprint("oversight", __name__, url_prefix="/procesos/<int:process_id>/obras")
manage_bp = Blueprint("oversight_manage", __name__, url_prefix="/gestion/procesos/<int:process_id>")
guard_blueprint(manage_bp, "staff", "admin")

AREA = "findings"
PHOTO_MAX_AGE = 365 * 24 * 3600  # names are random and files never change
UPLOAD_LIMIT = findings.MAX_PHOTOS * MAX_PHOTO_BYTES + 256 * 1024  # three photos and the text


def _render(template: str, status: int = 200, **context):
    labels = {"kind_labels": KIND_LABELS, "finding_labels": STATUS_LABELS}
    return render_template(f"oversight/{template}", **labels, **context), status


# --- public pages -----------------------------------------------------------------------


def _user():
    return current_user if current_user.is_authenticated else None


@public_bp.route("/<int:work_id>")
def work(process_id: int, work_id: int):
    return _work_page(*load(process_id, work_id, public=True))


def _work_page(process, work, code: int = 200):
    chosen = request.args.get("estado", "")
    status = FindingStatus(chosen) if chosen in set(FindingStatus) else None
    watching = Component.FINDINGS in process.components
    return _render(
        "work.html",
        process=process,
        work=work,
        watching=watching,
        findings=findings.findings(work, findings.FindingFilter(status)) if watching else [],
        chosen=chosen,
        sections=registry.work_sections(process, work, _user(), today()),
        problem=subjects.participation_problem(process, _user(), today()),
        button=EmptyForm(),
        status=code,
    )


@public_bp.route("/<int:work_id>/hallazgos/<int:finding_id>/denunciar", methods=["POST"])
@login_required
def report_finding(process_id: int, work_id: int, finding_id: int):
    process, work = load(process_id, work_id, public=True)
    finding = findings.get_finding(process, finding_id)
    if finding is None or finding.work_id != work.id or not finding.is_public:
        abort(404)
    back = url_for(".work", process_id=process.id, work_id=work.id)
    return handle_report(
        finding, f"{back}#finding-{finding.id}", lambda status: _work_page(process, work, status)
    )


@public_bp.route("/<int:work_id>/fotos/<name>")
def photo(process_id: int, work_id: int, name: str):
    _process, work = load(process_id, work_id, public=True)
    staff = has_role("staff", "admin")  # staff still see a hidden finding's photos
    if not NAME_PATTERN.match(name) or not findings.has_photo(work, name, include_hidden=staff):
        abort(404)
    folder = photo_folder(current_app.instance_path, AREA)
    return send_from_directory(folder, name, mimetype="image/jpeg", max_age=PHOTO_MAX_AGE)


def _finding_data(form: FindingForm) -> findings.FindingData:
    return findings.FindingData(
        title=form.title.data or "",
        text=form.text.data or "",
        location=form.location.data or "",
        latitude=form.latitude.data,
        longitude=form.longitude.data,
    )


def _submit_finding(work, form: FindingForm):
    uploads = [f for f in form.photos.data or [] if f and f.filename]
    photos = [f.read(MAX_PHOTO_BYTES + 1) for f in uploads]
    folder = photo_folder(current_app.instance_path, AREA)
    try:
        return findings.file_finding(
            work, current_user, _finding_data(form), photos, folder, utcnow(), today()
        )
    except DomainError as error:
        if error.field == "photo":  # the cleaner names one photo; the form has a list
            error.field = "photos"
        show_error(form, error)
        return None


@public_bp.route("/<int:work_id>/hallazgo", methods=["GET", "POST"])
@login_required
def file_finding(process_id: int, work_id: int):
    request.max_content_length = UPLOAD_LIMIT
    process, work = load(process_id, work_id, public=True, need=Component.FINDINGS)
    problem = subjects.participation_problem(process, current_user, today())
    if problem:
        code = 409 if request.method == "POST" else 200
        return _render("finding_new.html", code, process=process, work=work, problem=problem)
    form = FindingForm()
    if form.validate_on_submit() and _submit_finding(work, form):
        flash(_("Thank you. Your finding was received; the office will answer it."), "success")
        return redirect(url_for(".work", process_id=process.id, work_id=work.id))
    return _render("finding_new.html", status_code(form), process=process, work=work, form=form)


# --- staff: works -----------------------------------------------------------------------


def _work_form(work=None) -> WorkForm:
    form = WorkForm(obj=work)
    if work is not None and request.method == "GET":
        form.kind.data = work.kind.value
        form.colonia_id.data = str(work.colonia_id or "")
        form.pb_project_id.data = str(work.pb_project_id or "")
        form.council_work_id.data = str(work.work_id or "")
    form.colonia_id.choices = [("", _("None in particular"))] + [
        (str(c.id), c.name) for c in subjects.colonias()
    ]
    form.pb_project_id.choices = [("", _("None"))] + [
        (str(p.id), f"{p.title} ({p.ballot.process.title})") for p in subjects.pb_project_choices()
    ]
    form.council_work_id.choices = [("", _("None"))] + [
        (str(w.id), w.title) for w in linkable_works()
    ]
    return form


def _work_data(form: WorkForm) -> subjects.WorkData:
    return subjects.WorkData(
        kind=WorkKind(form.kind.data),
        name=form.name.data or "",
        description=form.description.data or "",
        colonia_id=small_int(form.colonia_id.data),
        responsible_area=form.responsible_area.data or "",
        budget=form.budget.data,
        pb_project_id=small_int(form.pb_project_id.data),
        council_work_id=small_int(form.council_work_id.data),
    )


@manage_bp.route("/obras/nueva", methods=["GET", "POST"])
@manage_bp.route("/obras/<int:work_id>/editar", methods=["GET", "POST"])
def edit_work(process_id: int, work_id: int | None = None):
    process, work = load(process_id, work_id)
    form = _work_form(work)
    if form.validate_on_submit():
        try:
            if work is None:
                subjects.create_work(current_user, process, _work_data(form))
            else:
                subjects.update_work(current_user, work, _work_data(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Work or programme saved."), "success")
            return redirect(url_for("manage.manage", process_id=process.id))
    return _render("work_edit.html", status_code(form), process=process, work=work, form=form)


@manage_bp.route("/obras/<int:work_id>/borrar", methods=["POST"])
def delete_work(process_id: int, work_id: int):
    process, work = load(process_id, work_id)
    if EmptyForm().validate_on_submit():
        try:
            subjects.delete_work(current_user, work)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Work or programme removed."), "success")
    return redirect(url_for("manage.manage", process_id=process.id))


# --- staff: findings --------------------------------------------------------------------


@manage_bp.route("/hallazgos/")
def manage_findings(process_id: int):
    process, _work = load(process_id)
    chosen = request.args.get("estado", "")
    status = FindingStatus(chosen) if chosen in set(FindingStatus) else None
    found = findings.process_findings(process, status)
    return _render("findings_manage.html", process=process, findings=found, chosen=chosen)


def _finding(process_id: int, finding_id: int):
    process, _work = load(process_id)
    finding = findings.get_finding(process, finding_id)
    if finding is None:
        abort(404)
    return process, finding


def _render_finding(process, finding, status=200, **forms):
    forms.setdefault("answer_form", AnswerForm(formdata=None))
    forms.setdefault("status_form", StatusForm(formdata=None))
    forms.setdefault("hide_form", HideForm(formdata=None))
    forms.setdefault("button_form", EmptyForm(formdata=None))
    return _render("finding_manage.html", status, process=process, finding=finding, **forms)


@manage_bp.route("/hallazgos/<int:finding_id>")
def manage_finding(process_id: int, finding_id: int):
    return _render_finding(*_finding(process_id, finding_id))


def _act(process, finding, form, name: str, action, done: str):
    """Run one staff action on a finding: redirect on success, the page with errors if not."""
    if form.validate_on_submit():
        try:
            action(form)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(done, "success")
            return redirect(
                url_for(".manage_finding", process_id=process.id, finding_id=finding.id)
            )
    return _render_finding(process, finding, 400, **{name: form})


@manage_bp.route("/hallazgos/<int:finding_id>/respuesta", methods=["POST"])
def answer(process_id: int, finding_id: int):
    process, finding = _finding(process_id, finding_id)
    return _act(
        process,
        finding,
        AnswerForm(),
        "answer_form",
        lambda f: findings.answer_finding(current_user, finding, f.text.data, utcnow()),
        _("Answer published."),
    )


@manage_bp.route("/hallazgos/<int:finding_id>/estado", methods=["POST"])
def change_status(process_id: int, finding_id: int):
    process, finding = _finding(process_id, finding_id)
    return _act(
        process,
        finding,
        StatusForm(),
        "status_form",
        lambda f: findings.set_status(
            current_user, finding, FindingStatus(f.status.data), f.reason.data or ""
        ),
        _("Status saved."),
    )


@manage_bp.route("/hallazgos/<int:finding_id>/ocultar", methods=["POST"])
def hide(process_id: int, finding_id: int):
    process, finding = _finding(process_id, finding_id)
    return _act(
        process,
        finding,
        HideForm(),
        "hide_form",
        lambda f: findings.hide_finding(current_user, finding, f.reason.data, utcnow()),
        _("The finding is hidden from the public pages."),
    )


@manage_bp.route("/hallazgos/<int:finding_id>/mostrar", methods=["POST"])
def show(process_id: int, finding_id: int):
    process, finding = _finding(process_id, finding_id)
    return _act(
        process,
        finding,
        EmptyForm(),
        "button_form",
        lambda f: findings.show_finding(current_user, finding),
        _("The finding is public again."),
    )
