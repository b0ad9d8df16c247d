"""Demo of the office's own year: its plan for November and December (activities 1 to 8.1),
two requests to other offices, a month of advice given, and the guide pages."""

import random
from datetime import date, timedelta

from participa.core.timeutil import utcnow
from participa.council.models import CouncilSession
from participa.extensions import db
from participa.officeplan import advice, guides, plan, purchases
from participa.officeplan.models import (
    ActivityStatus,
    AdviceChannel,
    AdviceOutcome,
    AdviceTopic,
    LinkKind,
    Office,
    RequestStatus,
)
from participa.territory.models import Colonia

NOV, DEC = 11, 12
OFFICE = "Jefatura de Participación Ciudadana"
DONE, ON, TODO = ActivityStatus.DONE, ActivityStatus.IN_PROGRESS, ActivityStatus.PENDING
ACTIVITIES = [  # (number, title, start, end, owner, status)
    ("1", "Capacitación al Consejo Municipal de Participación Ciudadana", NOV, DEC, OFFICE, ON),
    (
        "1.1",
        "Gestionar el taller con la oficina regional de planeación del Estado",
        NOV,
        NOV,
        OFFICE,
        DONE,
    ),
    (
        "1.2",
        "Impartir el taller sobre los mecanismos de participación a consejeras y consejeros",
        NOV,
        DEC,
        "Subsecretaría de Planeación (oficina regional)",
        ON,
    ),
    (
        "2",
        "Presupuesto para la operación del consejo: vales, refrigerios y viáticos",
        NOV,
        NOV,
        "Proveeduría / Compras",
        DONE,
    ),
    ("3", "Reunión de presentación del consejo ante la población", NOV, NOV, OFFICE, DONE),
    (
        "3.1",
        "Priorizar necesidades y obras con los resultados de la consulta",
        NOV,
        NOV,
        "Consejo Municipal de Participación Ciudadana",
        TODO,
    ),
    (
        "4",
        "Reunión del consejo con el presidente municipal",
        DEC,
        DEC,
        "Presidencia Municipal",
        TODO,
    ),
    (
        "4.1",
        "Reunión con directoras y directores de área sobre las obras priorizadas",
        DEC,
        DEC,
        "Dirección de Obras Públicas",
        TODO,
    ),
    (
        "4.2",
        "Aprobar el cronograma de acciones de las prioridades",
        DEC,
        DEC,
        "Consejo Municipal de Participación Ciudadana",
        TODO,
    ),
    (
        "5",
        "Coordinación con el Fondo de Aportaciones para la Infraestructura Social (FAIS)",
        NOV,
        DEC,
        "Dirección de Planeación",
        ON,
    ),
    (
        "5.1",
        "Revisar qué obras priorizadas son elegibles para el FAIS",
        NOV,
        NOV,
        "Dirección de Planeación",
        TODO,
    ),
    ("6", "Elegir los mecanismos de participación del periodo", NOV, NOV, OFFICE, DONE),
    ("7", "Sesiones mensuales del consejo", NOV, DEC, "Secretaría Técnica del CMPC", ON),
    ("8", "Instalación de los consejos sociales de colonia", DEC, DEC, OFFICE, TODO),
    ("8.1", "Capacitar a los consejos sociales en seguimiento de obras", DEC, DEC, OFFICE, TODO),
]


def demo_office_year(staff, today: date) -> None:
    guides.seed_defaults(utcnow())
    work_plan = plan.create_plan(staff, today.year, f"Programa anual de trabajo {today.year}")
    made = {}
    for number, title, start, end, owner, status in ACTIVITIES:
        parent = made.get(number.rpartition(".")[0]) if "." in number else None
        data = plan.ActivityData(
            number, title, parent.id if parent else None, start, end, owner, status
        )
        made[number] = plan.add_activity(staff, work_plan, data)
    sessions = db.session.execute(db.select(CouncilSession.id)).scalars().all()
    for session_id in sessions:
        plan.add_link(staff, made["7"], LinkKind.SESSION, session_id, set(sessions))
    _requests(staff, today, made)
    _advice(staff, today)


def _requests(staff, today: date, made: dict) -> None:
    training = purchases.create_request(
        staff,
        purchases.RequestData(
            today.year,
            Office.PLANNING,
            "Taller de capacitación para el consejo",
            made["1.1"].id,
            None,
        ),
    )
    purchases.add_item(staff, training, "Taller de mecanismos de participación (4 horas)", "1", "0")
    purchases.add_item(
        staff, training, "Manuales impresos para consejeras y consejeros", "12", "85"
    )
    purchases.set_status(staff, training, RequestStatus.SENT, "", None)
    purchases.set_status(
        staff,
        training,
        RequestStatus.ANSWERED,
        "La oficina regional confirma el taller para la segunda quincena de noviembre.",
        date(today.year, NOV, 12),
    )
    supplies = purchases.create_request(
        staff,
        purchases.RequestData(
            today.year,
            Office.PURCHASING,
            "Material y refrigerio para la reunión de presentación",
            made["3"].id,
            None,
        ),
    )
    purchases.add_item(staff, supplies, "Refrigerio para asistentes", "80", "45.50")
    purchases.add_item(staff, supplies, "Lona impresa con el programa", "1", "1,250")
    purchases.set_status(staff, supplies, RequestStatus.SENT, "", None)


def _advice(staff, today: date) -> None:
    rng = random.Random(19)
    colonias = db.session.execute(db.select(Colonia.id).order_by(Colonia.id)).scalars().all()
    topics = list(AdviceTopic)
    for n in range(36):
        data = advice.AdviceData(
            given_on=today - timedelta(days=rng.randrange(0, 40)),
            topic=rng.choices(topics, weights=[6, 4, 5, 4, 2, 3, 2, 1])[0],
            colonia_id=rng.choice(colonias[:8]) if n % 6 else None,
            channel=rng.choice(list(AdviceChannel)),
            outcome=rng.choices(list(AdviceOutcome), weights=[6, 2, 2])[0],
            note="",
        )
        advice.add(staff, data, today)
