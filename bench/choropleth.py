"""Time the colonia map (choropleth) of a municipality with N colonias, server and browser.

Run: .venv/bin/python -m bench.choropleth [N ...] [--runs R] [--no-browser]   (default: 1500)
A fresh SQLite database: the small demo, plus N synthetic colonias in 12 delegaciones, each
with a simplified outline of 40–120 points (one in 20 a MultiPolygon of two parts), inside
MUNICIPALITY_BOUNDS, a population (one in 20 none) and participations in the demo's finished
consultation (folded into its aggregates, as the results pages read them). Prints, for the
dashboard's "who was heard" section and the public results page of that consultation: the
server time per request (median of R), the map alone (outlines query + figure), the figure's
bytes as sent in the page, its trace count; then, with Chromium (Playwright), the time from
scrolling to the map until Plotly drew it (`.chart.chart-ready`) and a redraw of the same
figure (`Plotly.newPlot`). Prints figures; asserts nothing.
"""

import argparse
import math
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

from participa import create_app
from participa.aggregates.fold import fold_process
from participa.auth.models import Role, User
from participa.consultations.models import Participation
from participa.demo.seed import seed
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus
from participa.results.dashboard import colonia_map_chart
from participa.results.period import Filters, period_processes, who_was_heard
from participa.territory.models import Colonia, Delegacion

CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "bench",
    "SESSION_COOKIE_SECURE": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "REQUIRE_TOTP_ROLES": "",  # the pages are measured, not the two-step enrolment
    "RATELIMIT_ENABLED": False,
}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CENTRE = (-103.35, 20.67)  # lon, lat: Guadalajara
SPAN = 0.30  # degrees each way: about 31 km × 33 km
DELEGACIONES = 12


def ring(lon: float, lat: float, radius: float, points: int, rng: random.Random) -> list:
    """A closed, star-shaped ring of `points` corners, its edge wobbling like a real block."""
    phases = [rng.uniform(0, 2 * math.pi) for _ in range(3)]
    squash = math.cos(math.radians(lat))
    corners = []
    for k in range(points):
        a = 2 * math.pi * k / points
        r = radius * (
            0.8
            + 0.08 * math.sin(3 * a + phases[0])
            + 0.06 * math.sin(5 * a + phases[1])
            + 0.03 * math.sin(11 * a + phases[2])
        )
        corners.append([round(lon + r * math.cos(a) / squash, 5), round(lat + r * math.sin(a), 5)])
    return [*corners, corners[0]]


def outline(i: int, side: int, rng: random.Random) -> tuple[dict, tuple]:
    cell = SPAN / side
    lon = CENTRE[0] - SPAN / 2 + (i % side + 0.5) * cell
    lat = CENTRE[1] - SPAN / 2 + (i // side + 0.5) * cell
    points = rng.randint(40, 120)
    if i % 20 == 7:  # two parts, as a colonia split by a highway
        parts = [
            [ring(lon - cell / 4, lat, cell / 4.5, points // 2, rng)],
            [ring(lon + cell / 4, lat, cell / 4.5, points // 2, rng)],
        ]
        geometry = {"type": "MultiPolygon", "coordinates": parts}
    else:
        geometry = {"type": "Polygon", "coordinates": [ring(lon, lat, cell / 2.2, points, rng)]}
    half = cell / 2
    return geometry, (lat - half, lat + half, lon - half, lon + half)


def add_colonias(n: int) -> int:
    """N colonias with outlines and participations in the finished consultation; its id."""
    rng = random.Random(7)
    process_id = db.session.execute(
        db.select(Process.id).where(Process.status == ProcessStatus.RESULTS_PUBLISHED).limit(1)
    ).scalar_one()
    delegaciones = [Delegacion(name=f"Zona {k + 1}") for k in range(DELEGACIONES)]
    db.session.add_all(delegaciones)
    db.session.flush()
    side = math.ceil(math.sqrt(n))
    rows = []
    for i in range(n):
        geometry, box = outline(i, side, rng)
        rows.append(
            {
                "name": f"Colonia {i + 1}",
                "delegacion_id": delegaciones[i * DELEGACIONES // n].id,
                "population": 0 if i % 20 == 3 else rng.randint(300, 12_000),
                "boundary": geometry,
                "outline": geometry,
                "min_lat": box[0],
                "max_lat": box[1],
                "min_lon": box[2],
                "max_lon": box[3],
            }
        )
    db.session.execute(db.insert(Colonia), rows)
    colonias = db.session.execute(db.select(Colonia.id, Colonia.population)).all()
    now = datetime.now(UTC)
    people = []
    for colonia_id, population in colonias:
        for _ in range(int(population * rng.betavariate(1.3, 60))):
            people.append(
                {
                    "process_id": process_id,
                    "voter_key": f"bench:{len(people)}",
                    "colonia_id": colonia_id,
                    "age_band": "30-44",
                    "sex": rng.choice("MH"),
                    "created_at": now,
                }
            )
    for start in range(0, len(people), 10_000):
        db.session.execute(db.insert(Participation), people[start : start + 10_000])
    db.session.commit()
    fold_process(process_id)
    print(f"  {len(people):,} participations in {len(colonias):,} colonias")
    return process_id


def figure_of(page: str, key: str) -> str:
    found = re.search(rf'<script type="application/json" id="figure-{key}">(.*?)</script>', page)
    return found.group(1) if found else ""


def timed(client, url: str, runs: int) -> tuple[float, float, str]:
    """Median wall and CPU ms of `runs` GETs (CPU time is steadier on a shared machine)."""
    times, cpu, body = [], [], ""
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        body = response.get_data(as_text=True)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), statistics.median(cpu), body


def map_alone(app, runs: int) -> tuple[float, float]:
    """Median wall and CPU ms of the dashboard's map alone: the outlines query and the figure."""
    with app.test_request_context("/"):
        today = date.today()
        heard = who_was_heard(period_processes(today.year), Filters(today.year), today)
        times, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            colonia_map_chart(heard)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            db.session.expire_all()
    return statistics.median(times), statistics.median(cpu)


def serve(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


DRAWN = """async key => {
  const chart = document.querySelector(`#chart-${key} .chart`);
  const start = performance.now();
  chart.scrollIntoView({block: "start"});
  while (!chart.classList.contains("chart-ready")) {
    await new Promise(r => setTimeout(r, 10));
  }
  const drawn = performance.now() - start;
  const figure = JSON.parse(document.getElementById(`figure-${key}`).textContent);
  const again = document.createElement("div");
  again.style.width = chart.clientWidth + "px";
  document.body.appendChild(again);
  const t = performance.now();
  await Plotly.newPlot(again, figure.data, figure.layout, {displayModeBar: false});
  const redraw = performance.now() - t;
  Plotly.purge(again); again.remove();
  return [drawn, redraw, chart.querySelectorAll("path.js-fill").length];
}"""


def in_browser(base: str, cookie: str, pages: list, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_cookies([{"name": "session", "value": cookie, "url": base}])
        page = context.new_page()
        print(f"  {'browser (Chromium, 1280×800)':<38} {'drawn ms':>10} {'redraw ms':>10} fills")
        for path, key in pages:
            drawn, redraw, fills = [], [], 0
            for _ in range(runs):
                page.goto(base + path, wait_until="load")
                # Plotly in the cache and parsed first: the draw, not the download, is timed.
                page.evaluate("() => new Promise(r => setTimeout(r, 300))")
                d, r, fills = page.evaluate(DRAWN, key)
                drawn.append(d)
                redraw.append(r)
            print(
                f"  {path:<38} {statistics.median(drawn):>10.0f} "
                f"{statistics.median(redraw):>10.0f} {fills:>5}"
            )
        browser.close()


def run(n: int, runs: int, browser: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        print(f"\n{n:,} synthetic colonias (plus the demo's)")
        with app.app_context():
            db.create_all()
            seed(date.today(), 10, CONFIG["PASSWORD_HASH_METHOD"])
            process_id = add_colonias(n)
            council = (
                db.session.execute(db.select(User).where(User.role == Role.COUNCIL).limit(1))
                .scalar_one()
                .get_id()
            )
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = council
            session["_fresh"] = True
        pages = [
            ("/consejo/tablero/escuchados", "heard-colonia-map"),
            (f"/procesos/{process_id}/resultados", "map-colonia"),
        ]
        print(
            f"  {'page':<38} {'median ms':>10} {'CPU ms':>8} {'page bytes':>11} "
            f"{'map bytes':>10} traces"
        )
        for path, key in pages:
            median, cpu, body = timed(client, path, runs)
            figure = figure_of(body, key)
            traces = figure.count('"type": "scatter"') + figure.count('"type":"scatter"')
            print(
                f"  {path:<38} {median:>10.1f} {cpu:>8.1f} {len(body):>11,} "
                f"{len(figure):>10,} {traces:>6}"
            )
        median, cpu = map_alone(app, runs)
        print(f"  {'map alone (outlines + figure)':<38} {median:>10.1f} {cpu:>8.1f}")
        if browser:
            cookie = client.get_cookie("session").value
            server = serve(app)
            try:
                in_browser(f"http://127.0.0.1:{server.server_port}", cookie, pages, 3)
            finally:
                server.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1500])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    for size in args.sizes:
        run(size, args.runs, not args.no_browser)
    sys.exit()
