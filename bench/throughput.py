"""Cast-ballot throughput over HTTP: Participa against a one-INSERT Flask baseline.

Run: .venv/bin/python -m bench.throughput [--seconds 15] [--runs 1] [--warmup 3] [--max-rate 1500]
     [--base 10000] [--workers 4] [--threads 4] [--connections 16] [--only sqlite|postgresql]
Needs `wrk` (Debian package). Prints figures; asserts nothing.

For each database (an SQLite file, and PostgreSQL when a server answers), the generator
fills an open consultation and PB vote with `--base` ballots and enough residents who have
not voted for every run to last its `--seconds` at `--max-rate` ballots a second (far above
what the ballot POST reaches here: no wrk thread may run out of residents). gunicorn serves
Participa, and beside it bench/baseline_app.py (one INSERT per POST) with the same workers and
threads on the same database. One resident logs in over HTTP (login page, CSRF token,
password) and opens the ballot; every other resident gets a copy of that real session with
their own account id and CSRF token, signed with the server's key (logging thousands in over
HTTP would take minutes of set-up and measure nothing). wrk then sends each resident's real
confirmed ballot POST exactly once (session, CSRF token, eligibility, the ballot's rule, the
per-account rate limit, the receipt, the redirect), and drives the baseline for the same
time; with `--runs N` the two alternate N times, so a change in the machine's load falls on
both. Both servers first serve `--warmup` seconds unmeasured, so no run pays a worker's first
requests (statements compiled, catalogs loaded). Afterwards the rows stored are compared with
the responses acknowledged. The server's CPU per ballot is the CPU time its processes
(gunicorn's workers; on PostgreSQL also the database's backends serving them) used during the
run, divided by the ballots acknowledged.
It ends with one line per database: `ballot POST / baseline: 0.NN (X ballots/s vs Y)`, the
medians over the runs.
"""

import argparse
import math
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, replace
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
TICKS = os.sysconf("SC_CLK_TCK")


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
    stored: int = 0
    app_cpu: float = 0.0  # seconds of CPU of the server's processes during the run
    db_cpu: float = 0.0  # seconds of CPU of PostgreSQL's backends serving them

    @property
    def rate(self) -> float:
        return self.acked / self.seconds if self.seconds else 0.0

    def cpu_ms(self, seconds: float) -> float:
        return 1000 * seconds / self.acked if self.acked else 0.0


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


def cpu_seconds(pids) -> dict[int, float]:
    """User + system CPU seconds of each live process of `pids` (from /proc)."""
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return found


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


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

    def pids(self) -> list[int]:
        """The master and its workers."""
        master, found = self.process.pid, [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    found.append(int(stat.parent.name))
            except (OSError, ValueError, IndexError):
                continue
        return found

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


def log_in(port: int, email: str, ballot_path: str) -> dict:
    """Log one resident in over HTTP and open the ballot; return their cookies."""
    from bench.generate import PASSWORD

    connection, jar = HTTPConnection("127.0.0.1", port, timeout=30), {}
    _status, page = _call(connection, "GET", "/cuenta/entrar", jar)
    form = {"csrf_token": TOKEN.search(page)[1], "email": email, "password": PASSWORD}
    status, _page = _call(connection, "POST", "/cuenta/entrar", jar, form)
    assert status == 302, f"login of {email} answered {status}"
    status, page = _call(connection, "GET", ballot_path, jar)
    assert status == 200 and TOKEN.search(page), f"the ballot page answered {status}"
    return jar


def sessions(app, template: dict, accounts: list[str]) -> list[tuple[str, str]]:
    """(session cookie, CSRF token) of each account id in `accounts` ("id:fingerprint"):
    the logged-in `template` session with the account's id and a CSRF token of its own."""
    from flask import g, session
    from flask_wtf.csrf import generate_csrf

    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]
    made = []
    with app.test_request_context():
        for account in accounts:
            session.clear()
            g.pop("csrf_token", None)
            token = generate_csrf()  # stores its raw form in the session, as a page does
            data = {**template, "_user_id": account, "csrf_token": session["csrf_token"]}
            made.append((f"{name}={serializer.dumps(data)}", token))
    return made


def ballot_lines(app, port, made, path, residents: list[str]) -> list[str]:
    """One wrk request line per resident: their confirmed ballot POST."""
    from participa.auth.models import User
    from participa.extensions import db

    name = app.config["SESSION_COOKIE_NAME"]
    jar = log_in(port, residents[0], path)
    serializer = app.session_interface.get_signing_serializer(app)
    template = serializer.loads(jar[name])  # a real session, as the app writes it
    with app.app_context():
        accounts = []
        for start in range(0, len(residents), 5000):
            chunk = residents[start : start + 5000]
            query = db.select(User).where(User.email.in_(chunk))
            by_email = {u.email: u.get_id() for u in db.session.execute(query).scalars()}
            accounts += [by_email[email] for email in chunk]
        db.engine.dispose()  # no idle connection of ours among the measured backends
    projects = [p for p, _cost in made.city.ballots[0].projects]
    lines = []
    for i, (cookie, token) in enumerate(sessions(app, template, accounts[1:])):
        body = {"csrf_token": token, "step": "confirm", "projects": projects[i % len(projects)]}
        lines.append(f"{path}\t{cookie}\t{urllib.parse.urlencode(body)}")
    return lines


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


def backend_pids(url: str) -> list[int]:
    """PostgreSQL's backends connected to this database (the servers' pools); none on SQLite."""
    if not url.startswith("postgresql"):
        return []
    sql = (
        "SELECT pid FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [int(pid) for (pid,) in connection.execute(sa.text(sql))]
    finally:
        engine.dispose()


def measured(server: Server, url: str, count_sql: str, *drive_args) -> Run:
    """`drive` the server; add the rows it stored and the CPU it cost the server."""
    rows = count_rows(url, count_sql)
    app_before, db_before = cpu_seconds(server.pids()), cpu_seconds(backend_pids(url))
    result = drive(server.port, *drive_args)
    app_after, db_after = cpu_seconds(server.pids()), cpu_seconds(backend_pids(url))
    time.sleep(0.5)  # the requests in flight when wrk stopped finish
    return replace(
        result,
        stored=count_rows(url, count_sql) - rows,
        app_cpu=spent(app_before, app_after),
        db_cpu=spent(db_before, db_after),
    )


def empty_baseline(url: str, table: str) -> None:
    """Empty the baseline's table, so each of its runs starts as the first one (a table grown
    by the earlier runs slowed the later ones, which flattered the ratio)."""
    engine = sa.create_engine(url)
    emptying = "TRUNCATE" if url.startswith("postgresql") else "DELETE FROM"
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(f"{emptying} {table}"))
    finally:
        engine.dispose()


def residents_per_run(args, seconds: int | None = None) -> int:
    return args.residents or math.ceil((seconds or args.seconds) * args.max_rate)


def warm_residents(args) -> int:
    return residents_per_run(args, args.warmup) if args.warmup else 0


def prepare(url: str, args):
    """Create the schema and the generated data; return what the generator made."""
    from bench.generate import generate
    from participa import create_app
    from participa.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    # + the one logged in over HTTP per run, and the residents of the warm-up
    spare = (residents_per_run(args) + 1) * args.runs + warm_residents(args) + 1
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        made = generate(args.base, spare=spare, published=False)
        print(
            f"  generated {args.base:,} ballots and {spare:,} residents who have not voted "
            f"({residents_per_run(args):,} a run: {args.seconds} s at {args.max_rate:,}/s) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        db.engine.dispose()
    return made


def compare(url: str, made, args, folder: Path) -> list[tuple[Run, Run]]:
    """Alternate a Participa run and a baseline run `args.runs` times; return the pairs."""
    from bench.baseline_app import SCHEMA, TABLE
    from participa import create_app

    ballot = made.city.ballots[0]  # the knapsack ballot of the whole municipality
    path = f"/procesos/{made.city.pb_process_id}/boletas/{ballot.id}/votar"
    secret = secrets.token_hex(16)
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": secret,
        "PARTICIPA_SESSION_COOKIE_SECURE": "false",
        "PARTICIPA_RATELIMIT_STORAGE_URI": args.redis,
        "PARTICIPA_RATELIMIT_KEY_PREFIX": f"bench-{secret[:8]}",
        # Logging residents in from one address is the set-up, not the test.
        "PARTICIPA_RATELIMIT_LOGIN": "1000000/minute",
    }
    signer = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret})
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(SCHEMA))
    engine.dispose()
    votes_sql = f"SELECT COUNT(*) FROM pb_vote WHERE ballot_id = {ballot.id}"
    base_sql = f"SELECT COUNT(*) FROM {TABLE}"
    base_lines = [f"/vote\t\tchoice={i % 8}" for i in range(1000)]
    per_run, pairs = residents_per_run(args) + 1, []
    with (
        Server("participa:create_app()", env, args, folder) as ours,
        Server("bench.baseline_app:app", {"DATABASE_URL": url}, args, folder) as base,
    ):
        if args.warmup:  # every worker and thread has served ballots before the first run
            residents = made.spare_emails[-(warm_residents(args) + 1) :]
            lines = ballot_lines(signer, ours.port, made, path, residents)
            warm = argparse.Namespace(**{**vars(args), "seconds": args.warmup})
            drive(ours.port, lines, "once", 302, warm, folder)
            drive(base.port, base_lines, "cycle", 201, warm, folder)
        for n in range(args.runs):
            started = time.perf_counter()
            residents = made.spare_emails[n * per_run : (n + 1) * per_run]
            lines = ballot_lines(signer, ours.port, made, path, residents)
            print(
                f"  run {n + 1}: {len(lines):,} residents ready in "
                f"{time.perf_counter() - started:.1f} s",
                flush=True,
            )
            mine = measured(ours, url, votes_sql, lines, "once", 302, args, folder)
            empty_baseline(url, TABLE)
            theirs = measured(base, url, base_sql, base_lines, "cycle", 201, args, folder)
            report_run(n + 1, mine, theirs)
            pairs.append((mine, theirs))
    return pairs


def _stored(run: Run) -> str:
    if run.stored == run.acked:
        return "stored = acknowledged"
    if run.acked < run.stored <= run.acked + run.in_flight:
        return f"stored = acknowledged + {run.stored - run.acked} in flight at the end"
    return f"MISMATCH: {run.stored} stored, {run.acked} acknowledged, {run.in_flight} in flight"


def _cpu(run: Run) -> str:
    if run.db_cpu:
        return f"{run.cpu_ms(run.app_cpu):.2f}+{run.cpu_ms(run.db_cpu):.2f}"
    return f"{run.cpu_ms(run.app_cpu):.2f}"


def report_run(n: int, ours: Run, base: Run) -> None:
    """Print one run of both servers: rates, latencies, CPU per ballot, rows stored."""
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(
        f"  {'':10} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6} "
        f"{'CPU ms/ballot':>13} {'acked':>6}  (load average {load})"
    )
    for label, run in (("participa", ours), ("baseline", base)):
        print(
            f"  {label:10} {run.rate:7.1f} {run.p50_ms:7.1f} {run.p95_ms:7.1f} {run.p99_ms:7.1f} "
            f"{run.errors + run.socket_errors:6} {_cpu(run):>13} {run.acked:6}  {_stored(run)}"
        )
    print(f"  run {n}: ballot POST / baseline {ours.rate / base.rate if base.rate else 0:.2f}")
    if ours.exhausted or ours.refused:
        print(
            f"  note: {ours.exhausted} wrk thread(s) ran out of residents before the end "
            f"and {ours.refused} POSTs were refused as second votes: raise --max-rate"
        )


def summary(name: str, pairs: list[tuple[Run, Run]]) -> str:
    """The database's line: medians over the runs of the ratio, the rates and CPU per ballot."""
    ratio = statistics.median(o.rate / b.rate for o, b in pairs if b.rate)
    ours = statistics.median(o.rate for o, _b in pairs)
    base = statistics.median(b.rate for _o, b in pairs)
    cpu = statistics.median(o.cpu_ms(o.app_cpu + o.db_cpu) for o, _b in pairs)
    base_cpu = statistics.median(b.cpu_ms(b.app_cpu + b.db_cpu) for _o, b in pairs)
    runs = f"median of {len(pairs)} runs" if len(pairs) > 1 else "1 run"
    return (
        f"{name}: ballot POST / baseline: {ratio:.2f} ({ours:,.0f} ballots/s vs {base:,.0f}); "
        f"server CPU per ballot {cpu:.2f} ms vs {base_cpu:.2f} ms ({runs})"
    )


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
    parser.add_argument("--runs", type=int, default=1, help="alternating pairs of runs")
    parser.add_argument(
        "--max-rate", type=int, default=1500, help="ballots/s the residents must last at"
    )
    parser.add_argument("--residents", type=int, help="residents a run (default: from the rate)")
    parser.add_argument(
        "--warmup", type=int, default=3, help="seconds each server serves before the first run"
    )
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
        f"{args.connections} connections, {args.seconds} s, {args.runs} run(s) after "
        f"{args.warmup} s of warm-up; "
        f"rate limits in {args.redis}"
    )
    lines = []
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
            lines.append(summary(name, compare(url, made, args, folder)))
            if name == "PostgreSQL":
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
