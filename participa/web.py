"""Web wiring: blueprints, locale, template helpers, security headers and error pages."""

import contextlib
import hashlib
import sqlite3
from functools import cache
from itertools import chain
from pathlib import Path

from flask import (
    Flask,
    current_app,
    has_app_context,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from participa.accountability import follow_views as accountability_follow_views
from participa.admin.views import bp as admin_bp
from participa.administration import fais_views as administration_fais_views
from participa.administration import views as administration_views
from participa.audit.views import bp as audit_public_bp
from participa.auth.contact_views import bp as contact_bp
from participa.auth.models import User
from participa.auth.views import bp as auth_bp
from participa.background import views as background_views
from participa.budgets import project_manage_views, project_views, results_views, voting_views
from participa.budgets.ballot_views import bp as pb_ballots_bp
from participa.collaboration import views as collaboration_views
from participa.consultations.builder_views import bp as builder_bp
from participa.consultations.views import bp as consultations_bp
from participa.core import maps, numbers, richtext
from participa.core.access import has_role
from participa.core.forms import active_filters
from participa.core.plainhttp import PlainHttpDevCookies
from participa.core.timeutil import local_today
from participa.core.upload_limits import UploadLimitRequest
from participa.council import manage_views as council_manage
from participa.council import operation_views as council_operations
from participa.council import read_views as council_read
from participa.council import record_views as council_record
from participa.eligibility import account_views as eligibility_account_views
from participa.eligibility import views as eligibility_views
from participa.events import record_views
from participa.events import views as events_views
from participa.extensions import db, login_manager
from participa.moderation.views import bp as moderation_bp
from participa.notifications.views import bp as notifications_bp
from participa.officeplan import advice_views, guide_views, plan_views, request_views
from participa.oversight import views as oversight_views
from participa.processes import types
from participa.processes.views import manage_bp as processes_manage_bp
from participa.processes.views import public_bp as processes_bp
from participa.proposals import follow_views as proposals_follow_views
from participa.proposals import list_views  # noqa: F401 - the list and map routes on proposals' bp
from participa.proposals import manage_views as proposals_manage_views
from participa.receipts.views import bp as receipts_bp
from participa.residents.views import bp as residents_bp
from participa.results.views import bp as results_bp
from participa.search.views import bp as search_bp
from participa.site.views import bp as site_bp
from participa.social_councils.views import bp as social_councils_bp
from participa.tables import batch_views as table_batch_views
from participa.tables import views as table_views
from participa.territory.boundary_views import bp as boundaries_bp
from participa.territory.views import bp as territory_bp
from participa.works import followup_views as works_followup_views
from participa.works import round_views as works_round_views
from participa.works import views as works_views

BLUEPRINTS = (
    site_bp,
    auth_bp,
    contact_bp,
    processes_bp,
    processes_manage_bp,
    consultations_bp,
    builder_bp,
    receipts_bp,
    results_bp,
    territory_bp,
    boundaries_bp,
    admin_bp,
    pb_ballots_bp,
    project_views.public_bp,
    project_manage_views.manage_bp,
    voting_views.bp,
    results_views.public_bp,
    results_views.manage_bp,
    proposals_follow_views.bp,  # the public proposal pages, with their list, map and follow routes
    proposals_manage_views.bp,
    moderation_bp,
    notifications_bp,
    residents_bp,
    oversight_views.public_bp,
    oversight_views.manage_bp,
    collaboration_views.public_bp,
    collaboration_views.manage_bp,
    events_views.bp,
    record_views.bp,  # the staff blueprint of events (manage_views), with the record's pages
    council_manage.bp,
    council_record.bp,
    council_operations.bp,
    council_read.council_bp,
    council_read.public_bp,
    works_views.manage_bp,
    accountability_follow_views.bp,  # /obras: public pages of works ("works_public"), follows
    works_round_views.bp,
    works_followup_views.bp,
    works_followup_views.council_bp,
    eligibility_views.bp,
    eligibility_account_views.bp,
    table_views.bp,
    table_batch_views.bp,
    administration_views.manage_bp,
    administration_views.read_bp,
    administration_fais_views.bp,
    social_councils_bp,
    plan_views.read_bp,
    plan_views.manage_bp,
    request_views.bp,
    guide_views.public_bp,
    guide_views.manage_bp,
    advice_views.bp,
    audit_public_bp,
    background_views.bp,
    search_bp,
)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

# No page needs the camera, microphone, location sensors or payment: deny them to every frame.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Except location on pages with a place picker ("Use my location"), for this origin only.
PERMISSIONS_POLICY_GEOLOCATION = PERMISSIONS_POLICY.replace("geolocation=()", "geolocation=(self)")


class StaticFilesWithoutSession(SecureCookieSessionInterface):
    """The signed-cookie session, except on static files: no cookie, no `Vary: Cookie`.

    Flask-Login's after-request hook reads the session on every response, so Flask sent
    `Vary: Cookie` with stylesheets and scripts too; the session cookie is signed anew on each
    page, so browsers asked the server again for files they had (a round trip each on slow
    data, and Plotly fetched ahead was fetched twice)."""

    def save_session(self, app, session, response) -> None:
        if request.endpoint != "static":
            super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Register blueprints, hooks, template globals and error handlers."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.wsgi_app = PlainHttpDevCookies(app.wsgi_app, app.config)  # inside ProxyFix: its scheme
    if hops := app.config["PROXY_FIX_X_FOR"]:  # behind a reverse proxy: the client's real IP
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    app.request_class = UploadLimitRequest
    app.session_interface = StaticFilesWithoutSession()
    app.before_request(_refuse_nul_characters)
    app.after_request(_security_headers)
    # The map tiles' server joins img-src (core/maps.py); the policy is fixed per app.
    app.extensions["participa_csp"] = maps.content_security_policy(CSP, app.config["MAP_TILE_URL"])
    app.jinja_env.globals.update(
        has_role=has_role,
        same_query=maps.same_query,
        map_settings=maps.settings,
        allow_geolocation=maps.allow_geolocation,
        static_url=static_url,
        type_labels=types.TYPE_LABELS,
        type_icons=types.TYPE_ICONS,
        active_filters=active_filters,
        status_labels=types.STATUS_LABELS,
        scope_labels=types.SCOPE_LABELS,
        today=lambda: local_today(get_timezone()),
    )
    app.jinja_env.filters.update(richtext=richtext.render, plaintext=richtext.plain)
    app.jinja_env.filters.update(
        number=numbers.number, money=numbers.money, percent=numbers.percent
    )
    app.jinja_env.globals["ngettext"] = numbers.template_ngettext  # counts as numbers
    app.context_processor(lambda: {"current_lang": select_locale()})
    for code in (400, 401, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _csrf_error)


def select_locale() -> str:
    """Use the language the person chose in the footer; the default (es_MX) otherwise."""
    # Outside a request (CLI, services raising errors in scripts) there is no session.
    chosen = session.get("lang") if has_request_context() else None
    return (
        chosen
        if chosen in current_app.config["LANGUAGES"]
        else current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def _load_user(session_id: str) -> User | None:
    """The account of a session (or remember-me cookie) that is still valid: the account is
    active, and neither its password nor its session epoch changed since the session began."""
    user_id, _, rest = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or rest != user.get_id().partition(":")[2]:
        return None
    return user


def _refuse_nul_characters():
    """Refuse a NUL character in any field, query value or file name, before a view runs.

    PostgreSQL cannot hold NUL in text (nor take it as a parameter): it would be a 500 there.
    Nobody types one; a clear 400 that changes nothing is the answer.
    """
    values = [*request.args.keys(), *chain.from_iterable(request.args.listvalues())]
    if request.method == "POST":
        values += [*request.form.keys(), *chain.from_iterable(request.form.listvalues())]
        values += [f.filename or "" for f in chain.from_iterable(request.files.listvalues())]
    if any("\x00" in (value or "") for value in values):
        message = _l("The form has a character that cannot be stored (NUL). Remove it and retry.")
        return render_template("errors/error.html", code=400, title=message), 400
    return None


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", current_app.extensions["participa_csp"])
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    geolocation = has_request_context() and maps.geolocation_allowed()
    permissions = PERMISSIONS_POLICY_GEOLOCATION if geolocation else PERMISSIONS_POLICY
    response.headers.setdefault("Permissions-Policy", permissions)
    if current_app.config["SESSION_COOKIE_SECURE"]:  # served over HTTPS only
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


@cache
def _file_version(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def static_url(filename: str) -> str:
    """URL of a static file with a content version, so browsers may cache it for long."""
    version = _file_version(str(Path(current_app.static_folder) / filename))
    return url_for("static", filename=filename, v=version)


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please log in to continue"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    413: _l("The file is too large"),
    429: _l("Too many attempts: please wait a few minutes and try again"),
    500: _l("Something went wrong on our side"),
}


def _error_page(error):
    code = getattr(error, "code", 500) or 500
    # A failed statement leaves the session's transaction unusable; the page (its menu reads
    # the account) needs a clean one, or it fails too and the person gets a blank 500.
    with contextlib.suppress(SQLAlchemyError):  # a database that is down: render anyway
        db.session.rollback()
    if code == 401 and request.method == "GET":
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return render_template("errors/error.html", code=code, title=ERROR_TITLES[code]), code


def _csrf_error(error):
    message = _l("The form expired or was sent from another page. Please try again.")
    return render_template("errors/error.html", code=400, title=message), 400


SQLITE_SYNCHRONOUS_LEVELS = frozenset({"NORMAL", "FULL", "EXTRA"})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on WAL, foreign keys, a busy timeout and durable commits on every SQLite connection.

    In WAL mode `synchronous=NORMAL` survives a killed process but may lose the last commits
    on a power cut or a kernel crash; `FULL` (the default, `SQLITE_SYNCHRONOUS`) syncs the WAL
    at every commit, so a ballot whose receipt was shown is on disk.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        level = current_app.config["SQLITE_SYNCHRONOUS"] if has_app_context() else "FULL"
        level = level.upper() if level.upper() in SQLITE_SYNCHRONOUS_LEVELS else "FULL"
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute(f"PRAGMA synchronous={level}")
        cursor.close()
