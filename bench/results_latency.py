"""Time the results page and the exports of a consultation with N responses, from aggregates.

Run: .venv/bin/python bench/results_latency.py [N ...]   (default: 10000 100000; add 1000000
when asked), or `--database URL PROCESS [PB_PROCESS]` for a database loaded before.
folder: the demo, then N synthetic responses bulk-loaded unfolded (bench/ballot_loader.py).
The first results read folds them all (timed apart); later reads are aggregates plus the
few unfolded rows. The raw-row count the aggregates replaced is timed for comparison.
"""

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ballot_loader import load_responses  # noqa: E402

from participa import create_app  # noqa: E402
from participa.aggregates.fold import fold_process  # noqa: E402
from participa.demo.seed import seed  # noqa: E402
from participa.extensions import db  # noqa: E402
from participa.processes.models import Process  # noqa: E402
from participa.processes.types import ProcessStatus  # noqa: E402
from participa.results.services import participation_stats, question_results  # noqa: E402

CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "bench",
    "SESSION_COOKIE_SECURE": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
}
TZ = ZoneInfo("America/Mexico_City")


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


def seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(responses: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            seed(date.today(), 10, CONFIG["PASSWORD_HASH_METHOD"])
            query = db.select(Process).where(Process.status == ProcessStatus.RESULTS_PUBLISHED)
            process = db.session.execute(query).scalar_one()
            process_id = process.id
            loaded = seconds(lambda: load_responses(process, responses))
            folded = seconds(lambda: fold_process(process_id))
            raw = seconds(
                lambda: (
                    question_results(process, raw=True),
                    participation_stats(process, TZ, True),
                )
            )
        client = app.test_client()
        print(f"\n{responses:,} responses: loaded in {loaded:.1f} s, first fold {folded:.1f} s")
        print(f"  raw-row count (what the aggregates replace): {raw * 1000:.0f} ms")
        print(f"  {'page':<34} {'median ms':>10} {'max ms':>9} {'bytes':>12}")
        pages = [
            (f"/procesos/{process_id}/resultados", 9),
            (f"/procesos/{process_id}/resultados.csv", 5),
        ]
        if responses <= 100_000:
            pages += [(f"/procesos/{process_id}/respuestas.csv", 1),
                      (f"/procesos/{process_id}/respuestas.xlsx", 1)]  # fmt: skip
        for path, runs in pages:
            median, worst, size = timed(client, path, runs)
            print(f"  {path:<34} {median:>10.1f} {worst:>9.1f} {size:>12,}")


def existing(url: str, process_id: int, pb_process_id: int | None) -> None:
    """Time the pages of an already loaded database (e.g. kept from bench/export_memory.py)."""
    client = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url}).test_client()
    pages = [
        (f"/procesos/{process_id}/resultados", 9),
        (f"/procesos/{process_id}/resultados.csv", 5),
    ]
    if pb_process_id is not None:
        pages.append((f"/procesos/{pb_process_id}/presupuesto/resultados", 9))
    for path, runs in pages:
        median, worst, size = timed(client, path, runs)
        print(f"  {path:<44} {median:>10.1f} {worst:>9.1f} {size:>12,}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--database"]:
        existing(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else None)
        sys.exit()
    for size in [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000]:
        run(size)
