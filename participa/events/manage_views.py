"""Staff pages of an event: settings, registrations (and CSV), questions, attendance, record."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from participa.auth.models import User
from participa.core.access import guard_blueprint
from participa.core.csvfile import csv_stream
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import local_today, utcnow
from participa.events import attendance, questions, registration, services
from participa.events.forms import (
    AnswerForm,
    EventForm,
    SearchForm,
    SetAsideForm,
    WalkInForm,
)
from participa.events.models import EventQuestion
from participa.events.views import load
from participa.extensions import db
from participa.processes.services import get_process
from participa.territory.services import colonia_choices

bp = Blueprint("events_manage", __name__, url_prefix="/gestion/procesos/<int:process_id>/eventos")
guard_blueprint(bp, "staff", "admin")


def _today():
    return local_today(get_timezone())


def staff_load(process_id: int, event_id: int):
    return load(process_id, event_id, public=False)


def _colonias(select, empty_label) -> None:
    grouped = colonia_choices().items()
    select.choices = [("", empty_label)] + [
        (str(cid), f"{name} · {delegacion}") for delegacion, rows in grouped for cid, name in rows
    ]


def back_to(process, event, endpoint=".manage", anchor=""):
    target = url_for(endpoint, process_id=process.id, event_id=event.id)
    return redirect(target + anchor)


@bp.route("/nuevo", methods=["GET", "POST"])
@bp.route("/<int:event_id>/editar", methods=["GET", "POST"])
def edit(process_id: int, event_id: int | None = None):
    process = get_process(process_id)
    event = staff_load(process_id, event_id)[1] if event_id else None
    form = EventForm(obj=event)
    _colonias(form.colonia_id, _("None in particular"))
    if event is not None and request.method == "GET":
        form.fill(event)
    if form.validate_on_submit():
        try:
            event = services.save_event(current_user, process, event, form.data_value())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Event saved."), "success")
            return back_to(process, event)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("events/edit.html", process=process, event=event, form=form), status


def _manage_page(process, event, status=200, **forms):
    context = {
        "process": process,
        "event": event,
        "registrations": registration.registrations(event),
        "questions": questions.ranked_questions(event),
        "totals": attendance.totals(event),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "aside_form": forms.get("aside_form") or SetAsideForm(),
        "failed_question": forms.get("question_id"),
    }
    return render_template("events/manage.html", **context), status


@bp.route("/<int:event_id>")
def manage(process_id: int, event_id: int):
    return _manage_page(*staff_load(process_id, event_id))


@bp.route("/<int:event_id>/inscripciones.csv")
def registrations_csv(process_id: int, event_id: int):
    _process, event = staff_load(process_id, event_id)
    return Response(
        csv_stream(list(registration.registration_rows(event))),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="inscripciones-{event.id}.csv"'},
    )


def _question(event, question_id: int) -> EventQuestion:
    question = db.session.get(EventQuestion, question_id)
    if question is None or question.event_id != event.id:
        abort(404)
    return question


@bp.route("/<int:event_id>/preguntas/<int:question_id>/respondida", methods=["POST"])
def answer_question(process_id: int, event_id: int, question_id: int):
    process, event = staff_load(process_id, event_id)
    question, form = _question(event, question_id), AnswerForm()
    if form.validate_on_submit():
        try:
            questions.mark_answered(current_user, question, form.answer.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The question is marked as answered."), "success")
            return back_to(process, event, anchor="#questions-h")
    return _manage_page(process, event, 400, answer_form=form, question_id=question.id)


@bp.route("/<int:event_id>/preguntas/<int:question_id>/apartar", methods=["POST"])
def set_aside(process_id: int, event_id: int, question_id: int):
    process, event = staff_load(process_id, event_id)
    question, form = _question(event, question_id), SetAsideForm()
    if form.validate_on_submit():
        try:
            questions.set_aside(current_user, question, form.reason.data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The question was set aside."), "success")
            return back_to(process, event, anchor="#questions-h")
    return _manage_page(process, event, 400, aside_form=form, question_id=question.id)


# --- Attendance ---------------------------------------------------------------------------


def _attendance_page(process, event, walk_in_form=None, status=200):
    search = SearchForm(request.args)
    walk_in_form = walk_in_form or WalkInForm(formdata=None)
    _colonias(walk_in_form.colonia_id, _("Not recorded"))
    context = {
        "process": process,
        "event": event,
        "search": search,
        "found": attendance.search_registered(event, search.q.data or ""),
        "attendees": attendance.attendees(event),
        "totals": attendance.totals(event),
        "walk_in_form": walk_in_form,
        "button_form": EmptyForm(),
    }
    return render_template("events/attendance.html", **context), status


@bp.route("/<int:event_id>/asistencia")
def attendance_page(process_id: int, event_id: int):
    return _attendance_page(*staff_load(process_id, event_id))


@bp.route("/<int:event_id>/asistencia/<int:user_id>", methods=["POST"])
def mark_attended(process_id: int, event_id: int, user_id: int):
    process, event = staff_load(process_id, event_id)
    person = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attendance.mark_attended(current_user, event, person, now=utcnow(), today=_today())
    except DomainError as error:
        flash(error.message, "error")
        return _attendance_page(process, event, status=400)
    flash(_("%(name)s is counted as present.", name=person.name), "success")
    q = request.form.get("q", "")[:100]
    target = url_for(".attendance_page", process_id=process.id, event_id=event.id, q=q or None)
    return redirect(target)


@bp.route("/<int:event_id>/asistencia/sin-registro", methods=["POST"])
def walk_in(process_id: int, event_id: int):
    process, event = staff_load(process_id, event_id)
    form = WalkInForm()
    _colonias(form.colonia_id, _("Not recorded"))
    if form.validate_on_submit():
        colonia = form.colonia_id.data
        data = attendance.WalkIn(
            name=form.name.data,
            curp=form.curp.data or "",
            colonia_id=int(colonia) if colonia and colonia.isdecimal() else None,
            sex=form.sex.data or None,
            age_band=form.age_band.data or None,
        )
        try:
            attendance.add_walk_in(current_user, event, data, now=utcnow(), today=_today())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("%(name)s is counted as present.", name=data.name.strip()), "success")
            return back_to(process, event, ".attendance_page")
    return _attendance_page(process, event, walk_in_form=form, status=400)
