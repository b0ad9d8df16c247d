"""Background jobs under load: a 200,000-line roll import and a 1,000,000-row export run as
jobs while a page is fetched over and over; how long each job takes, the page's latency
before and during the jobs, and the worker's peak memory.

Run: .venv/bin/python -m bench.jobs [--lines 200000] [--rows 1000000] [--mode rq|thread]
     [--redis redis://127.0.0.1:6379/5]
"rq" (the default when a Redis answers) runs gunicorn (2 workers) and `flask worker` as two
processes, as docs/deploy.md does; "thread" runs gunicorn alone, the jobs in its threads
(the embedded fallback). The jobs are started through the staff pages (a roll upload, the
"prepare the file" button), the way staff start them. SQLite in a temp folder. Prints
figures; asserts nothing.
"""

import argparse
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import redis
import requests
import sqlalchemy as sa

from participa import create_app
from participa.auth.models import Role
from participa.auth.services import create_account
from participa.consultations.models import Answer, QuestionKind, Response
from participa.demo.people import random_person
from participa.extensions import db
from participa.processes.types import ProcessStatus
from tests.factories import Factories

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-123"
PAGE = "/procesos/"  # a public page that reads the database
BATCH = 50_000


def seed(url: str, rows: int) -> tuple[int, str, list[str]]:
    """A staff account and a closed consultation of `rows` answers; its id, the e-mail and
    the colonias' names."""
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        make = Factories()
        colonias = list(make.territory())
        staff = create_account(
            name="Staff",
            email="staff@bench.mx",
            password=PASSWORD,
            role=Role.STAFF,
            hash_method="pbkdf2:sha256:1000",
        )
        process = make.process(ProcessStatus.CLOSED)
        question = make.question(process, QuestionKind.SINGLE, ["Agua", "Luz", "Calles"])
        db.session.commit()
        options = [o.id for o in question.options]
        for start in range(0, rows, BATCH):
            ids = [secrets.token_hex(16) for _ in range(min(BATCH, rows - start))]
            db.session.execute(
                sa.insert(Response),
                [
                    {"id": i, "process_id": process.id, "receipt_hash": secrets.token_hex(32)}
                    for i in ids
                ],
            )
            db.session.execute(
                sa.insert(Answer),
                [
                    {
                        "response_id": i,
                        "question_id": question.id,
                        "seq": 0,
                        "option_id": options[n % 3],
                    }
                    for n, i in enumerate(ids)
                ],
            )
            db.session.commit()
        db.engine.dispose()
        return process.id, staff.email, colonias


def seeded(url: str) -> tuple[int, str, list[str]]:
    """What `seed` made in an earlier run's folder."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        process_id = connection.execute(sa.text("SELECT min(id) FROM process")).scalar()
        colonias = connection.execute(sa.text("SELECT name FROM colonia")).scalars().all()
    engine.dispose()
    return process_id, "staff@bench.mx", list(colonias)


def roll_file(lines: int, colonias: list[str]) -> bytes:
    rng, seen, out = random.Random(lines), set(), ["curp,colonia,nombre"]
    while len(seen) < lines:
        person = random_person(rng, date(2026, 12, 1))
        if person["curp"] not in seen:
            seen.add(person["curp"])
            out.append(f"{person['curp']},{rng.choice(colonias)},{person['name']}")
    return "\n".join(out).encode()


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def login(base: str, email: str) -> requests.Session:
    session = requests.Session()
    token = csrf(session.get(base + "/cuenta/entrar").text)
    session.post(
        base + "/cuenta/entrar", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    return session


class Prober(threading.Thread):
    """Fetch PAGE again and again; keep each latency in ms."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base, self.times, self.stop = base, [], threading.Event()
        self.failures = 0

    def run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                session.get(self.base + PAGE, timeout=60).raise_for_status()
            except requests.RequestException:
                self.failures += 1
                session = requests.Session()
            self.times.append((time.perf_counter() - started) * 1000)
            time.sleep(0.05)


def figures(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if len(ordered) >= 20 else ordered[-1]
    return (
        f"  {name:<28} n={len(times):>5}  median {statistics.median(times):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {ordered[-1]:7.1f} ms"
    )


def wait_for_job(base: str, session: requests.Session, path: str, done) -> float:
    """Seconds until `done(page)` holds for the page at `path` (fetched every second)."""
    started = time.perf_counter()
    while not done(page := session.get(base + path).text):
        if "Falló" in page:
            raise RuntimeError(f"job failed: {path}")
        time.sleep(1)
    return time.perf_counter() - started


def peak_rss_mb(pid: int) -> float:
    """The highest peak resident memory of `pid` and its children (gunicorn's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    own = next(
        int(line.split()[1]) / 1024
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    return max([own, *(peak_rss_mb(int(child)) for child in children)])


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--mode", choices=("rq", "thread"), default=None)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--folder", help="a folder seeded by an earlier run: reused as it is")
    args = parser.parse_args()
    try:
        redis.Redis.from_url(args.redis, socket_timeout=2).ping()
        mode = args.mode or "rq"
    except redis.RedisError:
        mode = args.mode or "thread"
    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench-jobs-"))
    url = f"sqlite:///{folder}/participa.db"
    started = time.perf_counter()
    if (folder / "participa.db").exists():
        process_id, email, colonias = seeded(url)
    else:
        process_id, email, colonias = seed(url, args.rows)
    data = roll_file(args.lines, colonias)
    print(
        f"mode {mode}; {args.rows:,} answers (seeded or reused), a {args.lines:,}-line roll file "
        f"in {time.perf_counter() - started:.0f} s"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "PARTICIPA_INSTANCE_PATH": str(folder),
        "PARTICIPA_SESSION_COOKIE_SECURE": "false",
        "GUNICORN_BIND": f"127.0.0.1:{args.port}",
        "WEB_CONCURRENCY": "2",
        "PARTICIPA_JOBS_MODE": f'"{mode}"',
        "PARTICIPA_RATELIMIT_ENABLED": "false",
        "PARTICIPA_EXPORT_JOB_THRESHOLD": "0",
    }
    env.pop("REDIS_URL", None)
    if mode == "rq":
        env["PARTICIPA_JOBS_REDIS_URL"] = f'"{args.redis}"'
        env["PARTICIPA_JOBS_QUEUE"] = f'"bench-{secrets.token_hex(4)}"'
    web = start([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], env)
    worker = (
        start([sys.executable, "-m", "flask", "--app", "app", "worker"], env)
        if mode == "rq"
        else None
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/vivo", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        staff = login(base, email)
        idle = Prober(base)
        idle.start()
        time.sleep(10)
        idle.stop.set()
        idle.join()
        print(figures("page, no job running", idle.times))

        runner = worker.pid if worker else web.pid
        who = "worker" if worker else "busiest gunicorn process"

        def during(name: str, run) -> None:
            busy = Prober(base)
            busy.start()
            seconds = run()
            busy.stop.set()
            busy.join()
            print(
                f"  {name}: {seconds:.1f} s; peak memory of the {who} so far "
                f"{peak_rss_mb(runner):.0f} MB"
            )
            print(figures("page, during it", busy.times) + f"  errors {busy.failures}")

        def export() -> float:
            path = f"/procesos/{process_id}/respuestas.csv"
            token = csrf(staff.get(base + path).text)
            job_page = staff.post(base + path + "/preparar", data={"csrf_token": token}).url
            return wait_for_job(
                base, staff, job_page.removeprefix(base), lambda page: "/descarga" in page
            )

        def roll_import() -> float:
            path = "/gestion/padron/municipio"
            token = csrf(staff.get(base + path).text)
            staff.post(
                base + path,
                data={"csrf_token": token},
                files={"file": ("padron.csv", data, "text/csv")},
            )
            # Done when the page no longer reloads itself: no job of the roll is running.
            return wait_for_job(base, staff, path, lambda page: 'http-equiv="refresh"' not in page)

        during(f"export of {args.rows:,} rows (button to download link)", export)
        size = sum(p.stat().st_size for p in (folder / "exports").iterdir())
        print(f"  export file {size / 1e6:.0f} MB")
        during(f"roll import of {args.lines:,} lines (upload to summary)", roll_import)
    finally:
        for child in (web, worker):
            if child:
                os.killpg(child.pid, signal.SIGTERM)
                try:
                    child.wait(30)
                except subprocess.TimeoutExpired:
                    print(f"  {child.args[-1]} did not stop in 30 s after SIGTERM; killed")
                    os.killpg(child.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
