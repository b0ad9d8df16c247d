"""Staff pages of what a session records: minutes and their versions, agreements, expenses."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.council import agreements, minutes, operations
from participa.council.forms import (
    AgreementForm,
    AgreementStatusForm,
    CorrectionForm,
    MinutesForm,
    OperationForm,
)
from participa.council.manage_views import session_page
from participa.council.models import AgreementStatus, OperationKind
from participa.council.pages import (
    fraction,
    load_agreement,
    load_session,
    render,
    session_members,
    today,
    tz,
)

bp = Blueprint("council_record", __name__, url_prefix="/gestion/consejo")
guard_blueprint(bp, "staff", "admin")


def _back(session, message: str, anchor: str):
    flash(message, "success")
    return redirect(url_for("council_manage.session", session_id=session.id, _anchor=anchor))


def _id_or_none(text: str | None) -> int | None:
    return int(text) if text and text.isdecimal() and len(text) <= 9 else None


@bp.route("/sesiones/<int:session_id>/acta", methods=["POST"])
def save_minutes(session_id: int):
    session = load_session(session_id)
    form = MinutesForm()
    if form.validate_on_submit():
        try:
            minutes.save_draft(current_user, session, form.text.data or "")
        except DomainError as error:
            show_error(form, error)
        else:
            return _back(session, _("Minutes saved."), "acta")
    return session_page(session, 400, minutes_form=form)


@bp.route("/sesiones/<int:session_id>/acta/aprobar", methods=["POST"])
def approve_minutes(session_id: int):
    session = load_session(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        minutes.approve_minutes(current_user, session, utcnow())
    except DomainError as error:
        form = MinutesForm(formdata=None, data={"text": session.minutes})
        form.form_errors.append(error.message)
        return session_page(session, 400, minutes_form=form)
    return _back(session, _("Minutes approved. Later changes are kept as new versions."), "acta")


@bp.route("/sesiones/<int:session_id>/acta/corregir", methods=["GET", "POST"])
def correct_minutes(session_id: int):
    session = load_session(session_id)
    form = CorrectionForm(data={"text": session.current_minutes})
    if form.validate_on_submit():
        try:
            minutes.correct_minutes(
                current_user, session, form.text.data, form.reason.data, utcnow()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            return _back(session, _("New version of the minutes saved."), "acta")
    status = 400 if form.errors or form.form_errors else 200
    return render("minutes_correct.html", status, session=session, form=form)


@bp.route("/sesiones/<int:session_id>/acuerdos", methods=["POST"])
def add_agreement(session_id: int):
    session = load_session(session_id)
    form = AgreementForm()
    form.owner_member_id.choices = [("", "")] + [(str(m), "") for m in _member_ids(session)]
    if form.validate_on_submit():
        data = agreements.AgreementData(
            form.text.data,
            _id_or_none(form.owner_member_id.data),
            form.owner_text.data or "",
            form.due_on.data,
        )
        try:
            agreements.add_agreement(current_user, session, data, fraction(), tz(), utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            return _back(session, _("Agreement recorded."), "acuerdos")
    return session_page(session, 400, agreement_form=form)


def _member_ids(session) -> list[int]:
    return [m.id for m in session_members(session)]


@bp.route("/acuerdos/<int:agreement_id>", methods=["GET", "POST"])
def agreement(agreement_id: int):
    agreement = load_agreement(agreement_id)
    form = AgreementStatusForm(data={"status": agreement.status.value})
    if form.validate_on_submit():
        try:
            agreements.update_status(
                current_user,
                agreement,
                AgreementStatus(form.status.data),
                form.note.data or "",
                utcnow(),
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Agreement updated."), "success")
            return redirect(url_for(".agreement", agreement_id=agreement.id))
    status = 400 if form.errors or form.form_errors else 200
    return render("agreement.html", status, agreement=agreement, form=form, today_=today())


@bp.route("/sesiones/<int:session_id>/operaciones", methods=["POST"])
def add_operation(session_id: int):
    session = load_session(session_id)
    form = OperationForm()
    form.member_id.choices = [("", "")] + [(str(m), "") for m in _member_ids(session)]
    if form.validate_on_submit():
        data = operations.OperationData(
            OperationKind(form.kind.data),
            _id_or_none(form.member_id.data),
            form.description.data,
            form.amount.data,
        )
        spent_on = session.starts_at.astimezone(tz()).date()
        try:
            operations.add_request(current_user, session, data, spent_on, utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            return _back(session, _("Request recorded."), "operaciones")
    return session_page(session, 400, operation_form=form)
