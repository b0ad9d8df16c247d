"""Logging: configured at start, one line per request with its id, errors with their traceback.

`LOG_LEVEL` (default INFO) and `LOG_FORMAT` ("text", or "json" for one JSON object per line,
for log collectors) are settings, set by the environment variables of the same names. Every
record logged during a request carries the request's id: the proxy's `X-Request-ID` when
the app is behind one (PROXY_FIX_X_FOR), else a new one; the response echoes it, so a
resident's "it failed" can be found in the log.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
# What an id from the proxy may look like (nginx's $request_id is 32 hex digits); anything
# else is replaced, so nobody writes into the log through the header.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# View arguments that are secrets wherever they appear: masked in any logged path.
SECRET_VIEW_ARGS = ("token",)
# Where the path to log is left in the WSGI environ, for the server's access log to write
# instead of the real one (gunicorn.conf.py's AccessLogger).
LOGGED_PATH_KEY = "participa.logged_path"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
FORMATS = ("text", "json")
# Request fields that JSON lines carry as fields of their own.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")

request_log = logging.getLogger("participa.request")


def init_app(app: Flask) -> None:
    """Configure logging from the settings and log every request (first of the hooks)."""
    configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])
    app.before_request(_begin)
    app.after_request(_finish)


def configure(level: str, log_format: str) -> None:
    """One handler on the root logger, to stderr (the journal under systemd)."""
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {FORMATS}, not {log_format!r}")
    root = logging.getLogger()
    root.setLevel(str(level).upper())  # an unknown level stops the start-up: ValueError
    for handler in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(handler)  # a second app in the same process replaces the first's
    handler = StderrHandler()
    json_lines = log_format == "json"
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    # Every record gets the request id, whichever handler (a test's too) formats it.
    if logging.getLogRecordFactory() is not _record_with_request_id:
        global _base_factory
        _base_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_record_with_request_id)


def quiet(view):
    """Log this view's successful requests at DEBUG (health checks polled every few seconds)."""
    view.quiet_log = True
    return view


def secret_url(view):
    """Never log this view's real path: its URL carries a secret (a reset link's token).

    The request log and the server's access log write the URL rule instead
    (`/cuenta/recuperar/<token>`), whatever the values in the path.
    """
    view.secret_url = True
    return view


class StderrHandler(logging.StreamHandler):
    """Write to whatever `sys.stderr` is when a record comes (test runners swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({k: getattr(record, k) for k in REQUEST_FIELDS if hasattr(record, k)})
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


_base_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    record.request_id = g.get("request_id", "-") if has_request_context() else "-"
    return record


def _begin() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get(REQUEST_ID_HEADER, "")
    # Only the proxy in front may name the request: it replaces what the client sent.
    trusted = current_app.config["PROXY_FIX_X_FOR"] and VALID_REQUEST_ID.fullmatch(given)
    g.request_id = given if trusted else uuid.uuid4().hex
    logged_path()  # in the environ at once: a request that fails later is logged safely too


def _finish(response):
    # An extension's hook that ran before ours may have refused the request: still log it.
    request_id = g.setdefault("request_id", uuid.uuid4().hex)
    response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("request_started", time.perf_counter())
    duration = round((time.perf_counter() - started) * 1000, 1)
    view = current_app.view_functions.get(request.endpoint or "")
    quiet_view = getattr(view, "quiet_log", False) and response.status_code < 400
    path = logged_path()  # also tells the server's access log what to write
    request_log.log(
        logging.DEBUG if quiet_view else logging.INFO,
        "%s %s %s %.1fms",
        request.method,
        path,
        response.status_code,
        duration,
        extra={
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": duration,
        },
    )
    return response


def logged_path() -> str:
    """The request's path: never its query string (tokens, CURPs), never a secret part.

    A view marked `secret_url` is logged as its URL rule; elsewhere any view argument named
    in SECRET_VIEW_ARGS is masked. The result is also left in the WSGI environ, where the
    server's access log takes it (gunicorn.conf.py).
    """
    path = request.path
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "secret_url", False) and request.url_rule is not None:
        path = request.url_rule.rule
    for name in SECRET_VIEW_ARGS:
        if value := (request.view_args or {}).get(name):
            path = path.replace(str(value), "***")
    request.environ[LOGGED_PATH_KEY] = path
    return path
