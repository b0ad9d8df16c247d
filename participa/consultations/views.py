"""Answering a consultation: form, review, confirmation, receipt."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_timezone
from flask_login import current_user, login_required

from participa.consultations import answering
from participa.consultations.forms import add_error, answer_form, answer_summary, answers_from
from participa.consultations.questionnaire import questions
from participa.core.errors import DomainError
from participa.core.limits import per_account
from participa.core.timeutil import local_today, utcnow
from participa.processes.services import get_process

bp = Blueprint("consultations", __name__)


def _render_form(process, form, problem=None, status=200):
    return render_template(
        "consultations/answer.html", process=process, form=form, problem=problem
    ), status


@bp.route("/procesos/<int:process_id>/responder", methods=["GET", "POST"])
@per_account("RATELIMIT_VOTE", "vote")
@login_required
def answer(process_id: int):
    process = get_process(process_id, public=True)
    if not process.has_questionnaire:
        abort(404)
    found = questions(process)
    problem = answering.eligibility_problem(process, current_user, local_today(get_timezone()))
    if problem:
        return _render_form(process, None, problem, 200 if request.method == "GET" else 409)
    form = answer_form(found)
    step = request.form.get("step")
    if not form.validate_on_submit() or step == "edit":
        return _render_form(process, form, status=400 if form.errors else 200)
    answers = answers_from(form, found)
    if step != "confirm":
        if not _valid(process, form, found, answers):
            return _render_form(process, form, status=400)
        summary = answer_summary(found, answers)
        return render_template(
            "consultations/review.html", process=process, form=form, summary=summary
        )
    return _submit(process, form, found, answers)


def _valid(process, form, found, answers) -> bool:
    """Check the service's rules before the review, so it never shows answers it will refuse."""
    try:
        answering.validate_answers(process, answers, current_app.config["MAX_TEXT_ANSWER_LENGTH"])
    except answering.AnswerErrors as error:
        for question in found:
            if question.id in error.errors:
                add_error(form, question, error.errors[question.id])
        return False
    return True


def _submit(process, form, found, answers):
    try:
        code = answering.submit_response(
            process,
            current_user,
            answers,
            now=utcnow(),
            today=local_today(get_timezone()),
            max_text=current_app.config["MAX_TEXT_ANSWER_LENGTH"],
        )
    except answering.AnswerErrors as error:
        for question in found:
            if question.id in error.errors:
                add_error(form, question, error.errors[question.id])
        return _render_form(process, form, status=400)
    except DomainError as error:
        return _render_form(process, None, error.message, 409)
    session["receipt"] = {"process_id": process.id, "code": code}
    return redirect(url_for(".receipt", process_id=process.id))


@bp.route("/procesos/<int:process_id>/recibo")
@login_required
def receipt(process_id: int):
    process = get_process(process_id, public=True)
    data = session.pop("receipt", None)
    code = data["code"] if data and data["process_id"] == process.id else None
    return render_template("consultations/receipt.html", process=process, code=code)
