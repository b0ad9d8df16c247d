"""The confirmed PB ballot POST, statement by statement: one read, one write, nothing after.

The user, then the ballot with its process, rule and the resident's scope and zone facts, then
the projects; then the participation, the vote and its items (one statement on PostgreSQL).
Whether the resident voted already is the unique constraint's answer at the insert.
"""

import pytest
import sqlalchemy as sa

from participa.budgets import voting
from participa.budgets.models import BallotRule, PbParticipation, PbVote
from participa.core.errors import NotAllowed
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import ScopeKind
from tests import factories
from tests.budgets.test_voting import ALREADY, ANOTHER_ZONE, counts, open_ballot, say, url
from tests.statements import log_in, post_recorded, reads_after_writes, touching

SQLITE_STATEMENTS = 6  # user, ballot + process + standing, projects, 3 INSERTs
POSTGRES_STATEMENTS = 4  # the same reads, the 3 INSERTs as one statement


def resident_with_ballot(app, rule=BallotRule.APPROVAL, *, csrf: bool):
    """(client logged in, process, ballot, projects) for a resident of Centro."""
    make = factories.Factories()
    colonias = make.territory()
    user = make.user(colonia=colonias["Centro"])
    process, ballot, projects = open_ballot(make, rule)
    client = app.test_client()
    log_in(client, user, csrf=csrf)
    return client, process, ballot, projects


def confirm(client, process, ballot, projects, *, csrf: bool):
    path = url(process, ballot)
    data = {"projects": [str(projects[0].id), str(projects[2].id)], "step": "confirm"}
    return post_recorded(client, path, data, csrf=csrf)


@pytest.mark.sqlite_only  # the SQLite shape; the PostgreSQL one is tested below
def test_a_confirmed_ballot_reads_once_and_writes_without_reading_again(csrf_app):
    client, process, ballot, projects = resident_with_ballot(csrf_app, csrf=True)
    done, statements = confirm(client, process, ballot, projects, csrf=True)
    assert done.status_code == 302 and counts() == (1, 1, 2)
    assert len(statements) <= SQLITE_STATEMENTS, statements
    assert len(touching(statements, "pb_ballot")) == 1  # with its process, rule and facts
    assert len(touching(statements, "process_eligibility")) == 1  # in that same statement
    assert len(touching(statements, "pb_project")) == 1
    assert len(touching(statements, "colonia")) == 1  # the resident's, in that statement too
    # No "already voted?" query: the unique constraint answers at the insert.
    assert [s[:30] for s in touching(statements, "pb_participation")] == [
        "INSERT INTO pb_participation ("
    ]
    assert reads_after_writes(statements) == []  # nothing reloaded after the commit


def test_a_second_confirmation_is_refused_by_the_constraint_and_stores_nothing(app):
    client, process, ballot, projects = resident_with_ballot(app, csrf=False)
    assert confirm(client, process, ballot, projects, csrf=False)[0].status_code == 302
    again, statements = confirm(client, process, ballot, projects, csrf=False)
    assert again.status_code == 409 and say(ALREADY) in again.get_data(as_text=True)
    assert counts() == (1, 1, 2)
    assert not [s for s in statements if s.startswith("SELECT pb_participation")]


def test_a_refused_confirmation_still_says_the_resident_voted(app):
    """A broken confirmation (no project chosen) of someone who voted: they voted, not 'choose'."""
    client, process, ballot, projects = resident_with_ballot(app, csrf=False)
    assert confirm(client, process, ballot, projects, csrf=False)[0].status_code == 302
    again = client.post(url(process, ballot), data={"step": "confirm"})
    assert again.status_code == 409 and say(ALREADY) in again.get_data(as_text=True)


def test_the_service_keeps_the_booths_refusal(app, make):
    """`cast` refuses whom the booth refuses (here: a ballot of another zone): nothing stored."""
    colonias = make.territory()
    user = make.user(colonia=colonias["Centro"])
    process, ballot, projects = open_ballot(make, colonias=[colonias["Sauces"]])
    booth = voting.open_booth(process.id, ballot.id, user, factories.municipal_today())
    assert str(booth.problem) == say(ANOTHER_ZONE) and booth.projects == []
    with pytest.raises(NotAllowed):
        voting.cast(booth, {projects[0].id: 1}, now=utcnow())
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("scope", [ScopeKind.DELEGACIONES, ScopeKind.COLONIAS])
def test_the_booth_reads_the_scope_of_the_process(app, make, scope):
    colonias = make.territory()
    inside, outside = make.user(colonia=colonias["Lomas"]), make.user(colonia=colonias["Sauces"])
    process, ballot, _projects = open_ballot(make)
    process.scope = scope
    if scope is ScopeKind.DELEGACIONES:
        process.delegaciones = [colonias["Lomas"].delegacion]
    else:
        process.colonias = [colonias["Lomas"]]
    db.session.commit()
    today = factories.municipal_today()
    assert voting.open_booth(process.id, ballot.id, inside, today).problem is None
    assert voting.open_booth(process.id, ballot.id, outside, today).problem is not None
    assert voting.open_booth(process.id, ballot.id + 1, inside, today) is None


@pytest.mark.postgres
def test_on_postgresql_the_three_inserts_are_one_statement(pg_app):
    client, process, ballot, projects = resident_with_ballot(pg_app, csrf=False)
    done, statements = confirm(client, process, ballot, projects, csrf=False)
    assert done.status_code == 302 and counts() == (1, 1, 2)
    assert len(statements) <= POSTGRES_STATEMENTS, statements
    (write,) = [s for s in statements if "INSERT" in s]
    assert write.startswith("WITH") and write.count("INSERT INTO") == 3
    assert reads_after_writes(statements) == []
    # Every column was given: a CTE applies no Python-side default (folded would be NULL).
    participation = db.session.execute(sa.select(PbParticipation)).scalar_one()
    vote = db.session.execute(sa.select(PbVote)).scalar_one()
    assert participation.created_at is not None and participation.channel == "web"
    assert vote.folded is False and "channel" not in PbVote.__table__.c
    again, _statements = confirm(client, process, ballot, projects, csrf=False)
    assert again.status_code == 409 and counts() == (1, 1, 2)
