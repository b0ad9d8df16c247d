"""Demo participatory budget: a city-wide budget ballot and a zone ballot, open for voting."""

from datetime import timedelta

from participa.budgets.models import BallotRule, PbBallot, PbProject, ProjectStatus
from participa.core.numbers import money
from participa.extensions import db
from participa.processes.models import Phase, Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.territory.models import Colonia, Delegacion

CITY_AMOUNT, NORTH_AMOUNT = 12_000_000, 3_000_000  # the description says their sum
# (title, category, cost in pesos, description)
CITY_PROJECTS = [
    (
        "Rehabilitación del mercado municipal",
        "Infraestructura",
        4_500_000,
        "Techos, drenaje y baños nuevos para los 120 locales del mercado.",
    ),
    (
        "Luminarias LED en avenidas principales",
        "Seguridad",
        2_800_000,
        "Cambiar 900 luminarias por LED en las cinco avenidas con más accidentes nocturnos.",
    ),
    (
        "Ciclovía Centro–La Estación",
        "Movilidad",
        3_200_000,
        "Cuatro kilómetros de ciclovía confinada entre el centro y la antigua estación.",
    ),
    (
        "Clínica veterinaria municipal",
        "Salud",
        1_900_000,
        "Esterilización y vacunación a bajo costo para perros y gatos.",
    ),
    (
        "Biblioteca digital en la Casa de la Cultura",
        "Educación",
        850_000,
        "Computadoras, internet y talleres de alfabetización digital.",
    ),
    (
        "Parque lineal del arroyo",
        "Medio ambiente",
        3_600_000,
        "Limpieza del cauce, andadores, árboles nativos y bancas.",
    ),
    (
        "Cruces seguros en escuelas",
        "Movilidad",
        1_200_000,
        "Pasos peatonales elevados y señalización en 15 primarias.",
    ),
    (
        "Centro comunitario para personas mayores",
        "Desarrollo social",
        2_400_000,
        "Comedor, actividades y atención médica básica para personas mayores.",
    ),
]
NORTH_PROJECTS = [
    (
        "Pavimentación de la calle Jacarandas",
        "Infraestructura",
        1_400_000,
        "Pavimento hidráulico y banquetas en 600 metros.",
    ),
    (
        "Cancha de usos múltiples en Valle Verde",
        "Deporte",
        900_000,
        "Cancha techada con iluminación para fútbol rápido y básquetbol.",
    ),
    (
        "Colector pluvial en Lomas del Norte",
        "Agua",
        1_700_000,
        "Evitar las inundaciones de cada temporada de lluvias.",
    ),
    (
        "Huertos urbanos en Tabachines",
        "Medio ambiente",
        350_000,
        "Diez huertos comunitarios con riego por goteo y capacitación.",
    ),
    (
        "Alarmas vecinales en El Mirador",
        "Seguridad",
        480_000,
        "Alarmas conectadas a la comisaría en 40 cuadras.",
    ),
]


def _projects(rows) -> list[PbProject]:
    return [
        PbProject(
            title=title,
            category=category,
            estimated_cost=cost,
            cost=cost,
            description=description,
            status=ProjectStatus.FEASIBLE,
            review_reason="Viable: el área técnica validó el costo y el predio.",
        )
        for title, category, cost, description in rows
    ]


def open_budget(staff, today) -> Process:
    """A PB process in its voting phase, with reviewed projects in two ballots."""
    process = Process(
        type=ProcessType.PRESUPUESTO,
        status=ProcessStatus.OPEN,
        created_by_id=staff.id,
        title="Presupuesto participativo 2027",
        description=(
            f"Tú decides en qué se invierten {money(CITY_AMOUNT + NORTH_AMOUNT)} del presupuesto "
            "2027.\n\n"
            "Vota en la boleta de todo el municipio y, si vives en la Delegación Norte, "
            "también en la de tu delegación."
        ),
        min_age=15,
    )
    process.phases = [
        Phase(
            name="Propuestas",
            starts_on=today - timedelta(days=60),
            ends_on=today - timedelta(days=31),
        ),
        Phase(
            name="Revisión técnica",
            starts_on=today - timedelta(days=30),
            ends_on=today - timedelta(days=6),
        ),
        Phase(
            name="Votación", starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=16)
        ),
        Phase(
            name="Resultados y ejecución",
            starts_on=today + timedelta(days=17),
            ends_on=today + timedelta(days=380),
            announces_results=True,
        ),
    ]
    db.session.add(process)
    db.session.flush()
    city = PbBallot(
        process_id=process.id,
        name="Todo el municipio",
        amount=CITY_AMOUNT,
        rule=BallotRule.KNAPSACK,
        min_choices=1,
        min_share_percent=0,
    )
    city.projects = _projects(CITY_PROJECTS) + [
        PbProject(
            title="Teleférico al cerro",
            category="Movilidad",
            estimated_cost=95_000_000,
            status=ProjectStatus.UNFEASIBLE,
            review_reason="No viable: su costo supera ocho veces el monto disponible.",
        ),
    ]
    north = PbBallot(
        process_id=process.id,
        name="Delegación Norte",
        amount=NORTH_AMOUNT,
        rule=BallotRule.APPROVAL,
        min_choices=1,
        max_choices=3,
    )
    north.colonias = list(
        db.session.execute(
            db.select(Colonia).join(Delegacion).where(Delegacion.name == "Delegación Norte")
        ).scalars()
    )
    north.projects = _projects(NORTH_PROJECTS)
    db.session.add_all([city, north])
    return process
