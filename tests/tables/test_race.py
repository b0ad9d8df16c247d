"""The same person on the web and at a table at the same moment: exactly one ballot."""

import pytest
import sqlalchemy as sa

from participa.auth.models import User
from participa.budgets.models import BallotRule, PbBallot, PbParticipation, PbVote
from participa.budgets.voting import cast_vote
from participa.consultations import answering
from participa.consultations.models import Participation, Response
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.models import Process
from participa.tables.lookup import look_up
from participa.tables.models import TableService, VotingTable
from tests import factories
from tests.race import run_at_once
from tests.tables.helpers import TODAY, answers, consultation_table, desk, pb_table

ROUNDS = 6  # pairs of simultaneous attempts (web, table), each pair by a different person


def _count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def check_consultation(app):
    make = factories.Factories()
    colonias, process, table, (clerk,) = consultation_table(make)
    people = [make.user(colonia=colonias["Centro"]).curp for _ in range(ROUNDS)]
    process_id, table_id, clerk_id = process.id, table.id, clerk.id

    def web(curp):
        def attempt():
            process = db.session.get(Process, process_id)
            user = db.session.execute(sa.select(User).where(User.curp == curp)).scalar_one()
            return answering.submit_response(
                process, user, answers(process), now=utcnow(), today=TODAY, max_text=2000
            )

        return attempt

    def at_table(curp):
        def attempt():
            table = db.session.get(VotingTable, table_id)
            voter = look_up(table.process, curp, None, TODAY)
            return desk(table, db.session.get(User, clerk_id), voter, answers(table.process))

        return attempt

    results = run_at_once(app, [a for curp in people for a in (web(curp), at_table(curp))])
    assert len([r for r in results if isinstance(r, str)]) == ROUNDS, results
    keys = db.session.execute(sa.select(Participation.voter_key)).scalars().all()
    assert sorted(keys) == sorted(f"curp:{curp}" for curp in people)
    assert _count(Response) == ROUNDS
    table_wins = sum(1 for r in results[1::2] if isinstance(r, str))
    assert _count(TableService) == table_wins  # a table attempt that lost left no trace


def check_pb(app):
    make = factories.Factories()
    colonias, _process, ballot, projects, table, (clerk,) = pb_table(make, BallotRule.KNAPSACK)
    people = [make.user(colonia=colonias["Centro"]).curp for _ in range(ROUNDS)]
    ballot_id, table_id, clerk_id = ballot.id, table.id, clerk.id
    choice = {projects[0].id: 1}

    def web(curp):
        def attempt():
            ballot = db.session.get(PbBallot, ballot_id)
            user = db.session.execute(sa.select(User).where(User.curp == curp)).scalar_one()
            return cast_vote(ballot, user, dict(choice), now=utcnow(), today=TODAY)

        return attempt

    def at_table(curp):
        def attempt():
            table = db.session.get(VotingTable, table_id)
            voter = look_up(table.process, curp, None, TODAY)
            return desk(table, db.session.get(User, clerk_id), voter, dict(choice))

        return attempt

    results = run_at_once(app, [a for curp in people for a in (web(curp), at_table(curp))])
    assert len([r for r in results if isinstance(r, str)]) == ROUNDS, results
    keys = db.session.execute(sa.select(PbParticipation.voter_key)).scalars().all()
    assert sorted(keys) == sorted(f"curp:{curp}" for curp in people)
    assert _count(PbVote) == ROUNDS


def test_web_and_table_race_ends_with_one_ballot_each_sqlite(app):
    check_consultation(app)


@pytest.mark.postgres
def test_web_and_table_race_ends_with_one_ballot_each_postgres(pg_app):
    check_consultation(pg_app)


def test_web_and_table_race_on_a_pb_ballot_sqlite(app):
    check_pb(app)


@pytest.mark.postgres
def test_web_and_table_race_on_a_pb_ballot_postgres(pg_app):
    check_pb(pg_app)
