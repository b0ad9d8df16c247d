"""Notices for everyone logged in: the inbox, its unread count in the header, preferences;
and the one-click unsubscribe link of every notice e-mail, which needs no log-in."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participa.core.access import safe_next
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.extensions import csrf
from participa.notifications import preferences, services
from participa.notifications.forms import chosen, preferences_form
from participa.notifications.kinds import KIND_LABELS, RESIDENT_KINDS, SMS_KINDS, sentence

bp = Blueprint("notifications", __name__, url_prefix="/avisos")


@bp.app_template_global()
def unread_notices() -> int:
    return services.unread_count(current_user) if current_user.is_authenticated else 0


@bp.route("/")
@login_required
def inbox():
    return render_template(
        "notifications/inbox.html",
        notices=services.inbox(current_user),
        sentence=sentence,
        button=EmptyForm(),
    )


@bp.route("/<int:notice_id>/leido", methods=["POST"])
@login_required
def read(notice_id: int):
    notice = services.get_for(current_user, notice_id)
    if notice is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.mark_read(current_user, notice, utcnow())
    return redirect(safe_next(notice.link, url_for(".inbox")))


@bp.route("/preferencias", methods=["GET", "POST"])
@login_required
def settings():
    user_id = current_user.id
    form = preferences_form(preferences.choices_of(user_id))
    if form.validate_on_submit():
        try:
            preferences.save(user_id, chosen(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Your notice preferences were saved."), "success")
            return redirect(url_for(".settings"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "notifications/preferences.html",
        form=form,
        kinds=RESIDENT_KINDS,
        sms_kinds=SMS_KINDS,
        labels=KIND_LABELS,
        phone=preferences.phone_of(user_id),
    ), status


# The token is the authority here, not a session: a mail client's one-click POST (RFC 8058)
# carries no CSRF token, and changing one's own e-mail choices is all a token can do.
@bp.route("/baja/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    try:
        kinds = preferences.read_token(token)[1]
        if request.method == "POST":
            preferences.unsubscribe(token)
    except preferences.BadToken as error:
        return render_template("notifications/unsubscribe.html", problem=error.message), 400
    return render_template(
        "notifications/unsubscribe.html",
        kinds=[KIND_LABELS[k] for k in kinds],
        done=request.method == "POST",
    )
