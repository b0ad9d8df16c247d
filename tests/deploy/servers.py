"""Helpers to run gunicorn with gunicorn.conf.py and talk to it as a browser would.

Used by tests/deploy/ and bench/gunicorn_workers.py.
"""

import http.cookiejar
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 comes back as an HTTPError with its status


class Browser:
    """One person's cookie jar, sent to whichever instance is asked (as behind nginx)."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect
        )

    def open(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, url: str) -> str:
        """The CSRF token of the form on the page at `url`."""
        status, page = self.open(url)
        found = CSRF.search(page)
        if status != 200 or not found:
            raise AssertionError(f"no form with a CSRF token at {url} ({status})")
        return found.group(1)


def start_gunicorn(env: dict, port: int, log) -> subprocess.Popen:
    """`gunicorn -c gunicorn.conf.py` from the project root, bound to 127.0.0.1:`port`."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def start_worker(env: dict, log) -> subprocess.Popen:
    """`flask worker`, as `make serve` starts it beside gunicorn when REDIS_URL is set."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_serving(process: subprocess.Popen, url: str, seconds: float = 90) -> None:
    """Wait until `url` answers (start-up on a busy machine; a limit, not a measurement)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn for {url} did not answer in {seconds} s")


def stop(processes) -> None:
    """Stop gracefully (SIGTERM, as systemd does), killing only what does not stop."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
