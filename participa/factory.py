"""The app factory: config, extensions, blueprints, hooks, error handlers and CLI."""

import contextlib
import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

from participa import cli, web
from participa.administration import hooks as administration_hooks
from participa.auth import totp
from participa.budgets import hooks as budgets_hooks
from participa.collaboration import hooks as collaboration_hooks
from participa.comments import hooks as comments_hooks
from participa.consultations import hooks as consultations_hooks
from participa.core import filemodes, jobclock, logs, mailer, metrics
from participa.eligibility import hooks as eligibility_hooks
from participa.events import hooks as events_hooks
from participa.extensions import babel, csrf, db, limiter, login_manager, migrate
from participa.notifications import hooks as notifications_hooks
from participa.officeplan import hooks as officeplan_hooks
from participa.oversight import hooks as oversight_hooks
from participa.proposals import hooks as proposals_hooks
from participa.residents import hooks as residents_hooks
from participa.results import hooks as results_hooks
from participa.tables import hooks as tables_hooks

# Each domain connects to the shared seams (process components, receipts, moderation, domain
# signals) from its own hooks.py, which registers when imported. The order is the order of
# the panels a component shows on a process's pages.
HOOKS = (
    consultations_hooks,
    budgets_hooks,
    proposals_hooks,
    comments_hooks,
    events_hooks,
    oversight_hooks,
    collaboration_hooks,
    eligibility_hooks,
    tables_hooks,
    results_hooks,
    notifications_hooks,
    administration_hooks,  # the work page's FAIS file and commitments, after its own panels
    residents_hooks,
    officeplan_hooks,
)

ROOT = Path(__file__).resolve().parent.parent
# The usual names of a deployment's environment variables, and the settings they set. Any
# other setting is `PARTICIPA_<NAME>` (JSON-parsed, e.g. PARTICIPA_PROXY_FIX_X_FOR=1).
ENVIRONMENT = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "AUDIT_KEY": "AUDIT_KEY",
    "REDIS_URL": "RATELIMIT_STORAGE_URI",
    "PUBLIC_URL": "PUBLIC_URL",
    "LOG_LEVEL": "LOG_LEVEL",
    "LOG_FORMAT": "LOG_FORMAT",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "MAIL_USE_SSL": "MAIL_USE_SSL",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
    "SMS_API_URL": "SMS_API_URL",
    "SMS_ACCOUNT_SID": "SMS_ACCOUNT_SID",
    "SMS_AUTH_TOKEN": "SMS_AUTH_TOKEN",
    "SMS_FROM": "SMS_FROM",
}
# Environment values are text: these settings are numbers or switches.
INTEGERS = ("MAIL_PORT",)
SWITCHES = ("MAIL_USE_TLS", "MAIL_USE_SSL")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error handlers, CLI."""
    app = Flask(
        "participa",  # the package: its name and folder, as when the factory lived there
        instance_path=instance_path(),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _load_config(app, test_config)
    logs.init_app(app)  # first: its request hook times and names every request
    metrics.init_app(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    mailer.init_app(app)

    babel.init_app(app, locale_selector=web.select_locale)
    web.init_app(app)
    cli.init_app(app)
    jobclock.init_app(app)
    return app


def instance_path() -> str:
    """The folder of this installation's data: PARTICIPA_INSTANCE_PATH, or ./instance.

    The database, uploads, outbox, secret key and instance config.py live there, so
    code and data can be kept (and backed up) apart.
    """
    given = os.environ.get("PARTICIPA_INSTANCE_PATH", "").strip()
    return os.path.abspath(os.path.expanduser(given)) if given else str(ROOT / "instance")


def _load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object("participa.config")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name, key in ENVIRONMENT.items():
            if os.environ.get(name):
                app.config[key] = _from_environment(key, os.environ[name])
        if os.environ.get("REDIS_URL"):  # the queue of background jobs too
            app.config["JOBS_REDIS_URL"] = os.environ["REDIS_URL"]
        app.config.from_prefixed_env("PARTICIPA")
    else:
        app.config.update(test_config)
    filemodes.set_umask(app.config["INSTANCE_UMASK"])  # before anything is created

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        path = Path(app.instance_path) / "participa.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _narrow_sqlite_files(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # The pool defaults for several workers; options given in the settings win.
        given = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["POSTGRES_ENGINE_OPTIONS"], **given}
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path), "secret_key")
    if not app.config["AUDIT_KEY"]:
        app.config["AUDIT_KEY"] = _instance_secret(Path(app.instance_path), "audit_key")
    totp.required_roles(app.config["REQUIRE_TOTP_ROLES"])  # a typo stops the start-up
    old_keys = app.config["SECRET_KEY_FALLBACKS"] or []  # a JSON list, or one key as text
    app.config["SECRET_KEY_FALLBACKS"] = [old_keys] if isinstance(old_keys, str) else old_keys


def _narrow_sqlite_files(url: str) -> None:
    """A SQLite database made by an earlier version (0644): its owner's alone from now on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        filemodes.narrow(filemodes.sqlite_files(Path(parsed.database)))


def _from_environment(key: str, value: str):
    if key in INTEGERS:
        return int(value)
    if key in SWITCHES:
        return value.strip().lower() in ("1", "true", "yes", "on")
    return value


def _normalise_db_url(url: str) -> str:
    """Let `postgres://` and `postgresql://` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance: Path, name: str = "secret_key") -> str:
    """Read the instance's secret `name`, generating it (readable by the owner only) once.

    Several processes may start at once (gunicorn workers, two instances): the key is written
    to a file of this process's own and linked into place, which succeeds for one of them only,
    so every process reads the same complete key, never a half-written one.
    """
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / name
    if not path.exists():
        draft = instance / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            with contextlib.suppress(FileExistsError):  # another process won: use its key
                os.link(draft, path)
        finally:
            draft.unlink()
    return path.read_text().strip()
