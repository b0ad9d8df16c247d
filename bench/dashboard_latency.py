"""Time the council dashboard (/consejo/) with N participations in the period.

Run: .venv/bin/python bench/dashboard_latency.py [N ...]   (default: 10000 100000)
Prints median and p95 in ms; asserts nothing. Each size gets a fresh SQLite database: the
small demo, plus N synthetic consultation participations (colonia, age band and sex
snapshots) inserted in bulk into its open consultation.
"""

import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from participa import create_app
from participa.auth.models import Role, User
from participa.consultations.models import Participation
from participa.demo.seed import seed
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus
from participa.tally import AGE_BANDS
from participa.territory.models import Colonia

CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "bench",
    "SESSION_COOKIE_SECURE": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "REQUIRE_TOTP_ROLES": "",  # the pages are measured, not the two-step enrolment
}
RUNS = 20


def add_participations(n: int) -> None:
    rng = random.Random(1)
    process_id = db.session.execute(
        db.select(Process.id).where(Process.status == ProcessStatus.OPEN).limit(1)
    ).scalar_one()
    colonias = list(db.session.execute(db.select(Colonia.id)).scalars())
    bands = [band[0] for band in AGE_BANDS]
    now = datetime.now(UTC)
    for start in range(0, n, 10_000):
        rows = [
            {
                "process_id": process_id,
                "voter_key": f"bench:{i}",
                "colonia_id": rng.choice(colonias),
                "age_band": rng.choice(bands),
                "sex": rng.choice("MHX"),
                "created_at": now,
            }
            for i in range(start, min(n, start + 10_000))
        ]
        db.session.execute(db.insert(Participation), rows)
    db.session.commit()


def timed(client, url: str) -> tuple[float, float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def run(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            db.create_all()
            seed(date.today(), 100, CONFIG["PASSWORD_HASH_METHOD"])
            add_participations(n)
            council = (
                db.session.execute(db.select(User).where(User.role == Role.COUNCIL).limit(1))
                .scalar_one()
                .get_id()
            )  # what a session of the account carries
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = council
            session["_fresh"] = True
        print(f"\n{n:,} extra participations, {RUNS} requests each")
        print(f"  {'page':<42} {'median ms':>10} {'p95 ms':>9}")
        for path in ("/consejo/", "/consejo/?edad=30-44&sexo=M", "/consejo/?zona=d1"):
            median, p95 = timed(client, path)
            print(f"  {path:<42} {median:>10.1f} {p95:>9.1f}")


if __name__ == "__main__":
    for size in [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000]:
        run(size)
