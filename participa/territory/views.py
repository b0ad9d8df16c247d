"""Territory administration (list, add, edit, import from CSV) and the public point lookup."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.access import require_roles
from participa.core.errors import DomainError
from participa.core.limits import per_ip
from participa.extensions import db
from participa.territory import services
from participa.territory.forms import ColoniaForm, DelegacionForm, TerritoryImportForm
from participa.territory.geo import colonia_at as find_colonia
from participa.territory.models import Colonia

bp = Blueprint("territory", __name__)
PUBLIC = {"territory.colonia_at"}  # a map picker asks it for anyone; the rest is the admin's


@bp.before_request
def _guard():
    if request.endpoint not in PUBLIC:
        require_roles("admin")


def _colonia_form(obj=None) -> ColoniaForm:
    form = ColoniaForm(obj=obj)
    form.delegacion_id.choices = [(d.id, d.name) for d in services.delegaciones()]
    return form


@bp.route("/admin/territorio/", methods=["GET", "POST"])
def index():
    form = DelegacionForm()
    if form.validate_on_submit():
        try:
            services.add_delegacion(current_user, form.name.data)
        except DomainError as error:
            form.name.errors.append(error.message)
        else:
            flash(_("Delegación added."), "success")
            return redirect(url_for(".index"))
    return render_template(
        "territory/index.html",
        delegaciones=services.delegaciones(),
        form=form,
        colonia_form=_colonia_form(),
        import_form=TerritoryImportForm(),
    )


@bp.route("/admin/territorio/colonias/nueva", methods=["POST"])
@bp.route("/admin/territorio/colonias/<int:colonia_id>", methods=["GET", "POST"])
def colonia(colonia_id: int | None = None):
    existing = db.session.get(Colonia, colonia_id) if colonia_id else None
    if colonia_id and existing is None:
        abort(404)
    form = _colonia_form(existing)
    if form.validate_on_submit():
        try:
            services.save_colonia(
                current_user,
                existing,
                name=form.name.data,
                delegacion_id=form.delegacion_id.data,
                population=form.population.data,
            )
        except DomainError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(_("Colonia saved."), "success")
            return redirect(url_for(".index"))
    return render_template("territory/colonia.html", form=form, colonia=existing)


@bp.route("/admin/territorio/importar", methods=["POST"])
def import_csv():
    form = TerritoryImportForm()
    if form.validate_on_submit():
        try:
            rows = services.parse_territory_csv(form.file.data.read())
            summary = services.import_territory(current_user, rows)
        except DomainError as error:
            form.file.errors.append(error.message)
        else:
            flash(
                _(
                    "Imported: %(d)s new delegaciones, %(c)s new colonias, %(u)s updated.",
                    d=summary.delegaciones_created,
                    c=summary.colonias_created,
                    u=summary.colonias_updated,
                ),
                "success",
            )
            return redirect(url_for(".index"))
    return render_template(
        "territory/index.html",
        delegaciones=services.delegaciones(),
        form=DelegacionForm(formdata=None),
        colonia_form=_colonia_form(),
        import_form=form,
    ), 400


def _coordinate(name: str, limit: float) -> float | None:
    try:
        value = float(request.args.get(name, ""))
    except ValueError:
        return None
    return value if -limit <= value <= limit else None  # NaN and infinities fail too


@bp.route("/territorio/colonia-en")
@per_ip("RATELIMIT_COLONIA_AT", "colonia-at", methods=("GET",))
def colonia_at():
    """The colonia of a point, as JSON: {id, label}, or {} outside every boundary (200 too: a
    point in no colonia is an answer, and browsers log every 404 of a page as an error)."""
    lat, lon = _coordinate("lat", 90), _coordinate("lon", 180)
    if lat is None or lon is None:
        message = _("Give lat and lon as decimal degrees, e.g. lat=20.67&lon=-103.35.")
        return jsonify({"error": message}), 400
    colonia = find_colonia(lat, lon)
    if colonia is None:
        return jsonify({})
    return jsonify({"id": colonia.id, "label": colonia.label})
