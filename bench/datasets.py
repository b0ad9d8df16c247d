"""Generated databases shared by the results and export benches, kept between runs.

A data set of N ballots is an SQLite file `ballots-N.db` in `instance/bench/` (runtime
state, not tracked) or the folder named by PARTICIPA_BENCH_DATA; it is generated once with
bench/generate.py (both processes published) and reused until deleted.
"""

import json
import os
import time
from pathlib import Path

from participa import create_app
from participa.extensions import db

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path(os.environ.get("PARTICIPA_BENCH_DATA", ROOT / "instance" / "bench"))
CONFIG = {"SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False}


def dataset(ballots: int) -> tuple[str, dict]:
    """The URL of the data set of `ballots` ballots and its ids, generating it when missing."""
    from bench.generate import generate

    FOLDER.mkdir(parents=True, exist_ok=True)
    path, meta = FOLDER / f"ballots-{ballots}.db", FOLDER / f"ballots-{ballots}.json"
    url = f"sqlite:///{path}"
    if path.exists() and meta.exists():
        return url, json.loads(meta.read_text())
    path.unlink(missing_ok=True)
    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        made = generate(ballots)
        db.engine.dispose()
    ids = {
        "consultation_id": made.city.consultation_id,
        "pb_process_id": made.city.pb_process_id,
        "ballot_ids": [b.id for b in made.city.ballots],
        "generated_seconds": round(time.perf_counter() - started, 1),
        "generator_cpu_seconds": round(made.cpu_seconds, 1),
    }
    meta.write_text(json.dumps(ids))
    print(
        f"  generated {path.name} in {ids['generated_seconds']} s "
        f"({ids['generator_cpu_seconds']} s of CPU)"
    )
    return url, ids


def app_for(url: str):
    return create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
