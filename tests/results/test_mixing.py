"""Mixing the secret ballots: same rows, receipts and results; on PostgreSQL no xmin or ctid
link left between a participation and its ballot; safe while votes keep arriving."""

import threading
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from participa.auth.models import Role, User
from participa.budgets import counting, voting
from participa.budgets.models import BallotRule, CountingRule, PbBallot, PbVote
from participa.consultations.models import Response
from participa.extensions import db
from participa.processes.models import Process
from participa.processes.services import change_status
from participa.processes.types import ProcessStatus
from participa.receipts.services import find_receipt, receipt_hash
from participa.results.mixing import mix_process
from participa.results.services import question_results
from participa.territory.models import Colonia
from tests import factories
from tests.budgets.test_voting import open_ballot
from tests.consultations.test_secrecy import submit_many

TODAY = date(2025, 6, 1)
NOW = datetime(2025, 6, 1, 15, 0, tzinfo=UTC)
CONTENT = ("response", "answer", "pb_vote", "pb_vote_item")


def table_rows(name: str) -> list[tuple]:
    return sorted(map(tuple, db.session.execute(sa.text(f'SELECT * FROM "{name}"')).all()))


def cast_pb_votes(make, n: int):
    """n residents vote the knapsack ballot, each its own choice; return ballot and codes."""
    colonia = db.session.scalars(sa.select(Colonia)).first() or make.territory()["Lomas"]
    process, ballot, projects = open_ballot(make, BallotRule.KNAPSACK)
    codes = []
    for i in range(n):
        user = make.user(colonia=colonia)
        picks = {projects[i % 5].id: 1, projects[(i + 2) % 5].id: 1}
        codes.append(voting.cast_vote(ballot, user, picks, now=NOW, today=TODAY))
    return process, ballot, codes


def results_of(consultation: Process, ballot: PbBallot) -> tuple:
    tallies = [result.tally for result in question_results(consultation)]
    return repr(tallies), counting.count(ballot, CountingRule.GREEDY).winners


def check_mixing_changes_nothing_but_the_order(make):
    consultation, answer_codes = submit_many(make, 12)
    process, ballot, vote_codes = cast_pb_votes(make, 12)
    before = {name: table_rows(name) for name in CONTENT}
    results = results_of(consultation, ballot)

    assert mix_process(consultation) == 12
    assert mix_process(process) == 12
    db.session.commit()

    assert {name: table_rows(name) for name in CONTENT} == before
    assert results_of(consultation, ballot) == results
    assert all(find_receipt(code).id == consultation.id for code in answer_codes)
    assert all(find_receipt(code).id == process.id for code in vote_codes)


def test_mixing_keeps_rows_receipts_and_results_sqlite(make):
    check_mixing_changes_nothing_but_the_order(make)


@pytest.mark.postgres
def test_mixing_keeps_rows_receipts_and_results_postgres(pg_app):
    check_mixing_changes_nothing_but_the_order(factories.Factories())


def xmins(table: str, where: str = "") -> list[str]:
    return list(db.session.scalars(sa.text(f'SELECT xmin::text FROM "{table}" {where}')))


def physical_order(table: str, column: str) -> list[str]:
    return list(db.session.scalars(sa.text(f'SELECT {column} FROM "{table}" ORDER BY ctid')))


@pytest.mark.postgres
def test_closing_a_consultation_leaves_no_xmin_or_ctid_link_postgres(pg_app):
    make = factories.Factories()
    process, codes = submit_many(make, 30)
    written = [receipt_hash(code) for code in codes]
    # The gap being closed: one transaction per ballot, rows in the order they were written.
    assert physical_order("response", "receipt_hash") == written
    assert len(set(xmins("response"))) == 30
    assert set(xmins("response")) == set(xmins("participation"))

    staff = make.user(Role.STAFF)
    change_status(staff, db.session.get(Process, process.id), ProcessStatus.CLOSED)

    content = set(xmins("response")) | set(xmins("answer"))
    assert len(content) == 1  # every content row now carries the closing transaction's id
    assert not content & set(xmins("participation"))
    assert physical_order("response", "receipt_hash") != written  # 1 chance in 30! by luck
    assert sorted(physical_order("response", "receipt_hash")) == sorted(written)


@pytest.mark.postgres
def test_closing_a_budget_vote_mixes_its_votes_postgres(pg_app):
    make = factories.Factories()
    process, _ballot, codes = cast_pb_votes(make, 20)
    written = [receipt_hash(code) for code in codes]
    assert physical_order("pb_vote", "receipt_hash") == written

    change_status(make.user(Role.STAFF), db.session.get(Process, process.id), ProcessStatus.CLOSED)

    content = set(xmins("pb_vote")) | set(xmins("pb_vote_item"))
    assert len(content) == 1
    assert not content & set(xmins("pb_participation"))
    assert physical_order("pb_vote", "receipt_hash") != written
    assert all(find_receipt(code).id == process.id for code in codes)


@pytest.mark.postgres
def test_votes_arriving_while_mixing_are_all_kept_postgres(pg_app):
    """Residents vote from threads while the ballots are mixed over and over: nothing is lost."""
    make = factories.Factories()
    process, ballot, first_codes = cast_pb_votes(make, 5)
    colonia = db.session.scalars(sa.select(Colonia)).first()
    voters = [make.user(colonia=colonia).id for _ in range(30)]
    project_ids = [p.id for p in voting.feasible_projects(ballot)]
    process_id, ballot_id = process.id, ballot.id
    db.session.remove()
    codes, errors, done = list(first_codes), [], threading.Event()

    def vote(user_id: int) -> None:
        with pg_app.app_context():
            try:
                user = db.session.get(User, user_id)
                picks = {project_ids[user_id % 5]: 1}
                ballot = db.session.get(PbBallot, ballot_id)
                codes.append(voting.cast_vote(ballot, user, picks, now=NOW, today=TODAY))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(repr(error))
            finally:
                db.session.remove()

    def mixer() -> None:
        with pg_app.app_context():
            while not done.is_set():
                try:
                    mix_process(db.session.get(Process, process_id))
                    db.session.commit()
                except Exception as error:  # noqa: BLE001 - reported below
                    errors.append(repr(error))
                    db.session.rollback()
            db.session.remove()

    mixing = threading.Thread(target=mixer)
    mixing.start()
    threads = [threading.Thread(target=vote, args=(uid,)) for uid in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    done.set()
    mixing.join(timeout=60)

    assert not errors, errors[:3]
    assert len(codes) == 35
    votes = db.session.scalar(sa.select(sa.func.count()).select_from(PbVote))
    participations = db.session.scalar(sa.text("SELECT count(*) FROM pb_participation"))
    assert votes == participations == 35
    assert db.session.scalar(sa.text("SELECT count(*) FROM pb_vote_item")) == 35 + 5
    assert all(find_receipt(code).id == process_id for code in codes)


def test_the_command_mixes_open_processes_and_refuses_an_unknown_one(app, make):
    consultation, codes = submit_many(make, 5)
    before = table_rows("answer")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["ballots-mix"])
    assert result.exit_code == 0, result.output
    assert f"Process {consultation.id}: 5 ballots" in result.output
    db.session.expire_all()
    assert table_rows("answer") == before
    assert all(find_receipt(code) is not None for code in codes)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 5

    result = runner.invoke(args=["ballots-mix", "--process", "9999"])
    assert result.exit_code != 0 and "9999" in result.output
