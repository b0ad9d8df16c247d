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
from participa.core.errors import DomainError
from participa.core.limits import per_account
from participa.core.timeutil import local_today, utcnow
from participa.processes.services import get_process, is_public

bp = Blueprint("consultations", __name__)


def _render_form(process, form, problem=None, status=200):
    return render_template(
        "consultations/answer.html", process=process, form=form, problem=problem
    ), status


@bp.route("/procesos/<int:process_id>/responder", methods=["GET", "POST"])
@per_account("RATELIMIT_VOTE", "vote")
@login_required
def answer(process_id: int):
    booth, step = _booth(process_id), request.form.get("step")
    process, found = booth.process, booth.questions
    confirming = request.method == "POST" and step == "confirm"
    # Whether this person answered already: asked before the form; at the confirmation the
    # insert answers it (the unique constraint), and only a refused confirmation asks.
    answered = not confirming and not booth.problem and answering.already_answered(booth)
    if problem := booth.problem or (answering.ALREADY_ANSWERED if answered else None):
        return _render_form(process, None, problem, 200 if request.method == "GET" else 409)
    form = answer_form(found)
    if not form.validate_on_submit() or step == "edit":
        return _form_again(booth, form, confirming, status=400 if form.errors else 200)
    answers = answers_from(form, found)
    if not confirming:
        if not _valid(form, found, answers):
            return _render_form(process, form, status=400)
        summary = answer_summary(found, answers)
        return render_template(
            "consultations/review.html", process=process, form=form, summary=summary
        )
    return _submit(process_id, booth, form, answers)


def _booth(process_id: int) -> answering.Booth:
    today = local_today(get_timezone())
    booth = answering.open_booth(process_id, current_user._get_current_object(), today)
    if booth is None or not (is_public(booth.process) and booth.process.has_questionnaire):
        abort(404)
    return booth


def _form_again(booth, form, confirming: bool, status: int = 400):
    """The form with its errors; a refused confirmation first says if they answered."""
    if confirming and answering.already_answered(booth):
        return _render_form(booth.process, None, answering.ALREADY_ANSWERED, 409)
    return _render_form(booth.process, form, status=status)


def _valid(form, found, answers) -> bool:
    """Check the service's rules before the review, so it never shows answers it will refuse."""
    try:
        answering.check_answers(found, answers, current_app.config["MAX_TEXT_ANSWER_LENGTH"])
    except answering.AnswerErrors as error:
        for question in found:
            if question.id in error.errors:
                add_error(form, question, error.errors[question.id])
        return False
    return True


def _submit(process_id: int, booth, form, answers):
    try:
        code = answering.submit(
            booth, answers, now=utcnow(), max_text=current_app.config["MAX_TEXT_ANSWER_LENGTH"]
        )
    except answering.AnswerErrors as error:
        for question in booth.questions:
            if question.id in error.errors:
                add_error(form, question, error.errors[question.id])
        return _form_again(booth, form, confirming=True)
    except DomainError as error:
        return _render_form(booth.process, None, error.message, 409)
    # The id from the URL: the commit expired the process, and reading it would query again.
    session["receipt"] = {"process_id": process_id, "code": code}
    return redirect(url_for(".receipt", process_id=process_id))


@bp.route("/procesos/<int:process_id>/recibo")
@login_required
def receipt(process_id: int):
    process = get_process(process_id, public=True)
    data = session.pop("receipt", None)
    code = data["code"] if data and data["process_id"] == process.id else None
    return render_template("consultations/receipt.html", process=process, code=code)
