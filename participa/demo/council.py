"""Demo council: seven members, two sessions with approved minutes, the next one convened."""

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import get_timezone

from participa.auth.models import Role, User
from participa.council import agreements, minutes, operations, sessions
from participa.council.models import (
    AgreementStatus,
    CouncilMember,
    OperationKind,
    OperationStatus,
    Position,
    Presence,
    SessionKind,
)
from participa.extensions import db
from participa.territory.models import Delegacion

MEMBERS = [  # (name, position, delegación or None)
    ("María Elena Ruiz Cárdenas", Position.PRESIDENT, "Cabecera Municipal"),
    ("Jorge Alberto Méndez Soto", Position.TECHNICAL_SECRETARY, None),
    ("Consejera del CMPC", Position.CITIZEN_COUNCILLOR, "Delegación Norte"),
    ("Rosa Isela Navarro Gómez", Position.CITIZEN_COUNCILLOR, "Delegación Sur"),
    ("Felipe de Jesús Ramírez Lara", Position.CITIZEN_COUNCILLOR, "Delegación Oriente"),
    ("Guadalupe Torres Aceves", Position.CITIZEN_COUNCILLOR, "Agencia Los Ocotes"),
    ("Ing. Ricardo Pérez Villaseñor", Position.GOVERNMENT_COUNCILLOR, None),
]
MINUTES = (
    "Siendo las 11:00 horas se abrió la sesión con la presencia de la mayoría de las y los "
    "integrantes.\n\n**Asuntos tratados:**\n\n- Informe de la Jefatura de Participación "
    "Ciudadana.\n- Revisión de los resultados de la consulta.\n\nSe cerró la sesión a las "
    "12:40 horas."
)


def _members(today: date) -> list[CouncilMember]:
    delegaciones = {d.name: d for d in db.session.execute(db.select(Delegacion)).scalars()}
    # Council accounts (consejo@ and the works demo's consejero2@ … consejera5@) by name.
    accounts = {
        u.name: u
        for u in db.session.execute(db.select(User).where(User.role == Role.COUNCIL)).scalars()
    }
    made = []
    for name, position, delegacion in MEMBERS:
        member = CouncilMember(
            name=name,
            position=position,
            delegacion=delegaciones.get(delegacion),
            term_start=today - timedelta(days=365),
            term_end=today + timedelta(days=730),
        )
        if name in accounts:
            member.user_id = accounts[name].id
        made.append(member)
    db.session.add_all(made)
    db.session.commit()
    return made


def _at(day: date) -> datetime:
    return get_timezone().localize(datetime.combine(day, time(11, 0))).astimezone(UTC)


def _held(staff, members, day: date, absent: int, texts) -> list:
    tz = get_timezone()
    session = sessions.create_session(staff, SessionKind.ORDINARY, _at(day), "Sala de Cabildo", tz)
    sessions.add_item(staff, session, sessions.ItemData("Informe de la Jefatura"))
    marks = {
        m.id: Presence.ABSENT if i < absent else Presence.PRESENT
        for i, m in enumerate(reversed(members))
    }
    sessions.record_attendance(staff, session, marks, tz)
    now = _at(day) + timedelta(hours=2)
    made = [
        agreements.add_agreement(
            staff, session, agreements.AgreementData(text, None, owner, due), 0.5, tz, now
        )
        for text, owner, due in texts
    ]
    sessions.mark_held(staff, session)
    minutes.save_draft(staff, session, MINUTES)
    minutes.approve_minutes(staff, session, now + timedelta(days=1))
    for kind, cents, text in (
        (OperationKind.FUEL, 60000, "Vales de combustible para consejeras de Los Ocotes"),
        (OperationKind.REFRESHMENTS, 145050, "Refrigerio para la sesión"),
    ):
        data = operations.OperationData(kind, None, text, cents)
        request = operations.add_request(staff, session, data, day, now)
        operations.set_status(staff, request, OperationStatus.APPROVED, now)
    return made


def council(staff, today: date) -> None:
    """The council with its members, two past sessions, their agreements and the next one."""
    members = _members(today)
    first = _held(
        staff,
        members,
        today - timedelta(days=45),
        absent=1,
        texts=[
            (
                "Solicitar a Obras Públicas el calendario de bacheo.",
                "Obras Públicas",
                today - timedelta(days=5),
            ),
            (
                "Publicar los resultados de la consulta en las delegaciones.",
                "Comunicación Social",
                today - timedelta(days=20),
            ),
        ],
    )
    second = _held(
        staff,
        members,
        today - timedelta(days=15),
        absent=2,
        texts=[
            (
                "Visitar la colonia Los Ocotes para revisar el pozo.",
                "Agua Potable",
                today + timedelta(days=30),
            ),
        ],
    )
    now = _at(today)
    agreements.update_status(staff, first[1], AgreementStatus.DONE, "Carteles colocados.", now)
    agreements.update_status(
        staff, second[0], AgreementStatus.IN_PROGRESS, "Visita agendada con la dirección.", now
    )
    upcoming = sessions.create_session(
        staff,
        SessionKind.ORDINARY,
        _at(today + timedelta(days=15)),
        "Sala de Cabildo",
        get_timezone(),
    )
    sessions.add_item(
        staff, upcoming, sessions.ItemData("Priorización de obras 2027", presenter="Jefatura")
    )
