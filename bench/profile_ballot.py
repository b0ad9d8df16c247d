"""Profile Participa's ballot POST in-process with pyinstrument: where its time goes.

Run: .venv/bin/python -m bench.profile_ballot [--votes 300] [--base 10000] [--db URL]
Each of `--votes` generated residents logs in through Flask's test client (not profiled),
opens the ballot, then their confirmed ballot POST (CSRF on, rate limit on, the production
password and session settings otherwise) runs under pyinstrument. Prints the mean time per
POST and pyinstrument's call tree; asserts nothing.
"""

import argparse
import re
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler

from bench.generate import PASSWORD, generate
from participa import create_app
from participa.extensions import db

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=300)
    parser.add_argument("--base", type=int, default=10_000, help="ballots already cast")
    parser.add_argument("--db", help="SQLAlchemy URL of an empty database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite:///{Path(folder) / 'profile.db'}"
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "SESSION_COOKIE_SECURE": False,
                "RATELIMIT_LOGIN": "1000000/minute",  # logging many in is the set-up
            }
        )
        with app.app_context():
            db.create_all()
            made = generate(args.base, spare=args.votes, published=False)
        ballot = made.city.ballots[0]
        path = f"/procesos/{made.city.pb_process_id}/boletas/{ballot.id}/votar"
        ready = []
        for i, email in enumerate(made.spare_emails):
            client = app.test_client()
            page = client.get("/cuenta/entrar").get_data(as_text=True)
            form = {"csrf_token": TOKEN.search(page)[1], "email": email, "password": PASSWORD}
            client.post("/cuenta/entrar", data=form)
            token = TOKEN.search(client.get(path).get_data(as_text=True))[1]
            project = ballot.projects[i % len(ballot.projects)][0]
            ready.append((client, {"csrf_token": token, "projects": project, "step": "confirm"}))
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        with profiler:
            statuses = [client.post(path, data=data).status_code for client, data in ready]
        seconds = time.perf_counter() - started
    print(
        f"{len(ready)} ballot POSTs in-process: {1000 * seconds / len(ready):.1f} ms each "
        f"(statuses {sorted(set(statuses))}); SQLAlchemy URL {url.split(':')[0]}"
    )
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
