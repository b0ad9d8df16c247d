"""The same person on the web and at a table at the same moment: exactly one ballot."""

import threading

import pytest
import sqlalchemy as sa

from participa.auth.models import User
from participa.budgets.models import BallotRule, PbBallot, PbParticipation, PbVote
from participa.budgets.voting import cast_vote
from participa.consultations import answering
from participa.consultations.models import Participation, Response
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.models import Process
from participa.tables.lookup import look_up
from participa.tables.models import TableService, VotingTable
from tests import factories
from tests.tables.helpers import TODAY, answers, consultation_table, desk, pb_table

ROUNDS = 6  # pairs of simultaneous attempts (web, table), each pair by a different person


def _run(app, attempts) -> list:
    """Run each attempt in its own thread and app context at once; return their results."""
    db.session.remove()  # the main thread holds no connection or transaction during the race
    barrier = threading.Barrier(len(attempts))
    results: list = [None] * len(attempts)

    def go(index, attempt):
        with app.app_context():
            barrier.wait(timeout=10)
            try:
                results[index] = attempt()
            except DomainError as error:
                results[index] = error
            except Exception as error:  # noqa: BLE001 - a crash is a result to report
                results[index] = f"crash: {error!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=go, args=(i, a)) for i, a in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    crashes = [r for r in results if isinstance(r, str) and r.startswith("crash")]
    assert not crashes, crashes
    return results


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

    results = _run(app, [a for curp in people for a in (web(curp), at_table(curp))])
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

    results = _run(app, [a for curp in people for a in (web(curp), at_table(curp))])
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
