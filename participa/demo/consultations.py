"""Demo consultations: one open with a question of every kind, one finished with answers."""

import secrets
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert
from werkzeug.security import generate_password_hash

from participa.auth.models import User
from participa.consultations.models import (
    Answer,
    Option,
    Participation,
    Question,
    QuestionKind,
    Response,
)
from participa.demo.people import random_person
from participa.extensions import db
from participa.processes.models import Phase, Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.receipts.services import new_receipt_code, receipt_hash
from participa.tally import age_band


def _question(kind, text, options=(), **fields) -> Question:
    question = Question(kind=kind, text=text, **fields)
    question.options = [Option(label=label, position=i) for i, label in enumerate(options)]
    return question


def open_consultation(staff, today) -> Process:
    process = Process(
        type=ProcessType.CONSULTA,
        status=ProcessStatus.OPEN,
        created_by_id=staff.id,
        title="¿Qué obras necesita tu colonia en 2027?",
        description=(
            "El Consejo Municipal de Participación Ciudadana quiere conocer las necesidades de "
            "cada colonia para priorizar las obras del próximo año.\n\nResponder toma cinco "
            "minutos. Tus respuestas son secretas: nadie puede saber qué contestaste."
        ),
        min_age=15,
    )
    process.phases = [
        Phase(
            name="Difusión", starts_on=today - timedelta(days=20), ends_on=today - timedelta(days=8)
        ),
        Phase(
            name="Consulta", starts_on=today - timedelta(days=7), ends_on=today + timedelta(days=21)
        ),
        Phase(
            name="Resultados",
            starts_on=today + timedelta(days=22),
            ends_on=today + timedelta(days=35),
            announces_results=True,
        ),
    ]
    db.session.add(process)
    db.session.flush()
    for position, question in enumerate(_works_questions(), start=1):
        question.process_id, question.position = process.id, position
        db.session.add(question)
    return process


def _works_questions() -> list[Question]:
    return [
        _question(
            QuestionKind.SINGLE,
            "¿Cuál es la necesidad más urgente de tu colonia?",
            ["Agua potable", "Drenaje", "Pavimentación", "Alumbrado público", "Seguridad"],
        ),
        _question(
            QuestionKind.MULTIPLE,
            "¿Qué servicios deben mejorar? Elige hasta tres.",
            [
                "Recolección de basura",
                "Parques",
                "Transporte",
                "Centros de salud",
                "Bibliotecas",
                "Deportivas",
            ],
            max_choices=3,
        ),
        _question(
            QuestionKind.RANKING,
            "Ordena estos proyectos del más al menos importante.",
            [
                "Rehabilitar el mercado",
                "Nueva unidad deportiva",
                "Ciclovía al centro",
                "Centro comunitario",
            ],
            required=False,
        ),
        _question(QuestionKind.SCALE, "¿Cómo calificas el alumbrado público de tu calle?"),
        _question(
            QuestionKind.YES_NO, "¿Estás de acuerdo con cerrar el centro a los autos los domingos?"
        ),
        _question(
            QuestionKind.TEXT,
            "¿Algo más que quieras decir al Consejo?",
            required=False,
            max_length=500,
        ),
    ]


def finished_consultation(staff, today) -> tuple[Process, list[Question]]:
    process = Process(
        type=ProcessType.CONSULTA,
        status=ProcessStatus.RESULTS_PUBLISHED,
        created_by_id=staff.id,
        title="Consulta sobre movilidad y espacio público 2026",
        description="Consulta cerrada. Sus resultados orientan el reglamento de movilidad.",
    )
    start = today - timedelta(days=90)
    process.phases = [
        Phase(name="Consulta", starts_on=start, ends_on=start + timedelta(days=20)),
        Phase(
            name="Resultados",
            starts_on=start + timedelta(days=25),
            ends_on=today,
            announces_results=True,
        ),
    ]
    questions = [
        _question(
            QuestionKind.SINGLE,
            "¿Cómo te mueves principalmente?",
            ["Camión", "Auto", "Bicicleta", "Caminando", "Motocicleta"],
        ),
        _question(
            QuestionKind.MULTIPLE,
            "¿Qué mejoras quieres en tu calle? Hasta dos.",
            ["Banquetas", "Cruces seguros", "Árboles", "Iluminación", "Reductores de velocidad"],
            max_choices=2,
        ),
        _question(
            QuestionKind.RANKING,
            "Ordena las prioridades de transporte.",
            ["Más rutas de camión", "Ciclovías", "Banquetas amplias", "Estacionamientos"],
        ),
        _question(QuestionKind.SCALE, "¿Qué tan seguro te sientes al cruzar la calle?"),
        _question(QuestionKind.YES_NO, "¿Apoyas la ciclovía en la avenida principal?"),
        _question(QuestionKind.TEXT, "Comentarios", required=False, max_length=500),
    ]
    db.session.add(process)
    db.session.flush()
    for position, question in enumerate(questions, start=1):
        question.process_id, question.position = process.id, position
        db.session.add(question)
    db.session.flush()
    return process, questions


COMMENTS = [
    "Faltan banquetas en la escuela.",
    "Los camiones tardan mucho.",
    "Gracias por preguntar.",
    "Necesitamos más luz en el parque.",
    "Cruce peligroso en la avenida.",
]


def synthetic_answers(rng, process, questions, colonias, today, count: int) -> None:
    """`count` residents who answered `process`, with realistic skews, inserted in bulk."""
    weights = [c.population for c in colonias]
    start = datetime.combine(today - timedelta(days=90), time(14), tzinfo=UTC)  # 8:00 in Jalisco
    people, participations, responses, answers = [], [], [], []
    password = generate_password_hash(secrets.token_hex(16), method="pbkdf2:sha256:1000")
    for n in range(count):
        person = random_person(rng, today)
        colonia = rng.choices(colonias, weights)[0]
        people.append(
            {
                **person,
                "email": f"vecino{n}@demo.participa.local",
                "role": "citizen",
                "password_hash": password,
                "colonia_id": colonia.id,
                "active": True,
            }
        )
        day = min(int(rng.expovariate(1 / 5)), 20)
        moment = start + timedelta(days=day, minutes=rng.randint(0, 13 * 60))
        participations.append(
            {
                "process_id": process.id,
                "voter_key": f"curp:{person['curp']}",
                "channel": "web",
                "created_at": moment,
                "colonia_id": colonia.id,
                "sex": person["sex"],
                "age_band": age_band(person["birth_date"], moment.date()),
            }
        )
        response_id = secrets.token_hex(16)
        responses.append(
            {
                "id": response_id,
                "process_id": process.id,
                "receipt_hash": receipt_hash(new_receipt_code()),
            }
        )
        answers += _random_answers(rng, response_id, questions)
    user_ids = db.session.execute(
        insert(User).returning(User.id, sort_by_parameter_order=True), people
    )
    for row, participation in zip(user_ids, participations, strict=True):
        participation["user_id"] = row.id
    db.session.execute(insert(Participation), participations)
    db.session.execute(insert(Response), responses)
    db.session.execute(insert(Answer), answers)


def _random_answers(rng, response_id, questions) -> list[dict]:
    rows = []
    for question in questions:
        options = [o.id for o in question.options]
        base = {
            "response_id": response_id,
            "question_id": question.id,
            "option_id": None,
            "value": None,
            "text": None,
        }
        kind = question.kind
        if kind is QuestionKind.SINGLE:
            picked = rng.choices(options, weights=range(len(options), 0, -1))[:1]
        elif kind is QuestionKind.MULTIPLE:
            picked = sorted(rng.sample(options, rng.randint(1, question.max_choices or 2)))
        elif kind is QuestionKind.RANKING:
            picked = rng.sample(options, len(options))
        else:
            picked = []
        for seq, option_id in enumerate(picked):
            rank = seq + 1 if kind is QuestionKind.RANKING else None
            rows.append({**base, "seq": seq, "option_id": option_id, "value": rank})
        if kind is QuestionKind.SCALE:
            rows.append(
                {**base, "seq": 0, "value": rng.choices([1, 2, 3, 4, 5], [1, 2, 4, 3, 2])[0]}
            )
        elif kind is QuestionKind.YES_NO:
            rows.append({**base, "seq": 0, "value": int(rng.random() < 0.62)})
        elif kind is QuestionKind.TEXT and rng.random() < 0.05:
            rows.append({**base, "seq": 0, "text": rng.choice(COMMENTS)})
    return rows
