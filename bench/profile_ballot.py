"""Profile Participa's ballot POST in-process: CPU per POST, its statements, where time goes.

Run: .venv/bin/python -m bench.profile_ballot [--votes 300] [--base 10000] [--db URL]
Generated residents log in through Flask's test client (not measured) and open the ballot;
their confirmed ballot POSTs (CSRF on, the per-account rate limit on, in Redis when it
answers as with several workers in production, the production session and durability
settings otherwise) run three times over distinct residents: unprofiled, for the wall and
CPU time per POST; with each SQL statement and commit timed in the driver and database (and
one POST's statements listed); and under pyinstrument, whose call tree (the app's frames, as
a share of the POST) and flat list of the costliest functions (libraries included, by their
own time) are printed. Two references run the same way: the same residents' POST to a route
with only the ballot view's decorators (rate limit, login; CSRF, session, Flask-Login as
for every POST) that answers the same redirect, the floor under any ballot; and
bench/baseline_app.py's one-INSERT POST on the same database. Asserts nothing.
"""

import argparse
import os
import re
import statistics
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

from flask import redirect, url_for
from flask_login import login_required
from pyinstrument import Profiler
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from bench.ballot_statements import recorded, shortened
from bench.generate import PASSWORD, generate
from bench.throughput import redis_url
from participa import create_app
from participa.core.limits import per_account
from participa.extensions import db

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FLOOR = "/perfil/<int:process_id>/<int:ballot_id>/piso"


def add_floor(app) -> None:
    """A POST with the ballot view's decorators and redirect, and nothing in between."""

    @per_account("RATELIMIT_VOTE", "vote")
    @login_required
    def floor(process_id: int, ballot_id: int):
        return redirect(url_for("pb_voting.receipt", process_id=process_id, ballot_id=ballot_id))

    app.add_url_rule(FLOOR, "bench_floor", floor, methods=["POST"])


def ready_residents(app, emails, path, projects) -> list:
    """(client, form data) of each resident: logged in, the ballot page opened."""
    ready = []
    for i, email in enumerate(emails):
        client = app.test_client()
        page = client.get("/cuenta/entrar").get_data(as_text=True)
        form = {"csrf_token": TOKEN.search(page)[1], "email": email, "password": PASSWORD}
        client.post("/cuenta/entrar", data=form)
        token = TOKEN.search(client.get(path).get_data(as_text=True))[1]
        data = {"csrf_token": token, "projects": projects[i % len(projects)], "step": "confirm"}
        ready.append((client, data))
    return ready


def post_all(path, ready) -> tuple[float, float, set[int]]:
    """POST each resident's form; return wall and CPU milliseconds per POST, the statuses."""
    wall, cpu = time.perf_counter(), time.process_time()
    statuses = {client.post(path, data=data).status_code for client, data in ready}
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return 1000 * wall / len(ready), 1000 * cpu / len(ready), statuses


def baseline(url: str, times: int) -> tuple[float, float, set[int]]:
    """bench/baseline_app.py's POST on the same database, through its own test client."""
    os.environ["DATABASE_URL"] = url  # read when the module is imported
    from bench import baseline_app

    with baseline_app.engine.begin() as connection:
        connection.execute(text(baseline_app.SCHEMA))
    client = baseline_app.app.test_client()
    result = post_all("/vote", [(client, {"choice": n % 8}) for n in range(times)])
    baseline_app.engine.dispose()
    return result


@contextmanager
def timed_statements(engine):
    """Time each statement's execution in the driver and database, and each commit.

    Yields {first words of the statement: [microseconds, ...]}; "COMMIT" is the DBAPI commit
    (from the engine's commit event to the session's after_commit: the sync to disk on SQLite).
    """
    found: dict[str, list[float]] = defaultdict(list)
    started: list[float] = []

    def before(*_args):
        started.append(time.perf_counter())

    def after(_conn, _cursor, statement, *_args):
        key = shortened(" ".join(statement.split()), 60)
        found[key].append(1e6 * (time.perf_counter() - started.pop()))

    def committed(_session):
        if started:
            found["COMMIT"].append(1e6 * (time.perf_counter() - started.pop()))

    hooks = [
        (engine, "before_cursor_execute", before),
        (engine, "after_cursor_execute", after),
        (engine, "commit", before),
        (Session, "after_commit", committed),
    ]
    for target, name, hook in hooks:
        event.listen(target, name, hook)
    try:
        yield found
    finally:
        for target, name, hook in hooks:
            event.remove(target, name, hook)


def report(label: str, figures: tuple[float, float, set[int]]) -> None:
    wall, cpu, statuses = figures
    print(f"  {label:58} {wall:6.2f} ms wall {cpu:6.2f} ms CPU  {sorted(statuses)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=300)
    parser.add_argument("--base", type=int, default=10_000, help="ballots already cast")
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'profile.db'}"
        limits = redis_url()
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "SESSION_COOKIE_SECURE": False,
                "RATELIMIT_LOGIN": "1000000/minute",  # logging many in is the set-up
                "RATELIMIT_STORAGE_URI": limits,
                "RATELIMIT_KEY_PREFIX": f"profile-{time.time_ns()}",
            }
        )
        add_floor(app)
        with app.app_context():
            db.create_all()
            made = generate(args.base, spare=3 * args.votes + 1, published=False)
            engine = db.engine
        process_id, ballot = made.city.pb_process_id, made.city.ballots[0]
        path = f"/procesos/{process_id}/boletas/{ballot.id}/votar"
        projects = [p for p, _cost in ballot.projects]
        ready = ready_residents(app, made.spare_emails, path, projects)
        timed, (client, data) = ready[: args.votes], ready[args.votes]
        measured, profiled = ready[args.votes + 1 : 2 * args.votes + 1], ready[-args.votes :]
        floor = post_all(
            FLOOR.replace("<int:process_id>", str(process_id)).replace(
                "<int:ballot_id>", str(ballot.id)
            ),
            timed,
        )
        ballots = post_all(path, timed)
        with recorded(engine) as statements:
            client.post(path, data=data)
        with timed_statements(engine) as durations:
            post_all(path, measured)
        profiler = Profiler(interval=0.0005)
        with profiler:
            post_all(path, profiled)
        one_insert = baseline(url, args.votes)
    print(f"{args.votes} POSTs each, in-process ({url.split(':')[0]}, rate limits in {limits}):")
    report("baseline: one INSERT (bench/baseline_app.py)", one_insert)
    report("floor: the ballot view's decorators and redirect, no ballot", floor)
    report("the confirmed ballot POST", ballots)
    print(f"\nstatements of one ballot POST: {len(statements)}")
    for n, statement in enumerate(statements, 1):
        print(f"  {n}. {shortened(statement, 140)}")
    print("\nmean time in the driver and the database, per ballot POST (microseconds):")
    for statement, times in durations.items():
        print(f"  {statistics.mean(times):7.0f}  {statement}  (x{len(times) / len(measured):g})")
    print("\nunder pyinstrument (its own overhead included), share of the profiled POSTs:")
    options = {"filter_threshold": 0.01}
    print(profiler.output_text(unicode=True, time="percent_of_total", processor_options=options))
    flat = profiler.output_text(flat=True, time="percent_of_total")
    print("\ncostliest functions by their own time, libraries included:")
    print("\n".join(flat.splitlines()[:40]))


if __name__ == "__main__":
    main()
