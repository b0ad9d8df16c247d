"""Participa: the citizen-participation platform of a Mexican municipality."""

import os
import secrets
from pathlib import Path

from flask import Flask

from participa import cli, web
from participa.extensions import babel, csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, error handlers, CLI."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    _load_config(app, test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    babel.init_app(app, locale_selector=web.select_locale)
    web.init_app(app)
    cli.init_app(app)
    return app


def _load_config(app: Flask, test_config: dict | None) -> None:
    app.config.from_object("participa.config")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name in ("DATABASE_URL", "SECRET_KEY"):
            if os.environ.get(name):
                key = "SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name
                app.config[key] = os.environ[name]
        app.config.from_prefixed_env("PARTICIPA")
    else:
        app.config.update(test_config)

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        Path(app.instance_path).mkdir(exist_ok=True)
        path = Path(app.instance_path) / "participa.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_db_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _normalise_db_url(url: str) -> str:
    """Let `postgres://` and `postgresql://` URLs use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance: Path) -> str:
    """Read the instance's secret key, generating it (readable by the owner only) once."""
    instance.mkdir(exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
