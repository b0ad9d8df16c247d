"""Demo citizen audit and popular collaboration: watched works, findings, pledges, deliveries."""

from datetime import UTC, datetime, time, timedelta

from participa.auth.models import Role, User
from participa.budgets.models import PbProject
from participa.collaboration.models import Delivery, Pledge, PledgeKind
from participa.extensions import db
from participa.oversight.models import (
    Finding,
    FindingAnswer,
    FindingStatus,
    WatchedWork,
    WorkKind,
)
from participa.processes.models import Phase, Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.territory.models import Colonia


def seed(staff, today) -> None:
    citizen_audit(staff, today)
    popular_collaboration(staff, today)


def _at(today, days_ago: int) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(17, 30), tzinfo=UTC)


def _colonia(name: str) -> Colonia:
    return db.session.execute(db.select(Colonia).where(Colonia.name == name)).scalar_one()


def _process(staff, today, type_, title, description) -> Process:
    process = Process(
        type=type_,
        status=ProcessStatus.OPEN,
        created_by_id=staff.id,
        title=title,
        description=description,
        phases=[
            Phase(
                name="Participación",
                starts_on=today - timedelta(days=20),
                ends_on=today + timedelta(days=40),
            )
        ],
    )
    db.session.add(process)
    db.session.flush()
    return process


def citizen_audit(staff, today) -> Process:
    """An open audit of two works, one of them a PB project, with findings; one answered."""
    process = _process(
        staff,
        today,
        ProcessType.AUDITORIA,
        "Auditoría ciudadana de obra pública 2026",
        "Vigila con nosotros las obras del municipio: reporta lo que veas y la dirección "
        "responsable te responderá aquí mismo.",
    )
    park = db.session.execute(
        db.select(PbProject).where(PbProject.title == "Parque lineal del arroyo")
    ).scalar()
    street = WatchedWork(
        process_id=process.id,
        kind=WorkKind.WORK,
        name="Pavimentación de la calle Morelos",
        description="Concreto hidráulico en **800 metros** de la calle Morelos, con banquetas "
        "y rampas.\n\n- Inicio: septiembre\n- Término previsto: febrero",
        colonia_id=_colonia("Centro").id,
        responsible_area="Dirección de Obras Públicas",
        budget=6_400_000,
    )
    linear_park = WatchedWork(
        process_id=process.id,
        kind=WorkKind.WORK,
        name="Parque lineal del arroyo",
        description="Obra del presupuesto participativo: andadores, árboles nativos y bancas.",
        colonia_id=_colonia("Las Huertas").id,
        responsible_area="Dirección de Medio Ambiente",
        budget=3_600_000,
        pb_project_id=park.id if park else None,
    )
    db.session.add_all([street, linear_park])
    db.session.flush()
    resident = db.session.execute(db.select(User).where(User.role == Role.CITIZEN)).scalar()
    findings = [
        Finding(
            work_id=street.id,
            author_id=resident.id,
            title="Banqueta sin rampa frente a la escuela",
            text="La banqueta nueva frente a la primaria **no tiene rampa** para sillas de ruedas.",
            location="Morelos 214, frente a la Escuela Benito Juárez",
            latitude=20.6591,
            longitude=-103.3489,
            status=FindingStatus.ANSWERED,
            created_at=_at(today, 12),
        ),
        Finding(
            work_id=street.id,
            author_id=resident.id,
            title="Obra detenida desde hace dos semanas",
            text="No hay trabajadores desde hace dos semanas y la calle sigue abierta.",
            location="Morelos entre Hidalgo y Juárez",
            status=FindingStatus.IN_REVIEW,
            created_at=_at(today, 5),
        ),
        Finding(
            work_id=linear_park.id,
            author_id=resident.id,
            title="Árboles plantados sin riego",
            text="Los árboles del tramo norte se están secando; no se ve sistema de riego.",
            location="Andador norte, junto al puente",
            created_at=_at(today, 2),
        ),
    ]
    findings[0].answers = [
        FindingAnswer(
            version=1,
            text="Gracias por el reporte. La rampa se construirá la próxima semana.",
            author_id=staff.id,
            created_at=_at(today, 10),
        ),
        FindingAnswer(
            version=2,
            text="La rampa quedó construida el día 8; la supervisión la revisó y cumple la norma.",
            author_id=staff.id,
            created_at=_at(today, 3),
        ),
    ]
    db.session.add_all(findings)
    return process


# (work, person or None for the demo resident, colonia, kind, quantity, material, unit, delivered)
PLEDGES = [
    (0, None, "Centro", PledgeKind.MONEY, 2_000, "", "", 2_000),
    (0, "Don Julián Ramírez", "San Juan", PledgeKind.LABOUR, 24, "", "", 10),
    (
        0,
        "Ferretería La Esperanza",
        "Centro",
        PledgeKind.MATERIALS,
        40,
        "Cemento gris",
        "bultos",
        25,
    ),
    (0, "Comité vecinal de San Juan", "San Juan", PledgeKind.MONEY, 15_000, "", "", 0),
    (1, None, "Centro", PledgeKind.LABOUR, 8, "", "", 0),
    (1, "María Elena Torres", "Valle Verde", PledgeKind.MONEY, 5_000, "", "", 3_000),
    (1, "Grupo scout 14", "Valle Verde", PledgeKind.MATERIALS, 30, "Árboles nativos", "piezas", 30),
]


def popular_collaboration(staff, today) -> Process:
    """An open collaboration with two works, pledges of every kind and some deliveries."""
    process = _process(
        staff,
        today,
        ProcessType.COLABORACION,
        "Colaboración popular: cancha y jardín vecinal",
        "Aporta dinero, materiales o tu trabajo para dos obras priorizadas por el consejo. "
        "Publicamos lo comprometido y lo entregado.",
    )
    works = [
        WatchedWork(
            process_id=process.id,
            name="Techado de la cancha de San Juan",
            description="Estructura metálica y lámina para la cancha de usos múltiples.",
            colonia_id=_colonia("San Juan").id,
            responsible_area="Dirección de Obras Públicas",
            budget=850_000,
        ),
        WatchedWork(
            process_id=process.id,
            name="Jardín vecinal de Valle Verde",
            description="Rescate del terreno baldío de la calle Pino como jardín vecinal.",
            colonia_id=_colonia("Valle Verde").id,
            responsible_area="Dirección de Parques y Jardines",
            budget=320_000,
        ),
    ]
    db.session.add_all(works)
    db.session.flush()
    resident = db.session.execute(db.select(User).where(User.role == Role.CITIZEN)).scalar()
    for days, (work, person, colonia, kind, quantity, material, unit, given) in enumerate(PLEDGES):
        pledge = Pledge(
            work_id=works[work].id,
            user_id=resident.id if person is None else None,
            person_name=person or "",
            recorded_by_id=staff.id if person else None,
            colonia_id=_colonia(colonia).id,
            kind=kind,
            quantity=quantity,
            material=material,
            unit=unit,
            created_at=_at(today, 15 - days),
        )
        if given:
            pledge.deliveries = [
                Delivery(
                    quantity=given, delivered_on=today - timedelta(days=3), recorded_by_id=staff.id
                )
            ]
        db.session.add(pledge)
    return process
