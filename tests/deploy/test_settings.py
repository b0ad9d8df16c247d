"""Production settings: environment variables, the PostgreSQL pool, start-up warnings."""

import runpy
import threading
from pathlib import Path

import pytest

from participa.core.deployment import startup_warnings
from participa.factory import _instance_secret, create_app

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DATABASE_URL": "postgresql://participa@db.example.mx:5432/participa",
    "SECRET_KEY": "una-clave-larga-y-secreta",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "PUBLIC_URL": "https://participa.example.mx",
    "PARTICIPA_PROXY_FIX_X_FOR": "1",
    "MAIL_SERVER": "smtp.example.mx",
    "MAIL_PORT": "465",
    "MAIL_USE_SSL": "true",
    "MAIL_USERNAME": "participa",
    "MAIL_PASSWORD": "clave-del-correo",
    "MAIL_DEFAULT_SENDER": "Participa <participa@example.mx>",
    "SMS_API_URL": "https://sms.example.mx",
}


@pytest.fixture
def environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name, value in PRODUCTION_ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def test_a_production_deployment_is_configured_from_the_environment(environment):
    app = create_app()  # no test config: defaults, instance/config.py, then the environment
    config = app.config
    assert config["SQLALCHEMY_DATABASE_URI"] == (
        "postgresql+psycopg://participa@db.example.mx:5432/participa"
    )
    assert config["SECRET_KEY"] == "una-clave-larga-y-secreta"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["PUBLIC_URL"] == "https://participa.example.mx"
    assert config["PROXY_FIX_X_FOR"] == 1
    assert (config["MAIL_SERVER"], config["MAIL_PORT"]) == ("smtp.example.mx", 465)
    assert config["MAIL_USE_SSL"] is True and config["MAIL_USE_TLS"] is False
    assert config["MAIL_DEFAULT_SENDER"] == "Participa <participa@example.mx>"
    options = config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_pre_ping"] is True and options["pool_size"] == 5
    assert startup_warnings(config, workers=5) == []


def test_engine_options_given_win_over_the_postgresql_defaults(environment):
    environment.setenv("PARTICIPA_SQLALCHEMY_ENGINE_OPTIONS", '{"pool_size": 2}')
    options = create_app().config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_size"] == 2 and options["pool_pre_ping"] is True


def test_sqlite_gets_no_pool_settings(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "SECRET_KEY": "x"}
    )
    assert "pool_size" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_memory_limits_with_several_workers_are_warned_about():
    config = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PUBLIC_URL": "https://participa.example.mx",
        "MAIL_SERVER": "smtp.example.mx",
        "SMS_API_URL": "https://sms.example.mx",
    }
    assert startup_warnings(config, workers=1) == []
    (warning,) = startup_warnings(config, workers=3)
    assert "memory://" in warning and "3 workers" in warning and "REDIS_URL" in warning
    assert startup_warnings({**config, "RATELIMIT_ENABLED": False}, workers=3) == []


def test_the_development_public_url_is_warned_about():
    served = {"MAIL_SERVER": "smtp.example.mx", "SMS_API_URL": "https://sms.example.mx"}
    for public_url in ("http://127.0.0.1:5000/", None):
        (warning,) = startup_warnings({**served, "PUBLIC_URL": public_url}, workers=1)
        assert "PUBLIC_URL" in warning


def test_a_production_server_without_mail_or_sms_is_warned_about():
    config = {"PUBLIC_URL": "https://participa.example.mx"}
    mail, sms = startup_warnings(config, workers=1)
    assert "MAIL_SERVER" in mail and "outbox" in mail
    assert "SMS_API_URL" in sms


def test_processes_starting_together_share_one_generated_secret_key(tmp_path):
    keys = []
    threads = [
        threading.Thread(target=lambda: keys.append(_instance_secret(tmp_path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no drafts left behind
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


class FakeServer:
    """What gunicorn's `when_ready` hook is given: the loaded app, the settings, a log."""

    def __init__(self, app, workers: int):
        self.app = type("Loaded", (), {"wsgi": lambda _self: app})()
        self.cfg = type("Cfg", (), {"workers": workers})()
        self.warnings: list[str] = []
        self.log = type("Log", (), {"warning": lambda _s, *args: self.warnings.append(args)})()


def test_gunicorn_logs_the_warnings_when_ready(app, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "1")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (settings["workers"], settings["worker_class"]) == (3, "sync")
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    server = FakeServer(app, settings["workers"])
    settings["when_ready"](server)
    assert [args[1] for args in server.warnings] == startup_warnings(app.config, 3)
    assert any("memory://" in args[1] for args in server.warnings)
