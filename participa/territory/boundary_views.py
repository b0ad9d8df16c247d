"""Staff import the colonias' boundaries from a GeoJSON file, as a background job."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from participa.core import jobstore, upload_limits
from participa.core.access import guard_blueprint, has_role
from participa.core.errors import DomainError
from participa.extensions import db
from participa.territory import boundary_jobs, services
from participa.territory.boundaries import NAME_PROPERTIES
from participa.territory.forms import BoundaryImportForm
from participa.territory.models import Colonia, Delegacion

bp = Blueprint("boundaries", __name__, url_prefix="/gestion/territorio/limites")
guard_blueprint(bp, "staff", "admin")
upload_limits.allow_large("boundaries.index", "COLONIA_BOUNDARIES_MAX")


def _form() -> BoundaryImportForm:
    form = BoundaryImportForm()
    form.delegacion_id.choices = [(0, _l("Choose a delegación"))] + [
        (d.id, d.name) for d in services.delegaciones()
    ]
    return form


def _counts() -> tuple[int, int]:
    colonias = db.session.execute(db.select(db.func.count(Colonia.id))).scalar_one()
    drawn = db.session.execute(
        db.select(db.func.count(Colonia.id)).where(Colonia.min_lat.is_not(None))
    ).scalar_one()
    return colonias, drawn


def _start(form: BoundaryImportForm) -> bool:
    """Start the import the form asks for; False with the form's errors set when it cannot."""
    delegacion = db.session.get(Delegacion, form.delegacion_id.data or 0)
    if form.create_missing.data and not has_role("admin"):
        # New colonias change who may take part and the population shares, as the
        # administrator's territory page does: staff bring boundaries of existing ones.
        form.create_missing.errors.append(_("Only an administrator can create colonias."))
        return False
    if form.create_missing.data and delegacion is None:
        form.delegacion_id.errors.append(_("Choose the delegación of the new colonias."))
        return False
    try:
        boundary_jobs.start_import(
            current_user,
            form.file.data.read(),
            name_property=(form.name_property.data or "").strip() or None,
            delegacion_id=delegacion.id if form.create_missing.data else None,
        )
    except DomainError as error:
        form.file.errors.append(error.message)
        return False
    return True


@bp.route("/", methods=["GET", "POST"])
def index():
    form = _form()
    if form.validate_on_submit() and _start(form):
        flash(_("The file was received and is being imported; this page shows how it goes."))
        return redirect(url_for(".index"))
    colonias, drawn = _counts()
    imports = jobstore.latest(boundary_jobs.SUBJECT)
    return render_template(
        "territory/boundaries.html",
        form=form,
        imports=imports,
        refusal=boundary_jobs.latest_refusal(imports),
        colonias=colonias,
        drawn=drawn,
        name_properties=NAME_PROPERTIES,
    ), (400 if form.errors else 200)
