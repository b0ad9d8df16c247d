"""Public event pages: details, registration, questions, the record, print view and .ics."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participa.comments.models import Comment, Position
from participa.core.access import has_role
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import local_today, utcnow
from participa.events import calendar, discussion, questions, records, registration, services
from participa.events.forms import POSITION_LABELS, EventCommentForm, QuestionForm
from participa.events.models import EventQuestion
from participa.extensions import db
from participa.moderation.models import VISIBILITY_LABELS
from participa.moderation.reporting import handle_report
from participa.processes.services import get_process

bp = Blueprint("events", __name__, url_prefix="/procesos/<int:process_id>/eventos")


def load(process_id: int, event_id: int, public: bool = True):
    """The process and its event, or 404 (also for a draft process on public pages)."""
    process = get_process(process_id, public=public)
    event = services.get_event(process, event_id)
    if event is None:
        abort(404)
    return process, event


def _today():
    return local_today(get_timezone())


def _record(event, now) -> dict:
    """The acta, acuerdos and votes residents may read: once minutes are published."""
    minutes = records.published_minutes(event)
    if minutes is None:
        return {"minutes": None, "agreements": [], "votes": []}
    return {
        "minutes": minutes,
        "agreements": records.agreements(event),
        "votes": records.hand_votes(event),
    }


def _page(process, event, form=None, status=200, comment_form=None):
    now, user = utcnow(), current_user if current_user.is_authenticated else None
    mine = registration.registration_of(event, user) if user else None
    context = {
        "process": process,
        "event": event,
        "now": now,
        "seats_left": services.seats_left(event),
        "mine": mine,
        "position": registration.waitlist_position(mine) if mine else None,
        "register_problem": (
            registration.registration_problem(event, user, now=now, today=_today())
            if user
            else registration.registration_window_problem(event, now)
        ),
        "questions": questions.ranked_questions(event, user),
        "ask_problem": (
            questions.asking_problem(event, user, now=now, today=_today()) if user else None
        ),
        "question_form": form or QuestionForm(),
        "button_form": EmptyForm(),
        "comment_form": comment_form or EventCommentForm(formdata=None),
        "comment_problem": discussion.commenting_problem(event),
        "position_labels": POSITION_LABELS,
        "visibility_labels": VISIBILITY_LABELS,
        "is_staff": has_role("staff", "admin"),
        **discussion.discussion(event),
        **_record(event, now),
    }
    return render_template("events/detail.html", **context), status


@bp.route("/<int:event_id>")
def detail(process_id: int, event_id: int):
    return _page(*load(process_id, event_id))


@bp.route("/<int:event_id>/registro", methods=["POST"])
@login_required
def register(process_id: int, event_id: int):
    process, event = load(process_id, event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        made = registration.register(event.id, current_user, now=utcnow(), today=_today())
    except registration.AlreadyRegistered as error:
        flash(error.message, "info")
        return _page(process, event, status=409)
    except DomainError as error:
        flash(error.message, "error")
        return _page(process, event, status=400)
    confirmed = made.status is registration.RegistrationStatus.CONFIRMED
    flash(
        _("You have a seat. See you there!") if confirmed else _("You are on the waiting list."),
        "success",
    )
    return redirect(url_for(".detail", process_id=process.id, event_id=event.id))


@bp.route("/<int:event_id>/cancelar", methods=["POST"])
@login_required
def cancel(process_id: int, event_id: int):
    process, event = load(process_id, event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        registration.cancel(event.id, current_user, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return _page(process, event, status=400)
    flash(_("Your registration was cancelled."), "success")
    return redirect(url_for(".detail", process_id=process.id, event_id=event.id))


@bp.route("/<int:event_id>/preguntas", methods=["POST"])
@login_required
def ask(process_id: int, event_id: int):
    process, event = load(process_id, event_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            questions.ask(event, current_user, form.text.data, now=utcnow(), today=_today())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Your question was sent. Others can now support it."), "success")
            return redirect(url_for(".detail", process_id=process.id, event_id=event.id))
    return _page(process, event, form=form, status=400)


@bp.route("/<int:event_id>/preguntas/<int:question_id>/apoyo", methods=["POST"])
@login_required
def support(process_id: int, event_id: int, question_id: int):
    process, event = load(process_id, event_id)
    question = db.session.get(EventQuestion, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        questions.support(question, current_user, now=utcnow(), today=_today())
    except DomainError as error:
        flash(error.message, "error")
        return _page(process, event, status=400)
    flash(_("Thank you: your support was counted."), "success")
    target = url_for(".detail", process_id=process.id, event_id=event.id)
    return redirect(f"{target}#question-{question.id}")


@bp.route("/<int:event_id>/preguntas/<int:question_id>/denunciar", methods=["POST"])
@login_required
def report_question(process_id: int, event_id: int, question_id: int):
    process, event = load(process_id, event_id)
    question = db.session.get(EventQuestion, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    back = url_for(".detail", process_id=process.id, event_id=event.id)
    return handle_report(
        question, f"{back}#question-{question.id}", lambda code: _page(process, event, None, code)
    )


def _small_int(text: str | None) -> int | None:
    return int(text) if text and text.isdecimal() and len(text) <= 9 else None


@bp.route("/<int:event_id>/comentarios", methods=["POST"])
@login_required
def comment(process_id: int, event_id: int):
    process, event = load(process_id, event_id)
    form = EventCommentForm()
    if form.validate_on_submit():
        chosen = form.position.data or ""
        try:
            if chosen and chosen not in set(Position):
                raise DomainError(_("Choose a position from the list."), field="position")
            made = discussion.comment(
                event,
                current_user,
                form.body.data,
                utcnow(),
                parent_id=_small_int(form.parent_id.data),
                position=Position(chosen) if chosen else None,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Your comment was published."), "success")
            back = url_for(".detail", process_id=process.id, event_id=event.id)
            return redirect(f"{back}#comentario-{made.id}")
    return _page(process, event, status=400, comment_form=form)


@bp.route("/<int:event_id>/comentarios/<int:comment_id>/denunciar", methods=["POST"])
@login_required
def report_comment(process_id: int, event_id: int, comment_id: int):
    process, event = load(process_id, event_id)
    target = db.session.get(Comment, comment_id)
    if target is None or event.thread_id is None or target.thread_id != event.thread_id:
        abort(404)
    back = url_for(".detail", process_id=process.id, event_id=event.id)
    return handle_report(
        target, f"{back}#comentario-{target.id}", lambda code: _page(process, event, None, code)
    )


@bp.route("/<int:event_id>/imprimir")
def printable(process_id: int, event_id: int):
    process, event = load(process_id, event_id)
    return render_template(
        "events/print.html", process=process, event=event, **_record(event, utcnow())
    )


@bp.route("/<int:event_id>/evento.ics")
def ics(process_id: int, event_id: int):
    process, event = load(process_id, event_id)
    url = url_for(".detail", process_id=process.id, event_id=event.id, _external=True)
    return Response(
        calendar.vcalendar(event, url, now=utcnow()),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="evento-{event.id}.ics"'},
    )
