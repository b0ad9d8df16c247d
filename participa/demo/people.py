"""Synthetic residents with valid CURPs."""

import random
from datetime import date, timedelta

from stdnum.mx import curp as stdnum_curp

CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"
VOWELS = "AEIOU"
FIRST_NAMES_F = ["María", "Guadalupe", "Juana", "Verónica", "Rosa", "Alejandra", "Leticia", "Ana"]
FIRST_NAMES_M = ["José", "Juan", "Luis", "Miguel", "Jesús", "Francisco", "Alejandro", "Carlos"]
SURNAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
]


def _with_check(body: str) -> str:
    return body + stdnum_curp.calc_check_digit(body)


def make_curp(rng: random.Random, birth: date, sex: str, state: str = "JC") -> str:
    """A valid CURP; for sex X, one whose H twin passes every check of stdnum."""
    while True:
        head = rng.choice(CONSONANTS) + rng.choice(VOWELS) + rng.choice(CONSONANTS + VOWELS)
        head += rng.choice(CONSONANTS)
        inner = "".join(rng.choice(CONSONANTS) for _ in range(3))
        century = str(rng.randint(0, 9)) if birth.year < 2000 else rng.choice("ABCDEF")
        body = f"{head}{birth:%y%m%d}{{}}{state}{inner}{century}"
        twin = _with_check(body.format("H" if sex == "X" else sex))
        if stdnum_curp.is_valid(twin):
            return _with_check(body.format(sex))


def random_person(rng: random.Random, today: date) -> dict:
    """Name, sex, birth date and CURP of a synthetic adult resident."""
    sex = rng.choices(["M", "H", "X"], weights=[52, 47.5, 0.5])[0]
    first = rng.choice(FIRST_NAMES_F if sex == "M" else FIRST_NAMES_M)
    age_days = int(rng.triangular(18, 85, 34) * 365.25)
    birth = today - timedelta(days=age_days)
    name = f"{first} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
    return {"name": name, "sex": sex, "birth_date": birth, "curp": make_curp(rng, birth, sex)}
