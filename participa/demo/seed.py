"""Load the demo: territory, accounts, consultations and a participatory budget."""

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from participa.audit.services import checkpoint_now
from participa.auth.models import Role, User
from participa.auth.services import create_account
from participa.core.timeutil import utcnow
from participa.demo import (
    administration,
    boundaries,
    budgets,
    consultations,
    council,
    eligibility,
    events,
    finished_budget,
    links,
    oversight,
    places,
    proposals,
    works,
)
from participa.demo import followup as followup_demo
from participa.demo import officeplan as officeplan_demo
from participa.demo import tables as tables_demo
from participa.demo.people import make_curp
from participa.extensions import db
from participa.processes.models import Phase, Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.territory.models import Colonia, Delegacion

TERRITORY = {
    "Cabecera Municipal": [
        ("Centro", 18500),
        ("San Juan", 12400),
        ("El Santuario", 9800),
        ("Las Huertas", 15200),
        ("La Estación", 7600),
    ],
    "Delegación Norte": [
        ("Valle Verde", 21000),
        ("Lomas del Norte", 16800),
        ("Tabachines", 11300),
        ("El Mirador", 6400),
    ],
    "Delegación Sur": [
        ("Santa Cecilia", 19700),
        ("Jardines del Sur", 13900),
        ("Arroyo Hondo", 8200),
        ("Las Pintas", 10500),
    ],
    "Delegación Oriente": [("Oblatos", 17400), ("Rancho Blanco", 5300), ("El Vergel", 9100)],
    "Agencia Los Ocotes": [("Los Ocotes", 3200), ("La Cañada", 1900), ("Agua Zarca", 1400)],
}


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    password: str


def seed(today: date, responses: int = 3000, hash_method: str = "scrypt") -> list[DemoAccount]:
    """Fill an empty database with the demo; return the accounts with their passwords."""
    rng = random.Random(2026)
    colonias = _territory()
    accounts = _accounts(rng, colonias, today, hash_method)
    staff = db.session.execute(db.select(User).where(User.role == Role.STAFF)).scalars().first()
    boundaries.demo_boundaries(staff, TERRITORY)
    consultations.open_consultation(staff, today)
    finished, questions = consultations.finished_consultation(staff, today)
    budget = budgets.open_budget(staff, today)
    oversight.seed(staff, today)
    _other_processes(staff, today)
    db.session.flush()
    consultations.synthetic_answers(rng, finished, questions, colonias, today, responses)
    proposals.initiative(staff, today)
    events.demo_events(staff, today)
    # Extra council members go first, so the role -> account map keeps "consejo@".
    accounts = [DemoAccount(*a) for a in works.demo_works(staff, today, hash_method)] + accounts
    links.demo_links(staff, today)
    db.session.commit()
    eligibility.demo_roll(staff, today)
    council.council(staff, today)
    followup_demo.demo_followup(staff, today)
    administration.demo_administration(staff, today)
    tables_demo.demo_table(budget, today)
    finished_budget.finished_budget(staff, today)  # after the open budget's table: tests
    officeplan_demo.demo_office_year(staff, today)
    places.place_everything()  # the maps of projects, proposals and works show something
    checkpoint_now()  # the public list of the log's checkpoints starts with the demo's
    return accounts


def _territory() -> list[Colonia]:
    colonias = []
    for name, rows in TERRITORY.items():
        delegacion = Delegacion(name=name)
        delegacion.colonias = [Colonia(name=c, population=p) for c, p in rows]
        colonias += delegacion.colonias
        db.session.add(delegacion)
    db.session.flush()
    return colonias


def _accounts(rng, colonias, today, hash_method) -> list[DemoAccount]:
    specs = [
        (Role.ADMIN, "admin@participa.local", "Administración"),
        (Role.STAFF, "personal@participa.local", "Personal de Participación Ciudadana"),
        (Role.COUNCIL, "consejo@participa.local", "Consejera del CMPC"),
        (Role.CITIZEN, "vecina@participa.local", "Vecina de Ejemplo"),
    ]
    made = []
    for role, email, name in specs:
        password = secrets.token_urlsafe(9)
        fields = {}
        if role is Role.CITIZEN:
            birth = date(1988, 3, 14)
            fields = {
                "curp": make_curp(rng, birth, "M"),
                "birth_date": birth,
                "sex": "M",
                "colonia_id": colonias[0].id,
                "email_confirmed_at": utcnow(),  # the demo resident may vote at once
            }
        create_account(
            name=name, email=email, password=password, role=role, hash_method=hash_method, **fields
        )
        made.append(DemoAccount(role, email, password))
    db.session.flush()
    return made


def _other_processes(staff, today) -> None:
    """Processes of other mechanisms, so the list shows the variety of the plan."""
    db.session.add_all(
        [
            Process(
                type=ProcessType.ASAMBLEA,
                status=ProcessStatus.PUBLISHED,
                created_by_id=staff.id,
                title="Asamblea ciudadana de la Delegación Norte",
                description="Asamblea para elegir a las y los representantes vecinales.",
                phases=[
                    Phase(
                        name="Asamblea",
                        starts_on=today + timedelta(days=12),
                        ends_on=today + timedelta(days=12),
                    )
                ],
            ),
        ]
    )
