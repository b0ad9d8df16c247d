"""Cast-ballot throughput over HTTP: Participa against a one-INSERT Flask baseline.

Run: .venv/bin/python -m bench.throughput [--seconds 15] [--residents 4000] [--base 10000]
     [--workers 4] [--threads 4] [--connections 16] [--only sqlite|postgresql]
Needs `wrk` (Debian package). Prints figures; asserts nothing.

For each database (an SQLite file, and PostgreSQL when a server answers), the generator
fills an open consultation and PB vote with `--base` ballots and `--residents` residents who
have not voted. gunicorn serves Participa; each resident logs in over HTTP (login page, CSRF
token, password), opens the ballot and keeps its cookie and token. wrk then sends each
resident's real ballot POST (session, CSRF token, the ballot's validation and rules, the
rate limit, the receipt) exactly once. gunicorn then serves bench/baseline_app.py with the
same workers and threads on the same database, and wrk drives its one-INSERT POST for the
same time. Afterwards the rows stored are compared with the responses acknowledged.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("wrk_ballots.lua")
PG_ADMIN = os.environ.get(
    "PARTICIPA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS = "redis://127.0.0.1:6379/7"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Run:
    acked: int
    refused: int
    errors: int
    in_flight: int  # POSTs sent, not answered when wrk stopped: the server may store them
    idle: int
    exhausted: int  # wrk threads whose residents had all voted before the time was up
    socket_errors: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.acked / self.seconds if self.seconds else 0.0


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_timeout=1).ping()
        return REDIS
    except Exception:  # noqa: BLE001 - no server: per-process memory limits, said below
        return "memory://"


class Server:
    """A gunicorn serving `target` with the given settings, stopped on exit."""

    def __init__(self, target: str, env: dict, args, folder: Path):
        self.port = free_port()
        config = folder / "gunicorn_bench.conf.py"  # so no gunicorn.conf.py in cwd applies
        config.write_text("")
        command = [str(Path(sys.executable).with_name("gunicorn")), target, "-c", str(config)]
        command += ["-b", f"127.0.0.1:{self.port}", "-w", str(args.workers)]
        command += ["--threads", str(args.threads), "--log-level", "warning"]
        log = open(folder / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115 - lives with self
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=log
        )
        self._wait()

    def _wait(self) -> None:
        for _ in range(300):
            try:
                connection = HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/")
                connection.getresponse().read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def _cookie(response, jar: dict) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name] = rest.split(";", 1)[0]


def _call(connection, method, path, jar, body=None) -> tuple[int, str]:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    _cookie(response, jar)
    return response.status, text


def log_in(port: int, emails: list[str], ballot_path: str, project_ids: list[int]) -> list[str]:
    """Log each resident in over HTTP, open the ballot; return one wrk request line each."""
    from bench.generate import PASSWORD

    def one(worker: int) -> list[str]:
        connection, lines = HTTPConnection("127.0.0.1", port, timeout=30), []
        for i in range(worker, len(emails), 8):
            jar: dict = {}
            _status, page = _call(connection, "GET", "/cuenta/entrar", jar)
            form = {"csrf_token": TOKEN.search(page)[1], "email": emails[i], "password": PASSWORD}
            status, _page = _call(connection, "POST", "/cuenta/entrar", jar, form)
            assert status == 302, f"login of {emails[i]} answered {status}"
            _status, page = _call(connection, "GET", ballot_path, jar)
            choice = {"csrf_token": TOKEN.search(page)[1], "step": "confirm"}
            choice["projects"] = project_ids[i % len(project_ids)]
            cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
            lines.append(f"{ballot_path}\t{cookie}\t{urllib.parse.urlencode(choice)}")
        return lines

    with ThreadPoolExecutor(8) as pool:
        return [line for lines in pool.map(one, range(8)) for line in lines]


def drive(port: int, lines: list[str], mode: str, expected: int, args, folder: Path) -> Run:
    requests = folder / f"requests-{port}.tsv"
    requests.write_text("\n".join(lines) + "\n")
    threads = 2
    command = ["wrk", "-t", str(threads), "-c", str(args.connections), "-d", f"{args.seconds}s"]
    command += ["--timeout", "10s", "-s", str(LUA), f"http://127.0.0.1:{port}", "--"]
    command += [str(requests), mode, str(threads), str(expected)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = dict(item.split("=") for item in output.split("RESULT ", 1)[1].split())
    return Run(**{k: (float(v) if "." in v else int(v)) for k, v in found.items()})


def count_rows(url: str, sql: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text(sql)).scalar_one())
    finally:
        engine.dispose()


def prepare(url: str, args):
    """Create the schema and the generated data; return (made, project ids)."""
    from bench.generate import generate
    from participa import create_app
    from participa.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        made = generate(args.base, spare=args.residents, published=False)
        print(
            f"  generated {args.base:,} ballots and {args.residents:,} residents who have "
            f"not voted in {time.perf_counter() - started:.1f} s"
        )
        db.engine.dispose()
    return made


def participa_run(url: str, made, args, folder: Path) -> tuple[Run, int]:
    ballot = made.city.ballots[0]  # the knapsack ballot of the whole municipality
    path = f"/procesos/{made.city.pb_process_id}/boletas/{ballot.id}/votar"
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "PARTICIPA_SESSION_COOKIE_SECURE": "false",
        "PARTICIPA_RATELIMIT_STORAGE_URI": args.redis,
        # Logging thousands of residents in from one address is the set-up, not the test.
        "PARTICIPA_RATELIMIT_LOGIN": "1000000/minute",
    }
    sql = f"SELECT COUNT(*) FROM pb_vote WHERE ballot_id = {ballot.id}"
    before = count_rows(url, sql)
    with Server("participa:create_app()", env, args, folder) as server:
        started = time.perf_counter()
        lines = log_in(server.port, made.spare_emails, path, [p for p, _c in ballot.projects])
        print(
            f"  logged {len(lines):,} residents in over HTTP in "
            f"{time.perf_counter() - started:.1f} s"
        )
        run = drive(server.port, lines, "once", 302, args, folder)
    return run, count_rows(url, sql) - before


def baseline_run(url: str, args, folder: Path) -> tuple[Run, int]:
    from bench.baseline_app import SCHEMA, TABLE

    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(SCHEMA))
    engine.dispose()
    sql = f"SELECT COUNT(*) FROM {TABLE}"
    before = count_rows(url, sql)
    lines = [f"/vote\t\tchoice={i % 8}" for i in range(1000)]
    with Server("bench.baseline_app:app", {"DATABASE_URL": url}, args, folder) as server:
        run = drive(server.port, lines, "cycle", 201, args, folder)
    return run, count_rows(url, sql) - before


def _stored(run: Run, stored: int) -> str:
    if stored == run.acked:
        return "stored = acknowledged"
    if run.acked < stored <= run.acked + run.in_flight:
        return (
            f"stored = acknowledged + {stored - run.acked} of {run.in_flight} in flight at the end"
        )
    return f"MISMATCH: {stored} stored, {run.acked} acknowledged, {run.in_flight} in flight"


def report(name: str, ours: tuple[Run, int], base: tuple[Run, int]) -> float:
    """Print both runs and the ratio; return it."""
    print(
        f"  {'':10} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'acked':>6} {'stored':>6}"
    )
    for label, (run, stored) in (("participa", ours), ("baseline", base)):
        print(
            f"  {label:10} {run.rate:7.1f} {run.p50_ms:7.1f} {run.p95_ms:7.1f} {run.p99_ms:7.1f} "
            f"{run.errors + run.socket_errors:6} {run.acked:6} {stored:6}  {_stored(run, stored)}"
        )
    ratio = ours[0].rate / base[0].rate if base[0].rate else 0.0
    print(f"  {name}: Participa's ballot POST at {ratio:.0%} of the baseline's (target 50%)")
    if ours[0].exhausted or ours[0].refused:
        print(
            f"  note: {ours[0].exhausted} wrk thread(s) ran out of residents before the end "
            f"and {ours[0].refused} POSTs were refused as second votes: raise --residents"
        )
    return ratio


PG_NAME = "participa_bench"


def _pg_admin(*statements: str) -> None:
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))
    finally:
        admin.dispose()


def postgres_database() -> str | None:
    """A fresh database next to PARTICIPA_BENCH_POSTGRES_URL's, or None without a server."""
    name = PG_NAME
    try:
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    except Exception as error:  # noqa: BLE001 - no server: say so and go on
        print(f"PostgreSQL skipped: {error.__class__.__name__} at {PG_ADMIN}")
        return None
    return str(sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--residents", type=int, default=1500)
    parser.add_argument("--base", type=int, default=10_000, help="ballots already cast")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("throughput: needs wrk (apt-get install wrk)")
    args.redis = redis_url()
    print(
        f"gunicorn {args.workers} workers x {args.threads} threads; wrk 2 threads, "
        f"{args.connections} connections, {args.seconds} s; rate limits in {args.redis}"
    )
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        targets = []
        if args.only != "postgresql":
            targets.append(("SQLite", f"sqlite:///{folder / 'throughput.db'}"))
        if args.only != "sqlite" and (pg := postgres_database()):
            targets.append(("PostgreSQL", pg))
        for name, url in targets:
            print(f"\n{name}")
            made = prepare(url, args)
            ours = participa_run(url, made, args, folder)
            base = baseline_run(url, args, folder)
            report(name, ours, base)
            if name == "PostgreSQL":
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
