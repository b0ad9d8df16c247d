"""The resident's side of eligibility on "My account": roll entries, desk check, keys."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from participa.core.errors import DomainError
from participa.core.forms import show_error
from participa.core.timeutil import utcnow
from participa.eligibility import desk, keys, matching
from participa.eligibility.forms import AccountKeyForm
from participa.eligibility.models import ConflictStatus, KeyKind, ResidentKey, RollConflict
from participa.extensions import db

bp = Blueprint("eligibility_account", __name__, url_prefix="/cuenta")


@bp.app_template_global()
def eligibility_account(user) -> dict:
    """What "My account" shows about the roll: entries, typed keys, open conflicts, desk."""
    typed = db.session.execute(db.select(ResidentKey).where(ResidentKey.user_id == user.id))
    open_claims = db.session.execute(
        db.select(RollConflict).where(
            RollConflict.claimant_id == user.id, RollConflict.status == ConflictStatus.OPEN
        )
    )
    return {
        "entries": keys.entries_of_user(user),
        "typed": list(typed.scalars()),
        "conflicts": list(open_claims.scalars()),
        "verified": desk.active_verification(user),
        "key_labels": keys.KEY_LABELS,
    }


@bp.app_template_global()
def account_key_form() -> AccountKeyForm:
    return AccountKeyForm(formdata=None)


@bp.route("/claves", methods=["POST"])
@login_required
def add_key():
    form = AccountKeyForm()
    if current_user.role.value != "citizen":
        abort(403)
    if form.validate_on_submit():
        try:
            outcome = matching.add_key(
                current_user, KeyKind(form.kind.data), form.value.data, utcnow()
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_key_message(outcome), "info" if outcome.conflict else "success")
            return redirect(url_for("auth.account"))
    page = render_template("auth/account.html", user=current_user, keys_form=form)
    return page, 400


def _key_message(outcome: matching.KeyOutcome) -> str:
    if outcome.conflict:
        return _(
            "Your key is on the roll but it is attached to another account. The participation "
            "office will review it; you do not need to do anything else, or you can go to a "
            "verification desk with an official ID."
        )
    if outcome.found:
        return _("Your key was saved and you are now on the eligibility roll.")
    return _(
        "Your key was saved. It is not on any roll yet; if it is added later, your account "
        "will be attached to it automatically."
    )
