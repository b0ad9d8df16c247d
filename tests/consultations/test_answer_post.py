"""The confirmed answer POST, statement by statement: one read, one write, nothing after.

The user, then the process with its rule and the resident's scope facts, then the questions
with their options; then the participation, the response and its answers (one statement on
PostgreSQL). Whether the resident answered already is the unique constraint's answer.
"""

import pytest
import sqlalchemy as sa

from participa.consultations import answering
from participa.consultations.models import Participation, Response
from participa.core.errors import NotAllowed
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import ScopeKind
from tests import factories
from tests.consultations.test_answering import Layout, stored
from tests.statements import log_in, post_recorded, reads_after_writes, touching

SQLITE_STATEMENTS = 6  # user, process + standing, questions + options, 3 INSERTs
POSTGRES_STATEMENTS = 4  # the same reads, the 3 INSERTs as one statement


def resident_with_consultation(app, *, csrf: bool):
    make = factories.Factories()
    user = make.user(colonia=make.territory()["Centro"])
    layout = Layout(make.consultation())
    client = app.test_client()
    log_in(client, user, csrf=csrf)
    return client, layout


def confirm(client, layout, *, csrf: bool):
    path = f"/procesos/{layout.process.id}/responder"
    data = layout.form(step="confirm")
    return post_recorded(client, path, data, csrf=csrf)


@pytest.mark.sqlite_only  # the SQLite shape; the PostgreSQL one is tested below
def test_a_confirmed_answer_reads_once_and_writes_without_reading_again(csrf_app):
    client, layout = resident_with_consultation(csrf_app, csrf=True)
    done, statements = confirm(client, layout, csrf=True)
    assert done.status_code == 302 and stored() == (1, 1, 8)
    assert len(statements) <= SQLITE_STATEMENTS, statements
    assert len(touching(statements, "process_eligibility")) == 1  # read with the process
    assert len(touching(statements, "question")) == 1  # with the options, one statement
    assert [s[:27] for s in touching(statements, "participation")] == [
        "INSERT INTO participation ("
    ]
    assert reads_after_writes(statements) == []


def test_a_second_confirmation_is_refused_by_the_constraint(app):
    client, layout = resident_with_consultation(app, csrf=False)
    assert confirm(client, layout, csrf=False)[0].status_code == 302
    again, statements = confirm(client, layout, csrf=False)
    assert again.status_code == 409 and stored() == (1, 1, 8)
    assert not [s for s in statements if s.startswith("SELECT participation")]


def test_the_service_keeps_the_booths_refusal(app, make):
    territory = make.territory()
    user = make.user(colonia=territory["Sauces"])
    process = make.consultation(scope=ScopeKind.COLONIAS)
    process.colonias = [territory["Centro"]]
    db.session.commit()
    layout = Layout(process)
    booth = answering.open_booth(process.id, user, factories.municipal_today())
    assert booth.problem is not None and booth.questions == []
    with pytest.raises(NotAllowed):
        answering.submit(booth, layout.answers(), now=utcnow(), max_text=99)
    assert stored() == (0, 0, 0)


@pytest.mark.postgres
def test_on_postgresql_the_three_inserts_are_one_statement(pg_app):
    client, layout = resident_with_consultation(pg_app, csrf=False)
    done, statements = confirm(client, layout, csrf=False)
    assert done.status_code == 302 and stored() == (1, 1, 8)
    assert len(statements) <= POSTGRES_STATEMENTS, statements
    (write,) = [s for s in statements if "INSERT" in s]
    assert write.startswith("WITH") and write.count("INSERT INTO") == 3
    # Every column was given: a CTE applies no Python-side default (folded would be NULL).
    participation = db.session.execute(sa.select(Participation)).scalar_one()
    response = db.session.execute(sa.select(Response)).scalar_one()
    assert participation.folded is False and participation.created_at is not None
    assert response.folded is False and "channel" not in Response.__table__.c
    again, _statements = confirm(client, layout, csrf=False)
    assert again.status_code == 409 and stored() == (1, 1, 8)
