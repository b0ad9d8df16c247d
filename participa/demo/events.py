"""Demo events: an upcoming open town hall with registrations and questions, and a past
assembly with its attendance, published minutes, agreements and a vote by show of hands."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from participa.auth.models import Role, User
from participa.events.models import (
    Attendance,
    Event,
    EventAgreement,
    EventQuestion,
    HandVote,
    Minutes,
    QuestionSupport,
    Registration,
    RegistrationStatus,
)
from participa.extensions import db
from participa.processes.models import Phase, Process
from participa.processes.types import ProcessStatus, ProcessType
from participa.tally import age_band

TOWN_HALL_TITLE = "Ayuntamiento abierto: seguridad y alumbrado público"
TOWN_HALL_EVENT = "Sesión de cabildo abierto en la Cabecera Municipal"
ASSEMBLY_TITLE = "Asamblea ciudadana de Valle Verde"
ZONE = ZoneInfo("America/Mexico_City")
QUESTIONS = [
    "¿Cuándo se van a reparar las luminarias de la calle Hidalgo?",
    "Pedimos más rondines de la policía en las noches, sobre todo cerca de la secundaria.",
    "¿Qué presupuesto tiene el municipio este año para alumbrado en colonias de la orilla?",
]


def _local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE).astimezone(UTC)


def _neighbours(count: int) -> list[User]:
    """Synthetic residents the consultation demo made (they cannot log in), the first ones."""
    query = (
        db.select(User)
        .where(User.role == Role.CITIZEN, User.email.like("%@demo.participa.local"))
        .order_by(User.id)
        .limit(count)
    )
    return list(db.session.execute(query).scalars())


def upcoming_town_hall(staff, today: date, people: list[User]) -> Process:
    process = Process(
        type=ProcessType.AYUNTAMIENTO_ABIERTO,
        status=ProcessStatus.OPEN,
        created_by_id=staff.id,
        title=TOWN_HALL_TITLE,
        description=(
            "El cabildo sesiona en público para escuchar a vecinas y vecinos sobre seguridad y "
            "alumbrado.\n\nInscríbete para apartar tu lugar y envía tus preguntas antes."
        ),
        phases=[Phase(name="Sesión", starts_on=today + timedelta(9), ends_on=today + timedelta(9))],
    )
    db.session.add(process)
    db.session.flush()
    event = Event(
        process_id=process.id,
        title=TOWN_HALL_EVENT,
        starts_at=_local(today + timedelta(9), 18),
        ends_at=_local(today + timedelta(9), 20),
        place="Salón de cabildo, Presidencia Municipal, Plaza de Armas 1",
        capacity=40,
        agenda=(
            "1. Bienvenida y lista de asistencia\n2. Informe de seguridad pública\n"
            "3. **Preguntas de la ciudadanía**, en orden de apoyos\n4. Acuerdos"
        ),
    )
    db.session.add(event)
    db.session.flush()
    for person in people[:12]:
        db.session.add(
            Registration(event_id=event.id, user_id=person.id, status=RegistrationStatus.CONFIRMED)
        )
    for position, (author, text) in enumerate(zip(people, QUESTIONS, strict=False)):
        question = EventQuestion(event_id=event.id, author_id=author.id, text=text)
        db.session.add(question)
        db.session.flush()
        for supporter in people[3 : 3 + 5 - 2 * position]:
            db.session.add(QuestionSupport(question_id=question.id, user_id=supporter.id))
    return process


def past_assembly(staff, today: date, people: list[User]) -> Process:
    process = Process(
        type=ProcessType.ASAMBLEA,
        status=ProcessStatus.CLOSED,
        created_by_id=staff.id,
        title=ASSEMBLY_TITLE,
        description="Asamblea para decidir el uso de la cancha y el salón de usos múltiples.",
    )
    db.session.add(process)
    db.session.flush()
    day = today - timedelta(days=20)
    event = Event(
        process_id=process.id,
        title="Asamblea en el salón de usos múltiples",
        starts_at=_local(day, 11),
        ends_at=_local(day, 13),
        place="Salón de usos múltiples de Valle Verde",
        agenda="1. Lista de asistencia\n2. Horarios de la cancha\n3. Cuotas de mantenimiento",
    )
    db.session.add(event)
    db.session.flush()
    for person in people[12:30]:
        db.session.add(
            Attendance(
                event_id=event.id,
                user_id=person.id,
                curp=person.curp,
                name=person.name,
                colonia_id=person.colonia_id,
                age_band=age_band(person.birth_date, day),
                sex=person.sex,
                recorded_by_id=staff.id,
            )
        )
    for name in ("Don Ernesto", "Señora Chela"):
        db.session.add(Attendance(event_id=event.id, name=name, walk_in=True))
    db.session.add(
        Minutes(
            event_id=event.id,
            version=1,
            text=(
                "Se instaló la asamblea a las 11:10 con **20 personas** presentes.\n\n"
                "Se discutieron los horarios de la cancha y la cuota voluntaria de "
                "mantenimiento. Se tomaron los acuerdos que siguen."
            ),
            created_by_id=staff.id,
            published_at=_local(day + timedelta(2), 10),
        )
    )
    db.session.add_all(
        [
            EventAgreement(
                event_id=event.id,
                text=(
                    "La cancha queda abierta de 7 a 21 h; los sábados por la mañana, "
                    "para niñas y niños."
                ),
                owner="Comité vecinal de Valle Verde",
            ),
            EventAgreement(
                event_id=event.id,
                text="Cambiar las luminarias fundidas de la cancha.",
                owner="Dirección de Alumbrado Público",
                due_on=today + timedelta(days=30),
            ),
            HandVote(
                event_id=event.id,
                motion="Aprobar una cuota voluntaria de $20 al mes para el mantenimiento del salón",
                votes_for=14,
                votes_against=4,
                abstentions=2,
            ),
        ]
    )
    return process


def demo_events(staff, today: date) -> None:
    """Both demo processes with events (small and quick), with the demo's synthetic residents."""
    people = _neighbours(30)
    upcoming_town_hall(staff, today, people)
    past_assembly(staff, today, people)
