"""Staff pages: rolls, conflicts, the verification desk, who may take part in a process."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from participa.auth.models import User
from participa.core import jobstore
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.timeutil import utcnow
from participa.eligibility import conflicts, desk, keys, roll_jobs, rules
from participa.eligibility.forms import (
    DeskSearchForm,
    ResolveForm,
    RollImportForm,
    RuleForm,
    UndoForm,
    VerifyForm,
)
from participa.eligibility.models import (
    MUNICIPAL_SCOPE,
    IdKind,
    PersonVerification,
    ResidentKey,
    RollConflict,
)
from participa.extensions import db
from participa.processes.services import get_process

bp = Blueprint("eligibility", __name__, url_prefix="/gestion")
guard_blueprint(bp, "staff", "admin")

# --- rolls ------------------------------------------------------------------------------


@bp.route("/padron/")
def rolls():
    return render_template(
        "eligibility/rolls.html",
        municipal=keys.municipal_roll(),
        size=rules.roll_size,
        process_rolls=keys.process_rolls(),
        open_conflicts=conflicts.open_count(),
    )


@bp.route("/padron/municipio", methods=["GET", "POST"])
@bp.route("/padron/proceso/<int:process_id>", methods=["GET", "POST"])
def roll(process_id: int | None = None):
    process = get_process(process_id) if process_id else None
    scope = keys.process_scope(process) if process else MUNICIPAL_SCOPE
    form = RollImportForm()
    if form.validate_on_submit():
        try:
            roll_jobs.start_import(current_user, scope, process_id, form.file.data.read())
        except DomainError as error:
            form.file.errors.append(error.message)
        else:
            flash(_("The file was received and is being imported; this page shows how it goes."))
            return redirect(request.path)
    current = keys.own_roll(process) if process else keys.municipal_roll()
    return render_template(
        "eligibility/roll.html",
        process=process,
        roll=current,
        size=rules.roll_size(current),
        attached=keys.attached_count(current),
        form=form,
        imports=jobstore.latest(roll_jobs.subject(scope)),
    ), (400 if form.errors else 200)


# --- conflicts --------------------------------------------------------------------------


@bp.route("/padron/conflictos")
def conflict_list():
    return render_template(
        "eligibility/conflicts.html",
        conflicts=conflicts.open_conflicts(),
        resolved=conflicts.recent_resolved(),
        form=ResolveForm(formdata=None),
    )


@bp.route("/padron/conflictos/<int:conflict_id>", methods=["POST"])
def resolve(conflict_id: int):
    conflict = db.session.get(RollConflict, conflict_id) or abort(404)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            conflicts.resolve(
                current_user, conflict, form.action.data == "move", form.note.data, utcnow()
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Conflict resolved."), "success")
    else:
        flash(_("Choose a decision."), "error")
    return redirect(url_for(".conflict_list"))


# --- the verification desk -------------------------------------------------------------


@bp.route("/mesa-verificacion/")
def desk_search():
    form = DeskSearchForm(request.args)
    text = form.q.data if form.validate() else ""
    return render_template(
        "eligibility/desk.html",
        form=form,
        searched=bool(text),
        people=desk.search_people(text or ""),
        entries=keys.find_entries(text or ""),
    )


def _person(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role.value != "citizen":
        abort(404)
    return user


def _render_person(user, verify_form=None, undo_form=None, status=200):
    typed = db.session.execute(db.select(ResidentKey).where(ResidentKey.user_id == user.id))
    return render_template(
        "eligibility/person.html",
        person=user,
        entries=keys.entries_of_user(user),
        typed=list(typed.scalars()),
        active=desk.active_verification(user),
        history=desk.history(user),
        verify_form=verify_form or VerifyForm(formdata=None),
        undo_form=undo_form or UndoForm(formdata=None),
        id_labels=desk.ID_LABELS,
        key_labels=keys.KEY_LABELS,
    ), status


@bp.route("/mesa-verificacion/personas/<int:user_id>")
def person(user_id: int):
    return _render_person(_person(user_id))


@bp.route("/mesa-verificacion/personas/<int:user_id>/verificar", methods=["POST"])
def verify(user_id: int):
    user, form = _person(user_id), VerifyForm()
    if form.validate_on_submit():
        try:
            desk.verify(current_user, user, IdKind(form.id_kind.data), form.note.data, utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Verified in person."), "success")
            return redirect(url_for(".person", user_id=user.id))
    return _render_person(user, verify_form=form, status=400)


@bp.route(
    "/mesa-verificacion/personas/<int:user_id>/verificaciones/<int:verification_id>/deshacer",
    methods=["POST"],
)
def undo(user_id: int, verification_id: int):
    user, form = _person(user_id), UndoForm()
    verification = db.session.get(PersonVerification, verification_id)
    if verification is None or verification.user_id != user.id:
        abort(404)
    if form.validate_on_submit():
        try:
            desk.undo(current_user, verification, form.reason.data, utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The verification was undone."), "success")
            return redirect(url_for(".person", user_id=user.id))
    return _render_person(user, undo_form=form, status=400)


# --- who may take part in a process ------------------------------------------------------


@bp.route("/procesos/<int:process_id>/participacion", methods=["GET", "POST"])
def process_rule(process_id: int):
    process = get_process(process_id)
    form = RuleForm()
    if request.method == "GET":
        form.rule.data = keys.rule_for(process).value
    if form.validate_on_submit():
        try:
            rule = rules.EligibilityRule(form.rule.data)
            rules.save_rule(current_user, process, rule)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Saved who may take part."), "success")
            if rules.warns(process, rule):
                flash(rules.REGISTERED_WARNING, "warning")
            return redirect(url_for("manage.manage", process_id=process.id))
    return render_template(
        "eligibility/process_rule.html",
        process=process,
        form=form,
        editable=process.status in rules.EDITABLE_STATUSES,
        warning=rules.REGISTERED_WARNING if process.type in rules.DECIDING_TYPES else None,
        roll=keys.roll_for(process),
        own=keys.own_roll(process),
        size=rules.roll_size,
    ), (400 if form.errors or form.form_errors else 200)
