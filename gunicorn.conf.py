"""Gunicorn settings for Participa (`make serve`, or `gunicorn -c gunicorn.conf.py app:app`).

Every value can be set from the environment, so one file serves every instance:

| variable | default | what |
|---|---|---|
| `GUNICORN_BIND` (or `PORT`) | `127.0.0.1:8000` | where to listen; nginx sits in front |
| `WEB_CONCURRENCY` | 2 x cores + 1 | worker processes |
| `GUNICORN_THREADS` | 4 | threads per worker (gthread); 1 picks plain sync workers |
| `GUNICORN_TIMEOUT` | 30 | seconds a silent worker lives before it is restarted |
| `GUNICORN_GRACEFUL_TIMEOUT` | 30 | seconds a worker gets to finish on restart (SIGHUP/TERM) |
| `GUNICORN_FORWARDED_ALLOW_IPS` | `127.0.0.1,::1` | proxies whose X-Forwarded-* gunicorn trusts |
| `GUNICORN_ACCESS_LOG` | `-` (stdout) | access log file; `""` turns it off |
| `GUNICORN_CONTROL_SOCKET` | none (off) | path of gunicorn's control socket (`gunicornc`) |

With the setting METRICS_ENABLED (`PARTICIPA_METRICS_ENABLED=true`) the master serves the sum
of its workers' Prometheus metrics on METRICS_ADDRESS:METRICS_PORT (127.0.0.1:9464).

The ballot POST was measured with sync and gthread workers (bench/gunicorn_workers.py, figures
in docs/deploy.md, "Workers and threads"): a ballot spends much of its time waiting on
PostgreSQL (several queries and a commit), which a sync worker cannot overlap, so gthread
served about twice the ballots per second at half the latency on this 2-core machine. Each
thread may hold one database connection: keep threads <= pool_size + max_overflow
(POSTGRES_ENGINE_OPTIONS, 10 by default).
"""

import multiprocessing
import os
import shutil
import tempfile

from gunicorn.glogging import Logger

from participa.core.logs import LOGGED_PATH_KEY


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


_port = os.environ.get("PORT", "").strip()
bind = [os.environ.get("GUNICORN_BIND") or (f"127.0.0.1:{_port}" if _port else "127.0.0.1:8000")]
wsgi_app = "app:app"

workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"

timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5  # behind nginx, which keeps its own upstream connections
# Restart each worker after a while (jittered, so they never restart together): any slow leak
# is bounded, and a restart is graceful (the worker finishes its requests first).
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max(1, max_requests // 10)
# Load the app in the master, before forking: a broken configuration stops the start-up at
# once, and workers share the loaded code. The database engine opens no connection at import,
# so no connection is shared across the fork.
preload_app = True

# Only the proxies in front may say who the client is and that the request came over HTTPS.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips

# Access log: time, method, path WITHOUT the query string (it can carry reset tokens, search
# terms or CURPs), status, size, duration in microseconds and the worker's pid. No client IP,
# no referrer and no user agent: rate limits work from the request itself, the log needs none.
# The path is the one the app chose to log (participa/core/logs.py, `logged_path`): a URL
# with a secret in it, such as a password reset link, is written as its rule
# (`/cuenta/recuperar/<token>`), never with the token.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus %(p)s'
errorlog = "-"


class AccessLogger(Logger):
    """gunicorn's logger, writing the app's safe path where a format asks for the path."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get(LOGGED_PATH_KEY)
        if path is None:  # the app never saw the request (gunicorn refused it): no secret
            path = environ.get("PATH_INFO", "-")
        # %(r)s (the request line) and %(q)s (the query) are left without what they would leak.
        atoms.update(U=path, r=f"{atoms['m']} {path} {atoms['H']}", q="")
        return atoms


logger_class = AccessLogger
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "participa")
# gunicorn 25+ opens a control socket at one path per user ($HOME/.gunicorn/gunicorn.ctl): two
# instances of one user would take each other's. Only with a path of this instance's own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]


# Metrics: each worker writes its figures to files in a folder of this master's own, which the
# master adds up (participa/core/metrics.py). prometheus_client reads the folder's name when it
# is imported, so it is set here, before the app loads (once: a reload reads this file again);
# the folder stays empty unless METRICS_ENABLED.
METRICS_DIR_PREFIX = "participa-metrics-"
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix=METRICS_DIR_PREFIX)


def when_ready(server):
    """Warn about settings that break with several workers; serve the workers' metrics."""
    from participa.core import metrics
    from participa.core.deployment import startup_warnings

    app = server.app.wsgi()  # already loaded in the master (preload_app)
    for warning in startup_warnings(app.config, server.cfg.workers):
        server.log.warning("participa: %s", warning)
    if app.config["METRICS_ENABLED"]:
        metrics.serve_workers(app.config)


def on_exit(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    if os.path.basename(folder).startswith(METRICS_DIR_PREFIX):  # ours, not one given
        shutil.rmtree(folder, ignore_errors=True)
