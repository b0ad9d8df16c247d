"""Staff moderation: the queue of reported content, hiding and restoring, blocked accounts."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.auth.models import User
from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm
from participa.extensions import db
from participa.moderation import registry, services
from participa.moderation.forms import HideForm
from participa.moderation.models import VISIBILITY_LABELS

bp = Blueprint("moderation", __name__, url_prefix="/gestion/moderacion")
guard_blueprint(bp, "staff", "admin")


def _page(status=200, hide_forms=None):
    return render_template(
        "moderation/queue.html",
        items=services.queue(),
        blocked=services.blocked_accounts(),
        hide_forms=hide_forms or {},
        kinds={kind.name: kind for kind in registry.kinds()},
        visibility_labels=VISIBILITY_LABELS,
        button=EmptyForm(),
    ), status


@bp.route("/")
def queue():
    return _page()


def _target(path: str, target_id: int):
    kind = registry.by_path(path)
    target = db.session.get(kind.model, target_id) if kind else None
    if target is None:
        abort(404)
    return target


@bp.route("/<kind>/<int:target_id>/restaurar", methods=["POST"])
def restore(kind: str, target_id: int):
    target = _target(kind, target_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.restore(current_user, target)
    flash(_("Restored: it is visible again and its reports were cleared."), "success")
    return redirect(url_for(".queue"))


@bp.route("/<kind>/<int:target_id>/ocultar", methods=["POST"])
def hide(kind: str, target_id: int):
    target = _target(kind, target_id)
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide(current_user, target, form.reason.data)
        except DomainError as error:
            form.reason.errors.append(error.message)
        else:
            flash(_("Hidden. The reason is shown in its place."), "success")
            return redirect(url_for(".queue"))
    return _page(400, {(registry.kind_of(target).name, target.id): form})


@bp.route("/cuentas/<int:user_id>/<action>", methods=["POST"])
def account(user_id: int, action: str):
    user = db.session.get(User, user_id)
    if user is None or action not in ("bloquear", "desbloquear"):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.set_blocked(current_user, user, action == "bloquear")
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Account blocked.") if action == "bloquear" else _("Account unblocked."), "success")
    return redirect(url_for(".queue"))
