"""Follow a public work ("seguir esta obra"): hear when its status changes."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participa.accountability.views import bp, public_work_or_404
from participa.core.forms import EmptyForm
from participa.core.timeutil import utcnow
from participa.notifications import follows
from participa.notifications.models import FollowKind


def _checked(work_id: int) -> int:
    public_work_or_404(work_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return work_id


@bp.route("/<int:work_id>/seguir", methods=["POST"])
@login_required
def follow(work_id: int):
    follows.follow(current_user.id, FollowKind.WORK, _checked(work_id), utcnow())
    flash(_("You follow this work: we will tell you when its status changes."), "success")
    return redirect(url_for(".public_work", work_id=work_id))


@bp.route("/<int:work_id>/dejar-de-seguir", methods=["POST"])
@login_required
def unfollow(work_id: int):
    follows.unfollow(current_user.id, FollowKind.WORK, _checked(work_id))
    flash(_("You no longer follow this work."), "success")
    return redirect(url_for(".public_work", work_id=work_id))
