"""The staff inbox of notices, and the unread count shown in the staff navigation."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from participa.core.access import guard_blueprint, has_role, safe_next
from participa.core.forms import EmptyForm
from participa.core.timeutil import utcnow
from participa.notifications import services
from participa.notifications.models import NoticeKind

bp = Blueprint("notifications", __name__, url_prefix="/gestion/avisos")
guard_blueprint(bp, "staff", "admin")


@bp.app_template_global()
def staff_unread_count() -> int:
    return services.unread_count(current_user) if has_role("staff", "admin") else 0


@bp.route("/")
def inbox():
    return render_template(
        "notifications/inbox.html",
        notices=services.inbox(current_user),
        kinds=NoticeKind,
        button=EmptyForm(),
    )


@bp.route("/<int:notice_id>/leido", methods=["POST"])
def read(notice_id: int):
    notice = services.get_for(current_user, notice_id)
    if notice is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.mark_read(current_user, notice, utcnow())
    return redirect(safe_next(notice.link, url_for(".inbox")))
