"""Home page, language switch and the privacy notice."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from participa.core.access import safe_next
from participa.core.forms import EmptyForm
from participa.processes.services import public_processes
from participa.processes.types import ProcessStatus

bp = Blueprint("site", __name__)


@bp.route("/")
def home():
    # Open processes first: they are what a resident can do today.
    current = sorted(
        public_processes({ProcessStatus.OPEN, ProcessStatus.PUBLISHED}),
        key=lambda process: process.status is not ProcessStatus.OPEN,
    )
    finished = public_processes({ProcessStatus.RESULTS_PUBLISHED})[:3]
    return render_template("site/home.html", current=current, finished=finished)


@bp.route("/idioma", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if not EmptyForm().validate_on_submit() or lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for(".home")))


@bp.route("/privacidad")
def privacy():
    return render_template("site/privacy.html")


@bp.route("/salud")
def health():
    return {"status": "ok"}
