"""Demo needs and works: candidates (two from the finished consultation), an approved round
scored by five council members, and a draft round."""

import random
import secrets
from datetime import UTC, datetime, time, timedelta

from participa.auth.models import Role, User
from participa.auth.services import create_account
from participa.consultations.models import Option, Question
from participa.extensions import db
from participa.territory.models import Colonia, Delegacion
from participa.works.models import (
    FaisCategory,
    Funding,
    PrioritisationRound,
    RoundCandidate,
    RoundCriterion,
    RoundStatus,
    Score,
    Work,
    WorkKind,
    WorkOrigin,
    WorkStatus,
    WorkTask,
)
from participa.works.rounds import results

# Accounts of four members of the council demo (participa/demo/council.py MEMBERS): the
# council demo links each CouncilMember to the account with its name, so the people who score
# priorities are the CMPC's members.
EXTRA_MEMBERS = [
    ("consejero2@participa.local", "Felipe de Jesús Ramírez Lara"),
    ("consejera3@participa.local", "Rosa Isela Navarro Gómez"),
    ("consejero4@participa.local", "Ing. Ricardo Pérez Villaseñor"),
    ("consejera5@participa.local", "Guadalupe Torres Aceves"),
]
# title, zone (colonia or delegación name, None: municipality), cost, beneficiaries,
# directorate, funding, FAIS category, option label of the finished consultation it came from
WORKS = [
    (
        "Red de agua potable en Agua Zarca",
        "Agua Zarca",
        3_800_000,
        1400,
        "Agua Potable",
        Funding.FAIS,
        FaisCategory.AGUA_POTABLE,
        None,
    ),
    (
        "Banquetas en la calle Hidalgo",
        "Centro",
        1_200_000,
        6000,
        "Obras Públicas",
        Funding.MUNICIPAL,
        None,
        "Banquetas",
    ),
    (
        "Iluminación del parque de Oblatos",
        "Oblatos",
        650_000,
        4200,
        "Alumbrado Público",
        Funding.MUNICIPAL,
        None,
        "Iluminación",
    ),
    (
        "Drenaje en Las Pintas",
        "Las Pintas",
        5_400_000,
        2600,
        "Obras Públicas",
        Funding.FAIS,
        FaisCategory.DRENAJE_LETRINAS,
        None,
    ),
    (
        "Techado de la primaria de Los Ocotes",
        "Los Ocotes",
        1_900_000,
        380,
        "Educación",
        Funding.MIXTO,
        FaisCategory.EDUCACION,
        None,
    ),
    (
        "Centro de salud de Valle Verde",
        "Delegación Norte",
        8_500_000,
        21000,
        "Salud",
        Funding.ESTATAL,
        None,
        None,
    ),
    (
        "Pavimentación de la calle Morelos",
        "Santa Cecilia",
        2_700_000,
        3100,
        "Obras Públicas",
        Funding.FEDERAL,
        None,
        None,
    ),
    (
        "Electrificación de La Cañada",
        "La Cañada",
        2_100_000,
        1900,
        "Obras Públicas",
        Funding.FAIS,
        FaisCategory.ELECTRIFICACION,
        None,
    ),
]
CRITERIA = [  # name, weight, scale, higher is better
    ("Apoyo ciudadano en los resultados", 3000, 10, True),
    ("Población beneficiada", 2000, 10, True),
    ("Marginación de la colonia", 2000, 10, True),
    ("Urgencia", 1500, 10, True),
    ("Costo", 1000, 10, False),
]


def demo_works(staff, today, hash_method: str) -> list[tuple[Role, str, str]]:
    """Load the demo; return the extra council accounts as (role, e-mail, password)."""
    rng = random.Random(2027)
    accounts = []
    for email, name in EXTRA_MEMBERS:
        password = secrets.token_urlsafe(9)
        create_account(
            name=name, email=email, password=password, role=Role.COUNCIL, hash_method=hash_method
        )
        accounts.append((Role.COUNCIL, email, password))
    db.session.flush()
    now = datetime.combine(today, time(17), tzinfo=UTC)
    works = [_work(staff, row, now) for row in WORKS]
    db.session.flush()
    members = db.session.execute(
        db.select(User).where(User.role == Role.COUNCIL).order_by(User.id)
    ).scalars()
    _approved_round(rng, staff, list(members), works[:6], today, now)
    draft = PrioritisationRound(period=str(today.year + 1), created_by_id=staff.id, created_at=now)
    draft.criteria = [_criterion(i, row) for i, row in enumerate(CRITERIA[:3])]
    draft.candidates = [RoundCandidate(work_id=w.id) for w in works[6:]]
    db.session.add(draft)
    return accounts


def _zone(name):
    if name is None:
        return {}
    colonia = db.session.execute(db.select(Colonia).where(Colonia.name == name)).scalars().first()
    if colonia is not None:
        return {"colonia_id": colonia.id}
    delegacion = db.session.execute(db.select(Delegacion).where(Delegacion.name == name))
    return {"delegacion_id": delegacion.scalar_one().id}


def _option(label):
    query = db.select(Option, Question.process_id).join(Question).where(Option.label == label)
    return db.session.execute(query.order_by(Option.id.desc())).first()


def _work(staff, row, now) -> Work:
    title, zone, cost, people, directorate, funding, category, option_label = row
    work = Work(
        title=title,
        description=f"Propuesta de la Jefatura de Participación Ciudadana: **{title.lower()}**.",
        kind=WorkKind.WORK,
        estimated_cost=cost,
        beneficiaries=people,
        directorate=directorate,
        funding=funding,
        fais_eligible=category is not None,
        fais_category=category,
        created_by_id=staff.id,
        created_at=now,
        **_zone(zone),
    )
    found = _option(option_label) if option_label else None
    if found is not None:
        option, process_id = found
        work.source_kind, work.source_process_id = WorkOrigin.CONSULTATION, process_id
        work.source_option_id = option.id
    db.session.add(work)
    return work


def _criterion(position, row) -> RoundCriterion:
    name, weight, scale, higher = row
    return RoundCriterion(
        name=name,
        weight_thousandths=weight,
        scale=scale,
        higher_is_better=higher,
        position=position,
    )


def _approved_round(rng, staff, members, works, today, now) -> None:
    round_ = PrioritisationRound(period=str(today.year), created_by_id=staff.id, created_at=now)
    round_.criteria = [_criterion(i, row) for i, row in enumerate(CRITERIA)]
    round_.candidates = [RoundCandidate(work_id=w.id) for w in works]
    db.session.add(round_)
    db.session.flush()
    # Each member leans the same way with their own noise: a realistic, readable spread.
    leaning = {w.id: rng.randint(3, 9) for w in works}
    for member in members:
        for work in works:
            for criterion in round_.criteria:
                value = max(0, min(10, leaning[work.id] + rng.randint(-2, 2)))
                db.session.add(
                    Score(
                        round_id=round_.id,
                        member_id=member.id,
                        work_id=work.id,
                        criterion_id=criterion.id,
                        value=value,
                    )
                )
    db.session.flush()
    order = [r.candidate_id for r in results(round_).weighted][:5]
    by_work = {c.work_id: c for c in round_.candidates}
    for place, work_id in enumerate(order, start=1):
        by_work[work_id].approved_rank = place
        by_work[work_id].work.status = WorkStatus.PRIORITY
    round_.status, round_.approved_at = RoundStatus.APPROVED, now
    round_.approved_by_id = members[0].id
    _tasks(round_, today)


TASKS = [  # title, area, start and end in days from today (the first one is overdue)
    ("Proyecto ejecutivo", "Obras Públicas", -60, -10),
    ("Licitación", "Adquisiciones", -5, 25),
    ("Ejecución de la obra", "Obras Públicas", 30, 150),
]


def _tasks(round_, today) -> None:
    """A schedule for the first two priorities: one task overdue, the rest on time."""
    for candidate in sorted(round_.candidates, key=lambda c: c.approved_rank or 99)[:2]:
        for title, area, start, end in TASKS:
            db.session.add(
                WorkTask(
                    work_id=candidate.work_id,
                    title=title,
                    area=area,
                    starts_on=today + timedelta(days=start),
                    ends_on=today + timedelta(days=end),
                )
            )
