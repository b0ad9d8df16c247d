"""Simultaneous corrections of approved minutes: one new version, the others told to reload."""

from collections import Counter

import pytest

from participa.auth.models import Role
from participa.council import minutes, sessions
from participa.council.models import MinutesVersion
from participa.extensions import db
from tests import factories
from tests.council.conftest import NOW, convene
from tests.race import simultaneous_posts

ATTEMPTS = 12


def race(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    make = factories.Factories()
    staff = make.user(Role.STAFF)
    session = convene(staff)
    sessions.mark_held(staff, session)
    minutes.save_draft(staff, session, "Texto aprobado.")
    minutes.approve_minutes(staff, session, NOW)
    path = f"/gestion/consejo/sesiones/{session.id}/acta/corregir"
    data = {"text": "Texto corregido.", "reason": "Errata en la hora."}
    session_id = session.id
    statuses, pages = simultaneous_posts(app, staff.email, path, data, ATTEMPTS)
    assert statuses == Counter({302: 1, 400: ATTEMPTS - 1}), statuses
    refused = ("Reload the page and try again.", "The text is the same as the current version.")
    told = [page for page in pages if any(message in page for message in refused)]
    assert len(told) == ATTEMPTS - 1
    db.session.expire_all()
    versions = db.session.execute(
        db.select(MinutesVersion.number, MinutesVersion.text)
        .where(MinutesVersion.session_id == session_id)
        .order_by(MinutesVersion.number)
    ).all()
    assert [tuple(v) for v in versions] == [(1, "Texto aprobado."), (2, "Texto corregido.")]


def test_simultaneous_corrections_make_one_version_sqlite(app):
    race(app)


@pytest.mark.postgres
def test_simultaneous_corrections_make_one_version_postgres(pg_app):
    race(pg_app)
