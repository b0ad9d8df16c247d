"""A supporter may ask to hear when the proposal is answered or converted (opt-in)."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participa.core.forms import EmptyForm
from participa.core.timeutil import utcnow
from participa.notifications import follows
from participa.notifications.models import FollowKind
from participa.proposals import supports
from participa.proposals.views import bp, proposal_or_404


def _back(proposal):
    return redirect(url_for(".detail", process_id=proposal.process_id, proposal_id=proposal.id))


@bp.route("/<int:proposal_id>/seguir", methods=["POST"])
@login_required
def follow(process_id: int, proposal_id: int):
    proposal = proposal_or_404(process_id, proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not supports.has_supported(proposal, current_user):
        flash(_("Support the proposal first to hear about its answer."), "error")
        return _back(proposal)
    follows.follow(current_user.id, FollowKind.PROPOSAL, proposal.id, utcnow())
    flash(_("We will tell you when this proposal is answered."), "success")
    return _back(proposal)


@bp.route("/<int:proposal_id>/dejar-de-seguir", methods=["POST"])
@login_required
def unfollow(process_id: int, proposal_id: int):
    proposal = proposal_or_404(process_id, proposal_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    follows.unfollow(current_user.id, FollowKind.PROPOSAL, proposal.id)
    flash(_("You will no longer hear about this proposal."), "success")
    return _back(proposal)
