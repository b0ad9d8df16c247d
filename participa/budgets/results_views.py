"""Counting PB ballots and their results (pages filled in by the results work)."""

from flask import Blueprint

from participa.core.access import guard_blueprint

public_bp = Blueprint("pb_results", __name__, url_prefix="/procesos/<int:process_id>/presupuesto")
manage_bp = Blueprint(
    "pb_counting", __name__, url_prefix="/gestion/procesos/<int:process_id>/presupuesto"
)
guard_blueprint(manage_bp, "staff", "admin")
