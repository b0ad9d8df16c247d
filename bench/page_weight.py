"""Print the weight and server time of the main pages on the demo database.

Run: .venv/bin/python bench/page_weight.py [--runs 30] [--responses 3000]
Loads the demo (with N synthetic answers to the finished consultation) into a fresh SQLite
file in a temp folder, then GETs each page `runs` times through Flask's test client. Bytes are
uncompressed HTML plus the CSS and JS files the page links (a gzip proxy sends fewer); server
time is the time Flask takes to answer, without network or browser. Asserts nothing.
"""

import argparse
import statistics
import tempfile
import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from participa import create_app
from participa.demo.seed import seed
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus

CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "bench",
    "WTF_CSRF_ENABLED": False,
    "SESSION_COOKIE_SECURE": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "REQUIRE_TOTP_ROLES": "",  # the pages are measured, not the two-step enrolment
}

# (label, role or None for anonymous, path); {open} and {finished} are process ids.
PAGES = [
    ("home", None, "/"),
    ("processes", None, "/procesos/"),
    ("process page", None, "/procesos/{open}"),
    ("results (finished)", None, "/procesos/{finished}/resultados"),
    ("login", None, "/cuenta/entrar"),
    ("register", None, "/cuenta/registro"),
    ("privacy", None, "/privacidad"),
    ("receipt check", None, "/recibos?codigo=AAAA-BBBB-CCCC"),
    ("answer form", "citizen", "/procesos/{open}/responder"),
    ("council dashboard", "council", "/consejo/"),
    ("results (open, council)", "council", "/procesos/{open}/resultados"),
    ("staff processes", "staff", "/gestion/procesos/"),
    ("admin accounts", "admin", "/admin/usuarios"),
]


class Assets(HTMLParser):
    """Collect the stylesheets and scripts a page links."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet" and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def body_size(client, url: str) -> int:
    response = client.get(url)
    size = len(response.get_data())
    response.close()
    return size


def measure(client, path: str, runs: int, asset_sizes: dict) -> tuple[int, int, list[float], int]:
    """HTML bytes, linked CSS+JS bytes, server times in ms, and the last status code."""
    times, html, status = [], b"", 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        html = response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        status = response.status_code
        response.close()
    parser = Assets()
    parser.feed(html.decode("utf-8", "replace"))
    for url in parser.urls:
        if url not in asset_sizes:
            asset_sizes[url] = body_size(client, url)
    return len(html), sum(asset_sizes[u] for u in parser.urls), times, status


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]


def first_process_id(status: ProcessStatus) -> int:
    query = db.select(Process.id).where(Process.status == status).order_by(Process.id)
    return db.session.execute(query).scalars().first()


def logged_in_clients(app, accounts: dict) -> dict:
    """A test client per role of PAGES, logged in as that role's demo account."""
    clients = {None: app.test_client()}
    for role in {role for _label, role, _path in PAGES if role}:
        account = accounts[role]
        clients[role] = app.test_client()
        form = {"email": account.email, "password": account.password}
        clients[role].post("/cuenta/entrar", data=form).close()
    return clients


def run(runs: int, responses: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            start = time.perf_counter()
            demo = seed(date.today(), responses, CONFIG["PASSWORD_HASH_METHOD"])
            seeded = time.perf_counter() - start
            ids = {
                "open": first_process_id(ProcessStatus.OPEN),
                "finished": first_process_id(ProcessStatus.RESULTS_PUBLISHED),
            }
        clients = logged_in_clients(app, {account.role.value: account for account in demo})

        print(
            f"Demo with {responses:,} responses (seeded in {seeded:.1f} s), {runs} GETs per page."
        )
        print("Bytes are uncompressed HTML + linked CSS/JS; times are Flask's, without network.\n")
        header = f"{'page':<26} {'status':>6} {'html':>9} {'css+js':>10} {'total':>10} "
        print(header + f"{'median ms':>10} {'p95 ms':>8}")
        print("-" * (len(header) + 19))
        asset_sizes: dict[str, int] = {}
        for label, role, path in PAGES:
            html, assets, times, status = measure(
                clients[role], path.format(**ids), runs, asset_sizes
            )
            print(
                f"{label:<26} {status:>6} {html:>9,} {assets:>10,} {html + assets:>10,} "
                f"{statistics.median(times):>10.1f} {p95(times):>8.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="GETs per page (default 30)")
    parser.add_argument("--responses", type=int, default=3000, help="demo answers (default 3000)")
    args = parser.parse_args()
    run(max(args.runs, 1), args.responses)


if __name__ == "__main__":
    main()
