"""Staff pages of meetings with the administration and commitments (/gestion/administracion),
and the council's reading of them (/consejo/administracion)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user

from participa.administration import meetings
from participa.administration.forms import CommitmentForm, MeetingForm, NoteForm
from participa.administration.models import (
    COMMITMENT_STATUS_LABELS,
    MEETING_KIND_LABELS,
    Commitment,
    CommitmentStatus,
    Meeting,
    MeetingKind,
)
from participa.core import paging
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.timeutil import local_today, utcnow
from participa.extensions import db

manage_bp = Blueprint("administration", __name__, url_prefix="/gestion/administracion")
guard_blueprint(manage_bp, "staff", "admin")
read_bp = Blueprint("administration_read", __name__, url_prefix="/consejo/administracion")
guard_blueprint(read_bp, "council", "staff", "admin")

LABELS = {"meeting_labels": MEETING_KIND_LABELS, "commitment_labels": COMMITMENT_STATUS_LABELS}


def render(template: str, status: int = 200, **context):
    return render_template(f"administration/{template}", **LABELS, **context), status


def _today():
    return local_today(get_timezone())


def _meeting(meeting_id: int) -> Meeting:
    return db.session.get(Meeting, meeting_id) or abort(404)


def _meeting_data(form: MeetingForm) -> meetings.MeetingData:
    # Only called once the form validated: its RadioField refuses a kind outside its choices.
    return meetings.MeetingData(
        MeetingKind(form.kind.data), form.held_on.data, form.place.data or "",
        form.attendees.data or "", form.agreements.data or "",
    )  # fmt: skip


def _commitment_form(form: CommitmentForm | None = None) -> CommitmentForm:
    form = form or CommitmentForm()
    form.work_id.choices = [("", _("Choose a priority"))] + [
        (str(w.id), w.title) for w in meetings.priorities()
    ]
    return form


def meeting_page(meeting: Meeting, status: int = 200, form: CommitmentForm | None = None):
    return render(
        "meeting.html", status, meeting=meeting, staff=True, today=_today(),
        form=_commitment_form(form), directorates=meetings.directorates(),
    )  # fmt: skip


def index_page(staff: bool):
    total = meetings.count_meetings()
    page = paging.last_page(paging.requested_page(), total, meetings.PAGE_SIZE)
    return render(
        "index.html", meetings=meetings.meetings(page), staff=staff, page=page, total=total,
        page_size=meetings.PAGE_SIZE,
    )  # fmt: skip


@manage_bp.route("/")
def index():
    return index_page(staff=True)


@manage_bp.route("/reuniones/nueva", methods=["GET", "POST"])
@manage_bp.route("/reuniones/<int:meeting_id>/editar", methods=["GET", "POST"])
def edit_meeting(meeting_id: int | None = None):
    meeting = _meeting(meeting_id) if meeting_id else None
    form = MeetingForm(obj=meeting)
    if meeting is None and not form.is_submitted():
        form.kind.data, form.held_on.data = MeetingKind.MAYOR_DIRECTORS.value, _today()
    elif meeting is not None and not form.is_submitted():
        form.kind.data = meeting.kind.value
    if form.validate_on_submit():
        try:
            if meeting is None:
                meeting = meetings.create_meeting(
                    current_user, _meeting_data(form), _today(), utcnow()
                )
            else:
                meetings.edit_meeting(current_user, meeting, _meeting_data(form), _today())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Meeting saved."), "success")
            return redirect(url_for(".meeting", meeting_id=meeting.id))
    status = 400 if form.errors or form.form_errors else 200
    return render("meeting_form.html", status, form=form, meeting=meeting)


def _meeting_with_commitments(meeting_id: int) -> Meeting:
    return meetings.meeting_with_commitments(meeting_id) or abort(404)


@manage_bp.route("/reuniones/<int:meeting_id>")
def meeting(meeting_id: int):
    return meeting_page(_meeting_with_commitments(meeting_id))


@manage_bp.route("/reuniones/<int:meeting_id>/compromisos", methods=["POST"])
def add_commitment(meeting_id: int):
    meeting, form = _meeting(meeting_id), _commitment_form()
    if form.validate_on_submit():
        work_id = form.work_id.data
        data = meetings.CommitmentData(
            int(work_id) if work_id and work_id.isdecimal() else None,
            form.directorate.data or "", form.text.data or "", form.due_on.data,
        )  # fmt: skip
        try:
            meetings.add_commitment(current_user, meeting, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Commitment recorded."), "success")
            return redirect(url_for(".meeting", meeting_id=meeting.id, _anchor="commitments"))
    return meeting_page(meeting, 400, form)


def _commitment(commitment_id: int) -> Commitment:
    return db.session.get(Commitment, commitment_id) or abort(404)


@manage_bp.route("/compromisos/<int:commitment_id>", methods=["GET", "POST"])
def commitment(commitment_id: int):
    item = _commitment(commitment_id)
    form = NoteForm(data={"status": item.status.value})
    if form.validate_on_submit():
        try:
            meetings.follow_up(
                current_user, item, form.noted_on.data, form.text.data or "",
                CommitmentStatus(form.status.data), _today(),
            )  # fmt: skip
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Follow-up note saved."), "success")
            return redirect(url_for(".commitment", commitment_id=item.id))
    if not form.is_submitted():
        form.noted_on.data = _today()
    status = 400 if form.errors or form.form_errors else 200
    return render("commitment.html", status, item=item, form=form, today=_today())


@read_bp.route("/")
def read_index():
    return index_page(staff=False)


@read_bp.route("/reuniones/<int:meeting_id>")
def read_meeting(meeting_id: int):
    meeting = _meeting_with_commitments(meeting_id)
    return render("meeting.html", meeting=meeting, staff=False, today=_today())
