"""Run Lighthouse (mobile: simulated slow 4G, 4x CPU slowdown) on every public page of the demo.

Run: make bench-lighthouse, or .venv/bin/python -m bench.lighthouse [--only home,results] [--keep]
Needs Node 18+ and `npm ci` in bench/lighthouse/ (the Makefile target does it) and Debian's
Chromium (CHROME_PATH, default /usr/bin/chromium); downloads no browser.

Loads the demo into a fresh instance folder (`flask db upgrade && flask seed-demo`), serves
it with gunicorn on 127.0.0.1, its maps' tiles from a local stub (tests/tiles.py: nothing
leaves the machine), finds the public pages by following links from the home page as an
anonymous visitor (one page per kind: one per URL rule, and one process page per
mechanism), then adds the pages no link reaches (a search, EXTRA; a results page before
publication, "(pending)"), runs Lighthouse on each and prints the four category scores with
total blocking time, largest contentful paint and bytes transferred. Reports go to
bench/out/lighthouse/. Asserts nothing: scores move with the machine's load
(docs/benchmarks.md, "Lighthouse").
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from participa import create_app
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessType
from tests.tiles import TILE_PATH, serve_tiles

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse" / "node_modules" / "lighthouse" / "cli" / "index.js"
OUT = ROOT / "bench" / "out" / "lighthouse"
BIN = Path(sys.executable).parent
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Links not followed: files, feeds, printable copies, pages behind a login, the language form.
SKIP = re.compile(
    r"\.(csv|json|ics|pb|xlsx|pdf|png|jpe?g|webp)$|/fotos/|/adjuntos/|/imprimir$|/acta(/v\d+)?$"
    r"|^/(static|gestion|admin|consejo|avisos|cuenta/(?!entrar$|registro$))"
)
MAX_PAGES = 60
# URL rules whose page before publication ("results pending") is measured apart.
PENDING_KINDS = {"results.public", "pb_results.public"}
# Pages no link reaches (the header's search is a form), crawled after the home page.
EXTRA = ("/buscar?q=parque",)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_server(instance: Path, tiles: str) -> tuple[subprocess.Popen, str, dict]:
    """gunicorn on the demo in `instance`, its maps on the tile server at origin `tiles`."""
    port = free_port()
    env = {
        **os.environ,
        "PARTICIPA_INSTANCE_PATH": str(instance),
        "PARTICIPA_MAP_TILE_URL": tiles + TILE_PATH,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",  # no line per request among the scores
    }
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "app:app"], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):  # two minutes: a loaded machine starts gunicorn slowly
        try:
            urllib.request.urlopen(base + "/vivo", timeout=2).close()
            return server, base, env
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer")


def page_kind(app, path: str) -> str | None:
    """The URL rule's endpoint, or None for a path the app does not route."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(path, method="GET")
    except Exception:
        return None
    return endpoint


def discover(base: str, env: dict) -> list[tuple[str, str]]:
    """(label, path) of one public page per kind, found by following links from home.

    Then the pages no link reaches: EXTRA, and the results page of every process, as a
    results page before publication (which no page links to) is a page of its own.
    """
    os.environ["PARTICIPA_INSTANCE_PATH"] = env["PARTICIPA_INSTANCE_PATH"]
    app = create_app()
    with app.app_context():
        types = dict(db.session.execute(db.select(Process.id, Process.type)).all())
    results = [
        f"/procesos/{pid}/presupuesto/resultados"
        if kind is ProcessType.PRESUPUESTO
        else f"/procesos/{pid}/resultados"
        for pid, kind in sorted(types.items())
    ]
    seen, queue, found, kinds = set(), ["/"], [], set()
    later = [*EXTRA, *results]
    while (queue or later) and len(found) < MAX_PAGES:
        path = queue.pop(0) if queue else later.pop(0)
        if path in seen:
            continue
        seen.add(path)
        endpoint = page_kind(app, urlsplit(path).path)
        if endpoint is None:
            continue
        kind = endpoint
        match = re.fullmatch(r"/procesos/(\d+)", path)
        if endpoint == "processes.detail" and match:
            kind = f"process {match.group(1)} ({types.get(int(match.group(1)), '?')})"
        if kind in kinds and endpoint not in PENDING_KINDS:
            continue
        try:
            with urllib.request.urlopen(base + path, timeout=30) as response:
                if response.geturl() != base + path or "html" not in response.headers.get(
                    "content-type", ""
                ):
                    continue
                html = response.read().decode()
        except OSError:
            continue
        if endpoint in PENDING_KINDS and 'id="pending-heading"' in html:
            kind += " (pending)"  # the same URL rule before publication: a page of its own
        if kind in kinds:
            continue
        kinds.add(kind)
        found.append((kind, path))
        parser = Links()
        parser.feed(html)
        for href in parser.hrefs:
            url = urlsplit(urljoin(base + path, href))
            if url.netloc == urlsplit(base).netloc and not SKIP.search(url.path):
                queue.append(url.path)
    return found


def lighthouse(url: str, report: Path) -> dict:
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(
        [
            "node", str(LIGHTHOUSE), url, "--quiet", "--output=json",
            f"--output-path={report}", f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}", "--max-wait-for-load=60000",
        ],
        env=env, check=True,
    )  # fmt: skip
    return json.loads(report.read_text())


def summary(result: dict) -> dict:
    audits = result["audits"]
    row = {c: round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES}
    row["tbt"] = audits["total-blocking-time"]["numericValue"]
    row["lcp"] = audits["largest-contentful-paint"]["numericValue"]
    row["bytes"] = audits["total-byte-weight"]["numericValue"]
    row["failed"] = [
        ref["id"]
        for c in CATEGORIES
        for ref in result["categories"][c]["auditRefs"]
        if ref["weight"]
        and (audits[ref["id"]]["score"] is not None)
        and audits[ref["id"]]["score"] < 0.9
    ]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated labels or path fragments to run")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    parser.add_argument(
        "--base",
        help="measure a server already running (e.g. http://127.0.0.1:5000) on the demo in "
        "PARTICIPA_INSTANCE_PATH, instead of loading a fresh one",
    )
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: npm ci --prefix bench/lighthouse")
    tiles = contextlib.ExitStack()
    server, instance = None, None
    try:
        if args.base:
            base = args.base.rstrip("/")
            env = {**os.environ, "PARTICIPA_INSTANCE_PATH": os.environ["PARTICIPA_INSTANCE_PATH"]}
        else:
            instance = Path(tempfile.mkdtemp(prefix="participa-lighthouse-"))
            server, base, env = start_server(instance, tiles.enter_context(serve_tiles()))
        pages = discover(base, env)
        if args.only:
            wanted = args.only.split(",")
            pages = [(k, p) for k, p in pages if any(w in k or w in p for w in wanted)]
        OUT.mkdir(parents=True, exist_ok=True)
        header = (
            f"{'page':<40} {'path':<34} {'perf':>4} {'a11y':>4} {'bp':>4} {'seo':>4}"
            f" {'TBT ms':>7} {'LCP ms':>7} {'KB':>6}"
        )
        print(header, flush=True)
        rows = []
        for kind, path in pages:
            name = re.sub(r"[^a-z0-9]+", "-", kind.lower()).strip("-")
            row = summary(lighthouse(base + path, OUT / f"{name}.json"))
            rows.append((kind, path, row))
            print(
                f"{kind:<40} {path:<34} {row['performance']:>4} {row['accessibility']:>4}"
                f" {row['best-practices']:>4} {row['seo']:>4} {row['tbt']:>7.0f}"
                f" {row['lcp']:>7.0f} {row['bytes'] / 1024:>6.0f}"
                + (f"  below 90: {', '.join(row['failed'])}" if row["failed"] else ""),
                flush=True,
            )
        low = [(k, r) for k, _p, r in rows if min(r[c] for c in CATEGORIES) < 95]
        print(f"{len(rows)} pages, {len(low)} with a category under 95")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        if instance and not args.keep:
            shutil.rmtree(instance, ignore_errors=True)
        tiles.close()


if __name__ == "__main__":
    main()
