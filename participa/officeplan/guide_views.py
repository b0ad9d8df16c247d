"""Public pages on rights and how to take part; staff edit them as versions."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from participa.core.access import guard_blueprint
from participa.core.errors import DomainError
from participa.core.forms import EmptyForm, show_error
from participa.core.timeutil import utcnow
from participa.officeplan import guides
from participa.officeplan.forms import GuideForm
from participa.officeplan.models import GuidePage
from participa.officeplan.pages import render

public_bp = Blueprint("guides", __name__)
manage_bp = Blueprint("guides_manage", __name__, url_prefix="/gestion/guias")
guard_blueprint(manage_bp, "staff", "admin")


def _page(slug: str) -> GuidePage:
    found = guides.by_slug(slug)
    if found is None:
        abort(404)
    return found


@public_bp.route("/derechos")
def rights():
    found = guides.rights_page()
    if found is None:
        abort(404)
    return render("guide.html", page=found, version=found.current)


@public_bp.route("/como-participar/")
def mechanisms():
    return render("guides.html", pages=[p for p in guides.pages() if p.process_type])


@public_bp.route("/como-participar/<slug>")
def mechanism(slug: str):
    found = _page(slug)
    if found.process_type is None:
        return redirect(url_for(".rights"))
    return render("guide.html", page=found, version=found.current)


@manage_bp.route("/")
def index():
    return render("guides_manage.html", pages=guides.pages())


@manage_bp.route("/<slug>", methods=["GET", "POST"])
def edit(slug: str):
    found = _page(slug)
    form = GuideForm(data={"title": found.current.title, "body": found.current.body})
    if form.validate_on_submit():
        try:
            guides.save(current_user, found, form.title.data or "", form.body.data or "", utcnow())
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Page saved as a new version."), "success")
            return redirect(url_for(".edit", slug=slug))
    status = 400 if form.errors or form.form_errors else 200
    return render("guide_form.html", status, page=found, form=form, button=EmptyForm(formdata=None))


@manage_bp.route("/<slug>/v<int:number>")
def version(slug: str, number: int):
    found = _page(slug)
    chosen = next((v for v in found.versions if v.number == number), None)
    if chosen is None:
        abort(404)
    return render(
        "guide.html", page=found, version=chosen, old=True, button=EmptyForm(formdata=None)
    )


@manage_bp.route("/<slug>/v<int:number>/restaurar", methods=["POST"])
def restore(slug: str, number: int):
    found = _page(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        guides.restore(current_user, found, number, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Version %(n)s restored as a new version.", n=number), "success")
    return redirect(url_for(".edit", slug=slug))
