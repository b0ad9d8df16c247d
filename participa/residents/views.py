"""Mis participaciones: a logged-in resident's own record of taking part."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from participa.residents.participations import participations_of

bp = Blueprint("residents", __name__)


@bp.route("/mis-participaciones")
@login_required
def participations():
    return render_template("residents/participations.html", mine=participations_of(current_user.id))
