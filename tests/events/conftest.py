"""Event tests read pages and messages in English (their msgids), as the budget tests do."""

from datetime import timedelta

import pytest
from flask import current_app
from flask_babel import gettext, ngettext
from markupsafe import escape

from participa.auth.models import Role
from participa.core.timeutil import utcnow
from participa.events.models import Event
from participa.extensions import db
from participa.processes.types import ProcessStatus, ProcessType
from tests.factories import login


@pytest.fixture(autouse=True)
def english_messages(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


def say(msgid: str, plural: str | None = None, num: int | None = None, **values) -> str:
    """A message as a page shows it: translated and HTML-escaped."""
    with current_app.test_request_context():
        if plural:
            text = ngettext(msgid, plural, num, **values)
        else:
            text = gettext(msgid, **values, **({"num": num} if num is not None else {}))
    return str(escape(text))


def new_event(process, *, days: float = 7, hours: float = 2, **fields) -> Event:
    """An event of `process` starting in `days` days, lasting `hours` hours."""
    starts = utcnow().replace(microsecond=0) + timedelta(days=days)
    event = Event(
        process_id=process.id,
        title=fields.pop("title", "Sesión de ayuntamiento abierto"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        place=fields.pop("place", "Salón de cabildo, Presidencia Municipal"),
        **fields,
    )
    db.session.add(event)
    db.session.commit()
    return event


@pytest.fixture
def colonias(make):
    return make.territory()


@pytest.fixture
def process(make):
    return make.process(
        ProcessStatus.PUBLISHED, type=ProcessType.AYUNTAMIENTO_ABIERTO, title="Ayuntamiento abierto"
    )


@pytest.fixture
def event(process):
    return new_event(process, capacity=2)


@pytest.fixture
def residents(make, colonias):
    """Five residents of Centro."""
    return [make.user(colonia=colonias["Centro"]) for _ in range(5)]


@pytest.fixture
def staff_user(make):
    return make.user(Role.STAFF)


@pytest.fixture
def staff(client, staff_user):
    assert login(client, staff_user.email).status_code == 302
    return staff_user
