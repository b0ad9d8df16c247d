"""Logging: one line per request with its id, no query strings or reset tokens, errors with
their traceback, JSON lines on request, the level from the environment."""

import json
import logging

import flask_migrate
import pytest

from participa import ROOT, create_app
from participa.core import logs
from tests.conftest import TEST_CONFIG


@pytest.fixture
def restore_logging():
    """Put the root logger back as the test found it (a test's app changes it)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    root.setLevel(level)
    root.handlers[:] = handlers


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "participa.request"]


def test_one_line_per_request_without_the_query_string(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/privacidad?curp=GOMR800101MJCLRS09&token=secreto")
    (line,) = request_lines(caplog)
    assert response.status_code == 200
    assert line.levelno == logging.INFO
    assert (line.method, line.path, line.status) == ("GET", "/privacidad", 200)
    assert line.duration_ms >= 0
    assert line.getMessage().startswith("GET /privacidad 200 ")
    assert "secreto" not in caplog.text and "GOMR800101" not in caplog.text
    # The id in the log is the one the response gives, and each request has its own.
    assert line.request_id == response.headers["X-Request-ID"]
    assert client.get("/privacidad").headers["X-Request-ID"] != line.request_id


def test_a_reset_link_token_never_reaches_the_log(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/cuenta/recuperar/InyJhbGciOiJIUzUxMiJ9.firma-secreta")
    (line,) = request_lines(caplog)
    assert line.path == "/cuenta/recuperar/<token>"
    assert "firma-secreta" not in caplog.text


def test_the_proxy_names_the_request_nobody_else_does(database, caplog):
    direct = database().test_client()
    sent = {"X-Request-ID": "0123456789abcdef0123456789abcdef"}
    assert direct.get("/vivo", headers=sent).headers["X-Request-ID"] != sent["X-Request-ID"]

    proxied = database(PROXY_FIX_X_FOR=1).test_client()
    assert proxied.get("/vivo", headers=sent).headers["X-Request-ID"] == sent["X-Request-ID"]
    # Even through the proxy, an id that could pass for other log text is replaced.
    for forged in ("abc] ERROR otra línea [", "x" * 500):
        answer = proxied.get("/vivo", headers={"X-Request-ID": forged})
        assert answer.headers["X-Request-ID"] != forged


def test_health_checks_polled_every_few_seconds_log_at_debug(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/salud")
        client.get("/vivo")
    assert request_lines(caplog) == []


def test_an_unhandled_error_is_logged_with_its_traceback_and_request_id(database, caplog):
    app = database(PROPAGATE_EXCEPTIONS=False)

    @app.get("/fallo-de-prueba")
    def broken():
        raise RuntimeError("algo se rompió")

    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/fallo-de-prueba?token=secreto")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    # The resident sees the id, to give the office, which finds the traceback with it.
    assert f"da esta referencia: {request_id}" in response.get_data(as_text=True)
    (error,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.request_id == request_id and error.exc_info[0] is RuntimeError
    assert "algo se rompió" in caplog.text and "Traceback" in caplog.text
    (line,) = request_lines(caplog)
    assert line.status == 500 and line.request_id == request_id
    assert "secreto" not in caplog.text


def test_json_lines_for_a_log_collector(database, capsys, restore_logging):
    app = database(LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    @app.get("/fallo-de-prueba")
    def broken():
        raise RuntimeError("algo se rompió")

    capsys.readouterr()
    request_id = app.test_client().get("/fallo-de-prueba").headers["X-Request-ID"]
    entries = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    error, line = entries[-2:]
    assert error["level"] == "ERROR" and "RuntimeError: algo se rompió" in error["traceback"]
    assert line["logger"] == "participa.request" and line["level"] == "INFO"
    assert {k: line[k] for k in ("method", "path", "status")} == {
        "method": "GET",
        "path": "/fallo-de-prueba",
        "status": 500,
    }
    assert error["request_id"] == line["request_id"] == request_id
    assert line["time"].endswith("+00:00") and isinstance(line["duration_ms"], float)


def test_the_level_and_format_come_from_the_environment(monkeypatch, tmp_path, restore_logging):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("SECRET_KEY", "prueba")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    monkeypatch.setenv("LOG_FORMAT", "json")
    app = create_app()
    assert (app.config["LOG_LEVEL"], app.config["LOG_FORMAT"]) == ("warning", "json")
    root = logging.getLogger()
    assert root.level == logging.WARNING
    (handler,) = [h for h in root.handlers if isinstance(h, logs.StderrHandler)]
    assert isinstance(handler.formatter, logs.JsonFormatter)


@pytest.mark.parametrize("setting", [{"LOG_LEVEL": "HABLADOR"}, {"LOG_FORMAT": "xml"}])
def test_a_wrong_logging_setting_stops_the_start(setting, tmp_path, restore_logging):
    config = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"}
    with pytest.raises(ValueError):
        create_app({**config, **setting})


def test_migrating_in_the_same_process_leaves_the_app_logs_on(tmp_path, restore_logging):
    # Alembic's env.py configures logging from alembic.ini: it must not disable the app's.
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.db'}"})
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
    for name in ("participa.request", "participa.core.health", "flask-limiter", app.logger.name):
        assert not logging.getLogger(name).disabled, name
