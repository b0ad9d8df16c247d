"""The questionnaire builder for staff: add, edit, reorder, delete, preview."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.consultations import questionnaire
from participa.consultations.forms import KIND_LABELS, QuestionForm, answer_form
from participa.consultations.models import Question, QuestionKind
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.extensions import db
from participa.processes.services import get_process

bp = Blueprint("builder", __name__, url_prefix="/gestion/procesos/<int:process_id>/cuestionario")
guard_blueprint(bp, "staff", "admin")


def _load(process_id: int, question_id: int | None = None):
    process = get_process(process_id)
    if not process.has_questionnaire:
        abort(404)
    if question_id is None:
        return process, None
    question = db.session.get(Question, question_id)
    if question is None or question.process_id != process.id:
        abort(404)
    return process, question


def _data(form: QuestionForm) -> questionnaire.QuestionData:
    return questionnaire.QuestionData(
        kind=QuestionKind(form.kind.data),
        text=form.text.data,
        help_text=form.help_text.data or "",
        required=form.required.data,
        max_choices=form.max_choices.data,
        max_length=form.max_length.data or 1000,
        options=form.option_lines(),
    )


def _save(form, action) -> bool:
    """Run `action` with the form's data; put a refused rule back on the form."""
    if not form.validate_on_submit():
        return False
    try:
        action(_data(form))
    except DomainError as error:
        show_error(form, error)
        return False
    return True


@bp.route("/", methods=["GET", "POST"])
def index(process_id: int):
    process, _q = _load(process_id)
    form = QuestionForm()
    if _save(form, lambda data: questionnaire.add_question(current_user, process, data)):
        flash(_("Question added."), "success")
        return redirect(url_for(".index", process_id=process.id))
    return render_template(
        "consultations/builder.html",
        process=process,
        questions=questionnaire.questions(process),
        form=form,
        editable=process.status.value == "draft",
        kind_labels=KIND_LABELS,
    ), (400 if form.errors else 200)


@bp.route("/preguntas/<int:question_id>", methods=["GET", "POST"])
def edit(process_id: int, question_id: int):
    process, question = _load(process_id, question_id)
    form = QuestionForm(obj=question)
    if request.method == "GET":
        form.kind.data = question.kind.value
        form.options.data = "\n".join(o.label for o in question.options)
    action = lambda data: questionnaire.update_question(current_user, process, question, data)  # noqa: E731
    if _save(form, action):
        flash(_("Question saved."), "success")
        return redirect(url_for(".index", process_id=process.id))
    return render_template(
        "consultations/question_edit.html", process=process, question=question, form=form
    ), (400 if form.errors else 200)


@bp.route("/preguntas/<int:question_id>/<any(borrar, subir, bajar):action>", methods=["POST"])
def change(process_id: int, question_id: int, action: str):
    process, question = _load(process_id, question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if action == "borrar":
            questionnaire.delete_question(current_user, process, question)
        else:
            step = -1 if action == "subir" else 1
            questionnaire.move_question(current_user, process, question, step)
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for(".index", process_id=process.id))


@bp.route("/vista-previa")
def preview(process_id: int):
    process, _q = _load(process_id)
    form = answer_form(questionnaire.questions(process))
    return render_template("consultations/answer.html", process=process, form=form, preview=True)
