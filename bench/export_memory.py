"""Peak resident memory of the process while it streams the big exports of N ballots.

Run: .venv/bin/python bench/export_memory.py [N]   (default 100000; the issue's target is
1,000,000 ballots under 250 MB). Prints figures; asserts nothing. One fresh SQLite database
gets the demo plus N consultation responses and N PB votes (bench/ballot_loader.py); then
each export is served by a NEW process (so loading the data does not count), which reads
the body chunk by chunk as a WSGI server would and reports its peak RSS
(VmHWM), the RSS before the request, the bytes sent and the time.
"""

import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from werkzeug.test import EnvironBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ballot_loader import load_responses, load_votes, pb_ballot  # noqa: E402

from participa import create_app  # noqa: E402
from participa.aggregates.fold import fold_ballot, fold_process  # noqa: E402
from participa.demo.seed import seed  # noqa: E402
from participa.extensions import db  # noqa: E402
from participa.processes.models import Process  # noqa: E402
from participa.processes.types import ProcessStatus  # noqa: E402

CONFIG = {"TESTING": True, "SECRET_KEY": "bench", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}


def peak_mb() -> float:
    """Peak RSS of this process image in MB.

    VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the parent's image
    across fork and exec, so a child of the big loading process would report its peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def measure(url: str, path: str) -> None:
    """Serve one GET of `path` and print peak RSS, RSS before, bytes and seconds."""
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.test_client() as client:
        client.get("/")  # imports, templates and the connection pool warmed up
    before, size, start = peak_mb(), 0, time.perf_counter()
    statuses = []
    body = app.wsgi_app(
        EnvironBuilder(path=path).get_environ(), lambda s, h, e=None: statuses.append(s)
    )
    try:
        for chunk in body:
            size += len(chunk)
    finally:
        body.close()
    took = time.perf_counter() - start
    print(f"{statuses[0][:3]} {peak_mb():.0f} {before:.0f} {size} {took:.1f}")


def prepare(url: str, n: int) -> list[str]:
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        seed(date.today(), 10, CONFIG["PASSWORD_HASH_METHOD"])
        query = db.select(Process).where(Process.status == ProcessStatus.RESULTS_PUBLISHED)
        process = db.session.execute(query).scalar_one()
        load_responses(process, n)
        ballot = pb_ballot()
        load_votes(ballot, n)
        ballot.process.status = ProcessStatus.RESULTS_PUBLISHED
        db.session.commit()
        fold_process(process.id)
        fold_ballot(ballot.id)
        return [
            f"/procesos/{process.id}/respuestas.csv",
            f"/procesos/{process.id}/respuestas.xlsx",
            f"/procesos/{ballot.process_id}/presupuesto/boletas/{ballot.id}.pb",
        ]


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        start = time.perf_counter()
        paths = prepare(url, n)
        print(f"{n:,} responses and {n:,} PB votes loaded in {time.perf_counter() - start:.0f} s")
        print(f"  {'export':<40} {'peak RSS MB':>11} {'before MB':>9} {'MB sent':>8} {'s':>6}")
        for path in paths:
            out = subprocess.run(
                [sys.executable, __file__, "--measure", url, path],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            status, peak, before, size, took = out[-5:]
            assert status == "200", (path, status)
            mb = int(size) / 1e6
            print(f"  {path:<40} {float(peak):>11.0f} {float(before):>9.0f} {mb:>8.1f} {took:>6}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        measure(sys.argv[2], sys.argv[3])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
