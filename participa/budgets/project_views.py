"""Project proposals and their technical review (pages filled in by the projects work)."""

from flask import Blueprint

from participa.core.access import guard_blueprint

public_bp = Blueprint("pb_projects", __name__, url_prefix="/procesos/<int:process_id>/proyectos")
manage_bp = Blueprint(
    "pb_review", __name__, url_prefix="/gestion/procesos/<int:process_id>/proyectos"
)
guard_blueprint(manage_bp, "staff", "admin")
