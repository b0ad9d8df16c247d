"""A small municipal roll (padrón), a typed voter key, one conflict and one desk check."""

import random
from datetime import date

from participa.auth.models import Role, User
from participa.core.timeutil import utcnow
from participa.demo.people import random_person
from participa.eligibility import desk, importing, matching
from participa.eligibility.models import MUNICIPAL_SCOPE, IdKind, KeyKind
from participa.extensions import db
from participa.territory.models import Colonia

REGISTERED_ON_ROLL = 24
NOT_REGISTERED = 12


def _residents() -> list[User]:
    query = (
        db.select(User)
        .where(User.role == Role.CITIZEN, User.colonia_id.is_not(None))
        .order_by(User.id)
        .limit(REGISTERED_ON_ROLL + 1)
    )
    return list(db.session.execute(query).scalars())


def demo_roll(staff, today: date) -> None:
    """Import the roll as staff would, from CSV text; commits."""
    rng = random.Random(606)
    colonias = db.session.execute(db.select(Colonia).order_by(Colonia.id)).scalars().all()
    people = _residents()
    lines = ["curp,colonia,nombre"]
    lines += [f"{u.curp},{u.colonia.label},{u.name}" for u in people]
    for _ in range(NOT_REGISTERED):
        person = random_person(rng, today)
        lines.append(f"{person['curp']},{rng.choice(colonias).label},{person['name']}")
    now = utcnow()
    importing.import_roll(staff, MUNICIPAL_SCOPE, None, "\n".join(lines).encode(), now)
    accounts = [f"D-{rng.randint(100000, 999999)}" for _ in range(6)]
    predial = ["cuenta_predial;colonia;nombre"]
    predial += [f"{a};{rng.choice(colonias).label};" for a in accounts]
    # Two residents without a CURP entry typed the same property-tax account: a conflict.
    others = db.session.execute(
        db.select(User)
        .where(User.role == Role.CITIZEN, User.email.like("vecino%@demo.participa.local"))
        .order_by(User.id.desc())
        .limit(2)
    ).scalars()
    for resident in others:
        matching.add_key(resident, KeyKind.PREDIAL, accounts[0], now)
    importing.import_roll(staff, MUNICIPAL_SCOPE, None, "\n".join(predial).encode(), now)
    vecina = db.session.execute(
        db.select(User).where(User.email == "vecina@participa.local")
    ).scalar_one_or_none()
    if vecina is not None:
        desk.verify(staff, vecina, IdKind.INE, "Mesa de la Cabecera Municipal", now)
