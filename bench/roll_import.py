"""Time importing an eligibility roll (padrón) of N lines, then re-importing it.

Run: .venv/bin/python bench/roll_import.py [N ...]   (default: 10000 50000)
Prints figures; asserts nothing. Each size gets a fresh SQLite database in a temp folder,
with N CURPs on the roll of which a tenth already have an account (matched at import).
"""

import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import insert

from participa import create_app
from participa.auth.models import User
from participa.core.timeutil import utcnow
from participa.demo.people import random_person
from participa.eligibility.importing import import_roll
from participa.eligibility.models import MUNICIPAL_SCOPE
from participa.extensions import db
from participa.territory.models import Colonia, Delegacion

CONFIG = {"TESTING": True, "SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False}


def _file(size: int, colonias: list[str]) -> tuple[bytes, list[dict]]:
    rng = random.Random(size)
    seen, people = set(), []
    while len(people) < size:
        person = random_person(rng, date(2026, 12, 1))
        if person["curp"] not in seen:
            seen.add(person["curp"])
            people.append(person)
    lines = ["curp,colonia,nombre"] + [
        f"{p['curp']},{rng.choice(colonias)},{p['name']}" for p in people
    ]
    return "\n".join(lines).encode(), people[: size // 10]


def run(size: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder)}/b.db"})
        with app.app_context():
            db.create_all()
            delegacion = Delegacion(name="Centro")
            delegacion.colonias = [Colonia(name=f"Colonia {n}", population=100) for n in range(40)]
            db.session.add(delegacion)
            db.session.commit()
            data, registered = _file(size, [c.name for c in delegacion.colonias])
            db.session.execute(
                insert(User),
                [
                    {
                        "name": p["name"],
                        "email": f"p{n}@x.mx",
                        "password_hash": "-",
                        "curp": p["curp"],
                        "birth_date": p["birth_date"],
                        "sex": p["sex"],
                    }
                    for n, p in enumerate(registered)
                ],
            )
            db.session.commit()
            for label in ("first import", "re-import (unchanged)"):
                start = time.perf_counter()
                summary = import_roll(None, MUNICIPAL_SCOPE, None, data, utcnow())
                seconds = time.perf_counter() - start
                print(f"{size:>7,} lines  {label:<22} {seconds:6.2f} s  {summary}")


if __name__ == "__main__":
    for n in [int(a) for a in sys.argv[1:]] or [10_000, 50_000]:
        run(n)
