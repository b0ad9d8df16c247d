"""Factories for tests: small, explicit rows in the real database."""

import random
from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app

from participa.auth.models import Role, User
from participa.auth.services import create_account
from participa.consultations.models import Option, Question, QuestionKind
from participa.core.timeutil import local_today, utcnow
from participa.demo.people import make_curp
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.types import ProcessStatus, ProcessType, ScopeKind
from participa.territory.models import Colonia, Delegacion

PASSWORD = "contraseña-segura"
_rng = random.Random(7)


def curp_for(birth: date = date(1990, 5, 17), sex: str = "M") -> str:
    """A valid CURP (check digit and all) for this birth date and sex."""
    return make_curp(_rng, birth, sex)


class Factories:
    def __init__(self):
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def territory(self) -> dict[str, Colonia]:
        """Two delegaciones: Norte (Centro 1000, Lomas 500) and Sur (Sauces 2000)."""
        norte = Delegacion(name="Norte")
        norte.colonias = [
            Colonia(name="Centro", population=1000),
            Colonia(name="Lomas", population=500),
        ]
        sur = Delegacion(name="Sur", colonias=[Colonia(name="Sauces", population=2000)])
        db.session.add_all([norte, sur])
        db.session.commit()
        return {c.name: c for c in norte.colonias + sur.colonias}

    def user(
        self,
        role: Role = Role.CITIZEN,
        colonia: Colonia | None = None,
        birth: date = date(1990, 5, 17),
        sex: str = "M",
        email: str | None = None,
        confirmed: bool = True,
    ) -> User:
        """An account; its e-mail is confirmed unless `confirmed=False`."""
        n = self._next()
        fields = {"email_confirmed_at": utcnow() if confirmed else None}
        if role is Role.CITIZEN:
            fields |= {
                "curp": curp_for(birth, sex),
                "birth_date": birth,
                "sex": sex,
                "colonia_id": colonia.id if colonia else None,
            }
        user = create_account(
            name=f"Persona {n}",
            email=email or f"persona{n}@example.mx",
            password=PASSWORD,
            role=role,
            hash_method="pbkdf2:sha256:1000",
            **fields,
        )
        db.session.commit()
        return user

    def process(
        self,
        status: ProcessStatus = ProcessStatus.DRAFT,
        type: ProcessType = ProcessType.CONSULTA,
        **fields,
    ) -> Process:
        process = Process(
            type=type,
            status=status,
            title=fields.pop("title", "Consulta de prueba"),
            scope=fields.pop("scope", ScopeKind.MUNICIPALITY),
            **fields,
        )
        db.session.add(process)
        db.session.commit()
        return process

    def question(self, process: Process, kind: QuestionKind, options=(), **fields) -> Question:
        position = len(process_questions(process)) + 1
        question = Question(
            process_id=process.id,
            kind=kind,
            position=position,
            text=fields.pop("text", f"Pregunta {position}"),
            **fields,
        )
        question.options = [Option(label=label, position=i) for i, label in enumerate(options)]
        db.session.add(question)
        db.session.commit()
        return question

    def consultation(self, status: ProcessStatus = ProcessStatus.OPEN, **fields) -> Process:
        """An open consultation with one question of every kind (see `kinds`)."""
        process = self.process(status, **fields)
        self.question(process, QuestionKind.SINGLE, ["Agua", "Luz", "Calles"])
        self.question(
            process, QuestionKind.MULTIPLE, ["Parques", "Basura", "Camiones"], max_choices=2
        )
        self.question(process, QuestionKind.RANKING, ["A", "B", "C"], required=False)
        self.question(process, QuestionKind.SCALE)
        self.question(process, QuestionKind.YES_NO)
        self.question(process, QuestionKind.TEXT, required=False, max_length=50)
        return process


def process_questions(process: Process) -> list[Question]:
    query = db.select(Question).where(Question.process_id == process.id)
    return list(db.session.execute(query).scalars())


def login(client, email: str, password: str = PASSWORD):
    return client.post("/cuenta/entrar", data={"email": email, "password": password})


def municipal_today() -> date:
    """Today in the municipality's time zone, as the app sees it (not the machine's UTC day)."""
    return local_today(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
