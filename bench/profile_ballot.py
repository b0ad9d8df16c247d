"""Profile Participa's ballot POST in-process: CPU per POST, its statements, where time goes.

Run: .venv/bin/python -m bench.profile_ballot [--votes 300] [--base 10000] [--db URL]
Generated residents log in through Flask's test client (not measured) and open the ballot;
their confirmed ballot POSTs (CSRF on, the per-account rate limit on, in Redis when it
answers as with several workers in production, the production session and durability
settings otherwise) run three times over distinct residents: unprofiled, for the wall and
CPU time per POST; once with its SQL statements recorded; and under pyinstrument, whose call
tree (the app's frames, as a share of the POST) and flat list of the costliest functions
(libraries included, by their own time) are printed. Asserts nothing.
"""

import argparse
import re
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler

from bench.ballot_statements import recorded, shortened
from bench.generate import PASSWORD, generate
from bench.throughput import redis_url
from participa import create_app
from participa.extensions import db

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


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
    """POST each resident's ballot; return wall and CPU milliseconds per POST, the statuses."""
    wall, cpu = time.perf_counter(), time.process_time()
    statuses = {client.post(path, data=data).status_code for client, data in ready}
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return 1000 * wall / len(ready), 1000 * cpu / len(ready), statuses


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
        with app.app_context():
            db.create_all()
            made = generate(args.base, spare=2 * args.votes + 1, published=False)
            engine = db.engine
        ballot = made.city.ballots[0]
        path = f"/procesos/{made.city.pb_process_id}/boletas/{ballot.id}/votar"
        projects = [p for p, _cost in ballot.projects]
        ready = ready_residents(app, made.spare_emails, path, projects)
        (client, data), profiled = ready[args.votes], ready[args.votes + 1 :]
        wall, cpu, statuses = post_all(path, ready[: args.votes])
        with recorded(engine) as statements:
            client.post(path, data=data)
        profiler = Profiler(interval=0.0005)
        with profiler:
            post_all(path, profiled)
    print(
        f"{args.votes} ballot POSTs in-process ({url.split(':')[0]}, rate limits in {limits}): "
        f"{wall:.2f} ms of wall time and {cpu:.2f} ms of CPU each (statuses {sorted(statuses)})"
    )
    print(f"\nstatements of one POST: {len(statements)}")
    for n, statement in enumerate(statements, 1):
        print(f"  {n}. {shortened(statement, 140)}")
    print("\nunder pyinstrument (its own overhead included), share of the profiled POSTs:")
    print(
        profiler.output_text(
            unicode=True,
            time="percent_of_total",
            processor_options={"filter_threshold": 0.01},
        )
    )
    flat = profiler.output_text(flat=True, time="percent_of_total")
    print("\ncostliest functions by their own time, libraries included:")
    print("\n".join(flat.splitlines()[:40]))


if __name__ == "__main__":
    main()
