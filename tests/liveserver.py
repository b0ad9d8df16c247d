"""A real server for attack tests: the app under gunicorn, in a process group of its own.

`LiveServer` prepares a database (a SQLite file, or a fresh PostgreSQL schema), creates the
tables, seeds a territory, an open consultation and an open PB knapsack ballot, starts
gunicorn (two gthread workers) on a free port against it and waits until it answers. The test
process keeps its own app on the same database (`server.context()`), to create residents and
to read what the server stored. CSRF protection is on, as in production; rate limits are off
(fifty attempts a second by one person are the point), cookies are not `Secure` (plain HTTP).

Clients log in over HTTP with `requests` (`login`), and `clone` gives each thread its own copy
of the session cookie, as fifty tabs or scripts of one resident would have.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests
import sqlalchemy as sa

from participa import create_app
from participa.budgets.models import BallotRule, PbBallot, PbProject, ProjectStatus
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from participa.territory.models import Colonia
from tests import factories
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RECEIPT_CODE = re.compile(r'id="receipt-code">\s*([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})')
AMOUNT = 1_000_000
COSTS = (400_000, 300_000, 250_000, 150_000, 100_000)  # 1,200,000 in all: more than AMOUNT
SECRET_KEY = "live-server-secret"
AUDIT_KEY = "live-server-audit-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """gunicorn serving the app on a prepared database; `start`, `kill` (SIGKILL), `stop`."""

    def __init__(self, workdir: Path, database_url: str, engine_options: dict | None = None):
        self.workdir = workdir
        self.database_url = database_url
        self.engine_options = engine_options or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = None
        self.make = factories.Factories()
        self.app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": SECRET_KEY,
                "AUDIT_KEY": AUDIT_KEY,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SQLALCHEMY_ENGINE_OPTIONS": self.engine_options,
                "RATELIMIT_ENABLED": False,
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        with self.context():
            db.create_all()
            self.seed = self._seed()

    @contextmanager
    def context(self):
        """The test process's app context on the server's database, with a fresh session."""
        with self.app.app_context():
            try:
                yield
            finally:
                db.session.remove()

    def _seed(self) -> dict:
        colonias = self.make.territory()
        consultation = self.make.consultation(title="Consulta en vivo")
        process = self.make.process(
            ProcessStatus.OPEN, type=ProcessType.PRESUPUESTO, title="Presupuesto en vivo"
        )
        ballot = PbBallot(
            process_id=process.id,
            name="Todo el municipio",
            amount=AMOUNT,
            rule=BallotRule.KNAPSACK,
            min_choices=1,
        )
        db.session.add(ballot)
        db.session.flush()
        projects = [
            PbProject(
                ballot_id=ballot.id,
                title=f"Proyecto {i}",
                estimated_cost=cost,
                cost=cost,
                status=ProjectStatus.FEASIBLE,
            )
            for i, cost in enumerate(COSTS)
        ]
        unfeasible = PbProject(
            ballot_id=ballot.id,
            title="Descartado",
            estimated_cost=5_000,
            status=ProjectStatus.UNFEASIBLE,
        )
        db.session.add_all([*projects, unfeasible])
        db.session.commit()
        return {
            "colonia_id": colonias["Centro"].id,
            "consultation_id": consultation.id,
            "pb_process_id": process.id,
            "ballot_id": ballot.id,
            "project_ids": [p.id for p in projects],
            "unfeasible_id": unfeasible.id,
        }

    def residents(self, n: int) -> list[str]:
        """Create `n` residents of Centro; return their e-mails (password: factories.PASSWORD)."""
        with self.context():
            colonia = db.session.get(Colonia, self.seed["colonia_id"])
            return [self.make.user(colonia=colonia).email for _ in range(n)]

    def _env(self) -> dict:
        settings = {
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
            "REQUIRE_TOTP_ROLES": "",
            "SQLALCHEMY_ENGINE_OPTIONS": self.engine_options,
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARTICIPA_")}
        env.update({f"PARTICIPA_{k}": json.dumps(v) for k, v in settings.items()})
        env.update(
            DATABASE_URL=self.database_url,
            SECRET_KEY=SECRET_KEY,
            AUDIT_KEY=AUDIT_KEY,
            PYTHONUNBUFFERED="1",
        )
        return env

    def start(self, timeout: float = 30) -> None:
        """Start gunicorn and wait until it answers."""
        self.log = (self.workdir / f"gunicorn-{uuid.uuid4().hex[:6]}.log").open("w")
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "16",
            "--timeout",
            "60",
            "--graceful-timeout",
            "3",
            "--no-control-socket",  # several test servers at once must not share one socket
            # Clients read the form, then wait at a barrier before posting: keep their
            # connection open meanwhile (gunicorn's default closes it after 2 idle seconds).
            "--keep-alive",
            "60",
            "--preload",  # import the app once, before forking: both workers answer at once
            "app:app",
        ]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self._env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() reaches every worker
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_text()}")
            try:
                if requests.get(f"{self.url}/recibos", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in {timeout} s: {self.log_text()}")

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()[-3000:]

    def kill(self) -> None:
        """SIGKILL the whole process group (master and workers), as a power cut of the app."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # quick shutdown
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.log is not None:
            self.log.close()

    def dispose(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


def sqlite_server(workdir: Path) -> LiveServer:
    return LiveServer(workdir, f"sqlite:///{workdir / 'live.db'}")


@contextmanager
def postgres_server(workdir: Path, url: str):
    """A LiveServer on a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"live_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    options = {"connect_args": {"options": f"-csearch_path={schema}"}, "pool_size": 20}
    try:
        yield LiveServer(workdir, url, options)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, html[:500]
    return match.group(1)


def login(server: LiveServer, email: str, password: str = PASSWORD) -> requests.Session:
    """Log in over HTTP as a browser would (login page, its CSRF token, the POST)."""
    client = requests.Session()
    page = client.get(f"{server.url}/cuenta/entrar", timeout=30)
    data = {"email": email, "password": password, "csrf_token": csrf_token(page.text)}
    response = client.post(
        f"{server.url}/cuenta/entrar", data=data, allow_redirects=False, timeout=30
    )
    assert response.status_code == 302, response.text[:500]
    return client


def clone(client: requests.Session) -> requests.Session:
    """Another client holding a copy of the same session cookie (another tab, another script)."""
    other = requests.Session()
    other.cookies.update(client.cookies)
    return other
