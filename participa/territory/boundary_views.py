"""Staff import the colonias' boundaries from a GeoJSON file."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from participa.core import upload_limits
from participa.core.access import guard_blueprint, has_role
from participa.extensions import db
from participa.territory import services
from participa.territory.boundaries import NAME_PROPERTIES, BoundaryImportError, import_boundaries
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


@bp.route("/", methods=["GET", "POST"])
def index():
    form, problems = _form(), []
    if form.validate_on_submit():
        delegacion = db.session.get(Delegacion, form.delegacion_id.data or 0)
        if form.create_missing.data and not has_role("admin"):
            # New colonias change who may take part and the population shares, as the
            # administrator's territory page does: staff bring boundaries of existing ones.
            form.create_missing.errors.append(_("Only an administrator can create colonias."))
        elif form.create_missing.data and delegacion is None:
            form.delegacion_id.errors.append(_("Choose the delegación of the new colonias."))
        else:
            try:
                result = import_boundaries(
                    current_user,
                    form.file.data.read(),
                    current_app.config["MUNICIPALITY_BOUNDS"],
                    name_property=(form.name_property.data or "").strip() or None,
                    create_missing_in=delegacion if form.create_missing.data else None,
                )
            except BoundaryImportError as error:
                db.session.rollback()
                form.file.errors.append(error.message)
                problems = error.problems
            else:
                flash(
                    _(
                        "Boundaries imported: %(u)s colonias updated, %(c)s created.",
                        u=result.updated,
                        c=result.created,
                    ),
                    "success",
                )
                return redirect(url_for(".index"))
    colonias, drawn = _counts()
    status = 400 if form.errors or problems else 200
    return render_template(
        "territory/boundaries.html",
        form=form,
        problems=problems,
        colonias=colonias,
        drawn=drawn,
        name_properties=NAME_PROPERTIES,
    ), status
