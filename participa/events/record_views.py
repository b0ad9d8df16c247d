"""Staff page of an event's record: the acta and its versions, acuerdos, hand votes."""

from flask import abort, flash, render_template
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.events import attendance, records
from participa.events.forms import AgreementForm, HandVoteForm, MinutesForm
from participa.events.manage_views import back_to, bp, staff_load
from participa.events.models import EventAgreement, HandVote
from participa.extensions import db


def _record_page(process, event, status=200, **forms):
    draft = records.draft_minutes(event)
    minutes_form = forms.get("minutes_form") or MinutesForm(formdata=None)
    if "minutes_form" not in forms:
        current = draft or records.published_minutes(event)
        minutes_form.text.data = current.text if current else ""
    context = {
        "process": process,
        "event": event,
        "versions": records.minutes_versions(event),
        "draft": draft,
        "agreements": records.agreements(event),
        "votes": records.hand_votes(event),
        "present": attendance.attendance_count(event),
        "minutes_form": minutes_form,
        "agreement_form": forms.get("agreement_form") or AgreementForm(formdata=None),
        "vote_form": forms.get("vote_form") or HandVoteForm(formdata=None),
        "button_form": EmptyForm(),
    }
    return render_template("events/record.html", **context), status


@bp.route("/<int:event_id>/acta")
def record_page(process_id: int, event_id: int):
    return _record_page(*staff_load(process_id, event_id))


@bp.route("/<int:event_id>/acta", methods=["POST"])
def save_minutes(process_id: int, event_id: int):
    process, event = staff_load(process_id, event_id)
    form = MinutesForm()
    if form.validate_on_submit():
        try:
            saved = records.save_minutes(current_user, event, form.text.data, now=utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Draft of version %(num)s saved.", num=saved.version), "success")
            return back_to(process, event, ".record_page", "#minutes-h")
    return _record_page(process, event, 400, minutes_form=form)


@bp.route("/<int:event_id>/acta/publicar", methods=["POST"])
def publish_minutes(process_id: int, event_id: int):
    process, event = staff_load(process_id, event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        published = records.publish_minutes(current_user, event, now=utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return _record_page(process, event, 400)
    flash(_("Version %(num)s of the minutes is published.", num=published.version), "success")
    return back_to(process, event, ".record_page", "#minutes-h")


@bp.route("/<int:event_id>/acuerdos", methods=["POST"])
def add_agreement(process_id: int, event_id: int):
    process, event = staff_load(process_id, event_id)
    form = AgreementForm()
    if form.validate_on_submit():
        data = records.AgreementData(form.agreement.data, form.owner.data or "", form.due_on.data)
        try:
            records.add_agreement(current_user, event, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Agreement added."), "success")
            return back_to(process, event, ".record_page", "#agreements-h")
    return _record_page(process, event, 400, agreement_form=form)


@bp.route("/<int:event_id>/acuerdos/<int:agreement_id>/borrar", methods=["POST"])
def delete_agreement(process_id: int, event_id: int, agreement_id: int):
    process, event = staff_load(process_id, event_id)
    agreement = db.session.get(EventAgreement, agreement_id)
    if agreement is None or agreement.event_id != event.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        records.delete_agreement(current_user, agreement)
    except DomainError as error:
        flash(error.message, "error")
        return _record_page(process, event, 400)
    flash(_("Agreement deleted."), "success")
    return back_to(process, event, ".record_page", "#agreements-h")


@bp.route("/<int:event_id>/votaciones", methods=["POST"])
def add_vote(process_id: int, event_id: int):
    process, event = staff_load(process_id, event_id)
    form = HandVoteForm()
    if form.validate_on_submit():
        data = records.VoteData(
            form.motion.data,
            form.votes_for.data,
            form.votes_against.data,
            form.abstentions.data,
            form.note.data or "",
        )
        try:
            records.add_hand_vote(current_user, event, data)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Vote recorded."), "success")
            return back_to(process, event, ".record_page", "#votes-h")
    return _record_page(process, event, 400, vote_form=form)


@bp.route("/<int:event_id>/votaciones/<int:vote_id>/borrar", methods=["POST"])
def delete_vote(process_id: int, event_id: int, vote_id: int):
    process, event = staff_load(process_id, event_id)
    vote = db.session.get(HandVote, vote_id)
    if vote is None or vote.event_id != event.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        records.delete_hand_vote(current_user, vote)
    except DomainError as error:
        flash(error.message, "error")
        return _record_page(process, event, 400)
    flash(_("Vote deleted."), "success")
    return back_to(process, event, ".record_page", "#votes-h")
