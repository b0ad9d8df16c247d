"""`flask backup` and `flask restore`: a copy taken while the app is live holds every ballot."""

import sqlite3
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from participa import create_app
from participa.budgets.models import BallotRule, PbParticipation, PbVote, PbVoteItem
from participa.budgets.voting import cast_vote
from participa.consultations.answering import submit_response
from participa.consultations.models import Answer, Participation, Response
from participa.extensions import db
from tests.budgets.test_voting import open_ballot
from tests.conftest import TEST_CONFIG
from tests.consultations.test_answering import Layout
from tests.factories import Factories

TABLES = {
    Participation: (Participation.process_id, Participation.voter_key),
    Response: (Response.id, Response.receipt_hash),
    Answer: (
        Answer.response_id,
        Answer.question_id,
        Answer.seq,
        Answer.option_id,
        Answer.value,
        Answer.text,
    ),
    PbParticipation: (PbParticipation.ballot_id, PbParticipation.voter_key),
    PbVote: (PbVote.id, PbVote.receipt_hash),
    PbVoteItem: (PbVoteItem.vote_id, PbVoteItem.project_id),
}


def ballots() -> dict[str, list[tuple]]:
    return {
        model.__name__: sorted(
            (tuple(row) for row in db.session.execute(sa.select(*columns))), key=repr
        )
        for model, columns in TABLES.items()
    }


def seed_ballots(residents: int = 6) -> None:
    make = Factories()
    centro = make.territory()["Centro"]
    layout = Layout(make.consultation())
    process, ballot, projects = open_ballot(make, BallotRule.KNAPSACK)
    now, today = datetime.now(UTC), date.today()
    for n in range(residents):
        user = make.user(colonia=centro, birth=date(1970 + n, 1, 1 + n))
        submit_response(layout.process, user, layout.answers(), now=now, today=today, max_text=50)
        cast_vote(ballot, user, {projects[n % 3].id: 1}, now=now, today=today)


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.mark.sqlite_only
def test_backup_while_live_then_restore_finds_every_ballot(app, tmp_path):
    seed_ballots()
    before = ballots()
    assert len(before["Response"]) == len(before["PbVote"]) == 6
    # The app is live: another connection holds a read transaction open, and the last writes
    # are still in the WAL file, not yet in the database file.
    reader = sqlite3.connect(db.engine.url.database)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM response").fetchone()
    try:
        result = invoke(app, "backup", str(tmp_path / "copia.db"))
    finally:
        reader.close()
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output

    restored_url = f"sqlite:///{tmp_path / 'restaurada.db'}"
    fresh = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": restored_url})
    with fresh.app_context():
        result = invoke(fresh, "restore", str(tmp_path / "copia.db"))
        assert result.exit_code == 0, result.output
        assert ballots() == before
        check = db.session.execute(sa.text("PRAGMA integrity_check")).scalar()
        assert check == "ok"
        db.session.remove()
        db.engine.dispose()


@pytest.mark.sqlite_only
def test_restore_refuses_a_database_with_data_unless_forced(app, tmp_path):
    seed_ballots(2)
    assert invoke(app, "backup", str(tmp_path / "copia.db")).exit_code == 0
    Factories().user(email="despues@example.mx")  # a change after the backup
    refused = invoke(app, "restore", str(tmp_path / "copia.db"))
    assert refused.exit_code != 0 and "--force" in refused.output
    assert db.session.execute(sa.text("SELECT count(*) FROM user")).scalar() == 3
    forced = invoke(app, "restore", "--force", str(tmp_path / "copia.db"))
    assert forced.exit_code == 0, forced.output
    assert db.session.execute(sa.text("SELECT count(*) FROM user")).scalar() == 2


@pytest.mark.sqlite_only
def test_restore_refuses_a_damaged_backup(app, tmp_path):
    damaged = tmp_path / "roto.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    result = invoke(app, "restore", "--force", str(damaged))
    assert result.exit_code != 0 and "not a sound SQLite database" in result.output
    assert db.session.execute(sa.text("SELECT count(*) FROM user")).scalar() == 0


@pytest.mark.sqlite_only
def test_backup_does_not_overwrite_a_file(app, tmp_path):
    target = tmp_path / "existe.db"
    target.write_text("mío")
    result = invoke(app, "backup", str(target))
    assert result.exit_code != 0 and "already exists" in result.output
    assert target.read_text() == "mío"


def test_postgresql_installations_are_pointed_to_pg_dump(tmp_path):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "postgresql://x@127.0.0.1/nada"})
    with app.app_context():
        for args in (["backup", str(tmp_path / "x.db")], ["restore", __file__]):
            result = invoke(app, *args)
            assert result.exit_code != 0 and "pg_dump -Fc" in result.output
