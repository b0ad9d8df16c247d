"""Time the results page and the CSV exports of a consultation with N responses.

Run: .venv/bin/python bench/results_latency.py [N ...]   (default: 3000 30000)
Prints figures; asserts nothing. Each size gets a fresh SQLite database in a temp folder.
"""

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from participa import create_app
from participa.demo.seed import seed
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus

CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "bench",
    "SESSION_COOKIE_SECURE": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
}


def timed(client, url: str, runs: int) -> tuple[float, float, int]:
    """Median and worst time in ms over `runs` GETs, and the body size in bytes."""
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        size = len(response.get_data())
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), max(times), size


def run(responses: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            start = time.perf_counter()
            seed(date.today(), responses, CONFIG["PASSWORD_HASH_METHOD"])
            seeded = time.perf_counter() - start
            query = db.select(Process.id).where(Process.status == ProcessStatus.RESULTS_PUBLISHED)
            process_id = db.session.execute(query).scalar_one()
        client = app.test_client()
        print(f"\n{responses:,} responses (seeded in {seeded:.1f} s)")
        print(f"  {'page':<34} {'median ms':>10} {'max ms':>9} {'bytes':>10}")
        for path, runs in (
            (f"/procesos/{process_id}/resultados", 5),
            (f"/procesos/{process_id}/resultados.csv", 3),
            (f"/procesos/{process_id}/respuestas.csv", 3),
        ):
            median, worst, size = timed(client, path, runs)
            print(f"  {path:<34} {median:>10.1f} {worst:>9.1f} {size:>10,}")


if __name__ == "__main__":
    for size in [int(arg) for arg in sys.argv[1:]] or [3000, 30000]:
        run(size)
