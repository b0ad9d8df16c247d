"""The generator's synthetic city: territory, two processes, and how residents answer.

Popularity is skewed on purpose (Zipf-like weights over the options and projects, colonias
by population), so counts differ and a results page has something to sort.
"""

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate

from stdnum.mx import curp as stdnum_curp

from participa.auth.models import Role, User
from participa.budgets.counting import count
from participa.budgets.counts import count_here
from participa.budgets.models import BallotRule, PbBallot, PbOutcome, PbProject, ProjectStatus
from participa.consultations.models import Option, Question, QuestionKind
from participa.core.timeutil import utcnow
from participa.demo.budgets import CITY_PROJECTS, NORTH_PROJECTS
from participa.demo.people import FIRST_NAMES_F, FIRST_NAMES_M, SURNAMES
from participa.demo.seed import TERRITORY
from participa.extensions import db
from participa.processes.models import Phase, Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.territory.models import Colonia, Delegacion

CONSONANTS = "BCDFGHJKLMNPQRSTVWXYZ"
VOWELS = "AEIOU"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TEXT_SHARE = 0.03  # residents who write a comment
COMMENTS = ("Faltan banquetas.", "Más luz en el parque.", "Gracias por preguntar.")
QUESTIONS = (
    (QuestionKind.SINGLE, "¿Cuál es la necesidad más urgente de tu colonia?", 5, None, True),
    (QuestionKind.MULTIPLE, "¿Qué servicios deben mejorar? Elige hasta tres.", 6, 3, True),
    (QuestionKind.RANKING, "Ordena estos proyectos del más al menos importante.", 4, None, False),
    (QuestionKind.SCALE, "¿Cómo calificas el alumbrado público de tu calle?", 0, None, True),
    (QuestionKind.YES_NO, "¿Cerrar el centro a los autos los domingos?", 0, None, True),
    (QuestionKind.TEXT, "¿Algo más que quieras decir al Consejo?", 0, None, False),
)


class Picker:
    """Draw one item with the given weights (random.choices without its per-call set-up)."""

    def __init__(self, items, weights):
        self.items, self.cumulative = tuple(items), tuple(accumulate(weights))

    def __call__(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


SEX = Picker("MHX", (51, 48, 1))
SCALE = Picker((1, 2, 3, 4, 5), (1, 2, 4, 5, 3))


@dataclass(frozen=True)
class Asked:
    """A question as the generator needs it: plain values, no ORM object."""

    id: int
    kind: QuestionKind
    option_ids: tuple[int, ...]
    weights: tuple[float, ...]
    max_choices: int | None
    required: bool

    @property
    def pick(self) -> Picker:
        return Picker(self.option_ids, self.weights)


@dataclass(frozen=True)
class Ballot:
    id: int
    rule: BallotRule
    amount: int
    projects: tuple[tuple[int, int], ...]  # (project id, cost)
    weights: tuple[float, ...]
    max_choices: int | None


@dataclass(frozen=True)
class City:
    today: date
    consultation_id: int
    pb_process_id: int
    questions: tuple[Asked, ...]
    ballots: tuple[Ballot, ...]
    colonia_ids: tuple[int, ...]
    colonia_weights: tuple[int, ...]
    voting_days: int
    voting_started_days_ago: int


@dataclass(frozen=True)
class Person:
    name: str
    curp: str
    birth: date
    sex: str


def zipf(n: int, rng: random.Random) -> tuple[float, ...]:
    """Weights 1, 1/2, 1/3 ... in a shuffled order: some options far more popular."""
    weights = [1 / (rank + 1) for rank in range(n)]
    rng.shuffle(weights)
    return tuple(weights)


def curp_for(n: int, birth: date, sex: str) -> str:
    """A valid CURP, unique for each n below 500 million (n is spelled in the letters)."""
    letters = []
    for alphabet in (CONSONANTS, VOWELS, LETTERS, CONSONANTS, CONSONANTS, CONSONANTS, CONSONANTS):
        n, digit = divmod(n, len(alphabet))
        letters.append(alphabet[digit])
    head, inner = "".join(letters[:4]), "".join(letters[4:])
    century = "0" if birth.year < 2000 else "A"
    body = f"{head}{birth:%y%m%d}{sex}JC{inner[:3]}{century}"
    return body + stdnum_curp.calc_check_digit(body)


def person(rng: random.Random, n: int, today: date) -> Person:
    sex = SEX(rng)
    first = rng.choice(FIRST_NAMES_F if sex == "M" else FIRST_NAMES_M)
    birth = today - timedelta(days=int(rng.triangular(16, 88, 30) * 365.25))
    name = f"{first} {rng.choice(SURNAMES)} {rng.choice(SURNAMES)}"
    return Person(name, curp_for(n, birth, sex), birth, sex)


def answer(rng: random.Random, q: Asked) -> list[tuple]:
    """(seq, option id, value, text) rows of one resident's answer to `q`."""
    kind = q.kind
    if kind is QuestionKind.TEXT:
        return [(0, None, None, rng.choice(COMMENTS))] if rng.random() < TEXT_SHARE else []
    if not q.required and rng.random() < 0.15:
        return []
    if kind is QuestionKind.SINGLE:
        return [(0, _pickers(q)(rng), None, None)]
    if kind is QuestionKind.SCALE:
        return [(0, None, SCALE(rng), None)]
    if kind is QuestionKind.YES_NO:
        return [(0, None, int(rng.random() < 0.62), None)]
    k = rng.randint(1, q.max_choices) if kind is QuestionKind.MULTIPLE else len(q.option_ids)
    chosen = _weighted_sample(rng, q.option_ids, q.weights, k)
    if kind is QuestionKind.MULTIPLE:
        return [(seq, o, None, None) for seq, o in enumerate(sorted(chosen))]
    return [(seq, o, seq + 1, None) for seq, o in enumerate(chosen)]


_PICKERS: dict = {}


def _pickers(q: Asked) -> Picker:
    if q.id not in _PICKERS:
        _PICKERS[q.id] = q.pick
    return _PICKERS[q.id]


def _weighted_sample(rng, items, weights, k) -> list:
    """k distinct items, each draw weighted (Efraimidis-Spirakis keys), in draw order."""
    keyed = sorted(zip(items, weights, strict=True), key=lambda iw: -(rng.random() ** (1 / iw[1])))
    return [item for item, _w in keyed[:k]]


def pb_choice(rng: random.Random, ballot: Ballot) -> list[int]:
    """The project ids of one vote: up to max_choices (approval), or what fits (knapsack)."""
    ids = [pid for pid, _cost in ballot.projects]
    if ballot.rule is BallotRule.APPROVAL:
        return sorted(
            _weighted_sample(rng, ids, ballot.weights, rng.randint(1, ballot.max_choices))
        )
    costs = dict(ballot.projects)
    chosen, left = [], ballot.amount
    for pid in _weighted_sample(rng, ids, ballot.weights, rng.randint(1, len(ids))):
        if costs[pid] <= left:
            chosen.append(pid)
            left -= costs[pid]
    return sorted(chosen)


def _territory(rng) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if db.session.execute(db.select(Colonia.id).limit(1)).first() is None:
        for name, rows in TERRITORY.items():
            delegacion = Delegacion(name=name)
            delegacion.colonias = [Colonia(name=c, population=p) for c, p in rows]
            db.session.add(delegacion)
        db.session.flush()
    colonias = db.session.execute(db.select(Colonia).order_by(Colonia.id)).scalars().all()
    return tuple(c.id for c in colonias), tuple(c.population for c in colonias)


def _staff() -> User:
    staff = db.session.execute(db.select(User).where(User.role == Role.STAFF)).scalars().first()
    if staff is None:
        staff = User(name="Personal (bench)", email="personal@bench.participa.local")
        staff.password_hash, staff.role = "!", Role.STAFF  # cannot log in
        db.session.add(staff)
        db.session.flush()
    return staff


def _process(kind, title, staff, today, days, published) -> Process:
    start = today - timedelta(days=days + (3 if published else -1 - days // 2))
    process = Process(
        type=kind,
        status=ProcessStatus.RESULTS_PUBLISHED if published else ProcessStatus.OPEN,
        created_by_id=staff.id,
        title=title,
        description="Datos sintéticos del banco de pruebas (bench/generate.py).",
        min_age=15,
    )
    process.phases = [Phase(name="Votación", starts_on=start, ends_on=start + timedelta(days - 1))]
    db.session.add(process)
    db.session.flush()
    return process


def _questions(rng, process) -> tuple[Asked, ...]:
    asked = []
    for position, (kind, text, options, max_choices, required) in enumerate(QUESTIONS, 1):
        question = Question(process_id=process.id, position=position, kind=kind, text=text)
        question.required, question.max_choices = required, max_choices
        question.options = [Option(label=f"Opción {i + 1}", position=i) for i in range(options)]
        db.session.add(question)
        db.session.flush()
        ids = tuple(o.id for o in question.options)
        asked.append(Asked(question.id, kind, ids, zipf(len(ids), rng), max_choices, required))
    return tuple(asked)


def _ballots(rng, process) -> tuple[Ballot, ...]:
    city = PbBallot(process_id=process.id, name="Todo el municipio", amount=12_000_000)
    city.rule, city.min_choices = BallotRule.KNAPSACK, 1
    zone = PbBallot(process_id=process.id, name="Obras de barrio", amount=3_000_000)
    zone.rule, zone.min_choices, zone.max_choices = BallotRule.APPROVAL, 1, 3
    made = []
    for ballot, rows in ((city, CITY_PROJECTS), (zone, NORTH_PROJECTS)):
        ballot.projects = [
            PbProject(title=t, category=c, estimated_cost=cost, cost=cost, description=d)
            for t, c, cost, d in rows
        ]
        for project in ballot.projects:
            project.status = ProjectStatus.FEASIBLE
        db.session.add(ballot)
        db.session.flush()
        costs = tuple((p.id, p.cost) for p in ballot.projects)
        made.append(
            Ballot(
                ballot.id,
                ballot.rule,
                ballot.amount,
                costs,
                zipf(len(costs), rng),
                ballot.max_choices,
            )
        )
    return tuple(made)


def structure(rng: random.Random, now: datetime, published: bool) -> City:
    """Create the territory (when empty), the consultation and the PB process; commit."""
    today = (now - timedelta(hours=6)).date()
    colonia_ids, weights = _territory(rng)
    staff = _staff()
    days = 14
    consultation = _process(
        ProcessType.CONSULTA, "Consulta sintética", staff, today, days, published
    )
    budget = _process(
        ProcessType.PRESUPUESTO, "Presupuesto sintético", staff, today, days, published
    )
    questions, ballots = _questions(rng, consultation), _ballots(rng, budget)
    started = (today - consultation.phases[0].starts_on).days
    db.session.commit()
    return City(
        today,
        consultation.id,
        budget.id,
        questions,
        ballots,
        colonia_ids,
        weights,
        voting_days=min(days, started + 1),
        voting_started_days_ago=started,
    )


def save_outcomes(made: City) -> None:
    """Count the ballots and store the count, as the close of voting does (Equal Shares reads
    every vote: a minute or more at a million), then save and publish each ballot's count by
    its own rule, as staff would before publishing."""
    count_here(made.pb_process_id, [ballot.id for ballot in made.ballots], utcnow())
    for ballot in made.ballots:
        row = db.session.get(PbBallot, ballot.id)
        counted = count(row, row.counting_rule)
        winners = "[" + ", ".join(str(w) for w in counted.winners) + "]"
        db.session.add(
            PbOutcome(ballot_id=row.id, rule=counted.rule, winners=winners, published=True)
        )
    db.session.commit()
