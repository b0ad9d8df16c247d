"""Home page, language switch, the privacy notice, and the health URLs for monitoring."""

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
from flask_babel import get_timezone
from flask_login import current_user

from participa.auth.models import Role
from participa.core.access import safe_next
from participa.core.forms import EmptyForm
from participa.core.health import run_checks
from participa.core.logs import quiet
from participa.core.timeutil import local_today
from participa.processes.services import public_processes
from participa.processes.types import ProcessStatus
from participa.residents.open_now import open_processes

bp = Blueprint("site", __name__)
UPCOMING_LIMIT = 10


@bp.route("/")
def home():
    # What a resident can do today first: the open processes, theirs before the others
    # (residents/open_now.py); then what is announced, then the latest results.
    person = _resident()
    current, more = open_processes(person, local_today(get_timezone()))
    return render_template(
        "site/home.html",
        current=current,
        more=more,
        personal=person is not None,
        upcoming=public_processes({ProcessStatus.PUBLISHED}, limit=UPCOMING_LIMIT),
        finished=public_processes({ProcessStatus.RESULTS_PUBLISHED}, limit=3),
    )


def _resident():
    """The logged-in person, when they may take part themselves: staff accounts, without a
    CURP or colonia, see the open processes as a visitor does, without a reason on each."""
    user = current_user
    if user.is_authenticated and (user.role is Role.CITIZEN or user.curp):
        return user
    return None


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
@quiet
def health():
    # Readiness (proxy, systemd, a monitor): every part the site needs answers. Public, so
    # only names and short reasons; the details are in the log (docs/deploy.md).
    checks = run_checks(current_app)
    failing = [name for name, result in checks.items() if result != "ok"]
    body = {"status": "failing" if failing else "ok", "checks": checks}
    if failing:
        body["failing"] = failing
    return body, 503 if failing else 200, {"Cache-Control": "no-store"}


@bp.route("/vivo")
@quiet
def alive():
    # Liveness: the process answers, whatever the database does (restarting it would not help).
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}
