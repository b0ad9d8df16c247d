"""Council tests read pages in English (the msgids); factories for members and sessions."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from participa.auth.models import Role
from participa.council import sessions
from participa.council.models import CouncilMember, Position, Presence, SessionKind
from participa.extensions import db
from tests.factories import login

TZ = ZoneInfo("America/Mexico_City")
NOW = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def english_messages(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


@pytest.fixture
def staff(make):
    return make.user(Role.STAFF)


@pytest.fixture
def colonias(make):
    return make.territory()


@pytest.fixture
def members(colonias):
    """Five current members (2027) and one whose term ended in 2026."""
    norte = colonias["Centro"].delegacion
    sur = colonias["Sauces"].delegacion
    rows = [
        ("Ana Presidenta", Position.PRESIDENT, norte),
        ("Beto Secretario", Position.TECHNICAL_SECRETARY, None),
        ("Carla Consejera", Position.CITIZEN_COUNCILLOR, norte),
        ("Dora Consejera", Position.CITIZEN_COUNCILLOR, sur),
        ("Eloy Regidor", Position.GOVERNMENT_COUNCILLOR, None),
    ]
    made = [
        CouncilMember(
            name=name,
            position=position,
            delegacion=delegacion,
            term_start=date(2026, 1, 1),
            term_end=date(2028, 12, 31),
        )
        for name, position, delegacion in rows
    ]
    made.append(
        CouncilMember(
            name="Fidel Anterior",
            position=Position.CITIZEN_COUNCILLOR,
            delegacion=sur,
            term_start=date(2023, 1, 1),
            term_end=date(2026, 6, 30),
        )
    )
    db.session.add_all(made)
    db.session.commit()
    return made


def convene(actor, when=datetime(2027, 3, 10, 17, 0, tzinfo=UTC), kind=SessionKind.ORDINARY):
    return sessions.create_session(actor, kind, when, "Sala de Cabildo", TZ)


def attend(actor, session, members, present: int):
    """Mark the first `present` current members present and the others absent."""
    current = [m for m in members if m.is_active(session.starts_at.astimezone(TZ).date())]
    marks = {
        m.id: Presence.PRESENT if i < present else Presence.ABSENT for i, m in enumerate(current)
    }
    sessions.record_attendance(actor, session, marks, TZ)


@pytest.fixture
def staff_client(client, staff):
    login(client, staff.email)
    return client
