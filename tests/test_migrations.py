"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import logging
import uuid
from datetime import datetime

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from participa import ROOT, create_app
from participa.extensions import db
from tests.conftest import TEST_CONFIG, postgres_url
from tests.hardening.test_backup import ballots, seed_ballots

MIGRATIONS = str(ROOT / "migrations")
# The revision before 9d602ac9e9c6, which gave SQLite the CHECK on `channel` it had skipped.
WITHOUT_CHANNEL_CHECK = "6bcb88415129"
# The last revision whose ballot content had a channel (b7c3e1d9a0f2 moved it out).
LAST_WITH_CHANNEL = "4f985dda2cb0"
CHANNEL_MOVED = "b7c3e1d9a0f2"  # c4e8a2f1d6b3, later, forgets paper tallies under 5 ballots
PAPER_TALLIES = (
    "paper_project_tally",
    "paper_ballot_tally",
    "paper_answer_tally",
    "paper_response_tally",
)


@pytest.fixture(autouse=True)
def keep_logging():
    """Alembic's env.py reconfigures logging; give the other tests theirs back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    loggers = {
        name: (logger.disabled, logger.level)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, (disabled, logger_level) in loggers.items():
        logger = logging.getLogger(name)
        logger.disabled, logger.level = disabled, logger_level


def migrated_app(url: str, revision: str = "head", **overrides):
    """An app whose database is built only by the migrations (no create_all)."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **overrides})
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS, revision=revision)
    return app


def modelled_app(url: str, **overrides):
    """An app whose database is built from the models (create_all), for comparison."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **overrides})
    with app.app_context():
        db.create_all()
    return app


def check_constraints(app) -> dict[str, list[tuple[str, str]]]:
    """Every table's CHECK constraints as the database reports them: (name, condition)."""
    with app.app_context():
        inspector = sa.inspect(db.engine)
        present = set(inspector.get_table_names())
        found = {
            table: sorted(
                (check["name"], " ".join(check["sqltext"].split()))
                for check in inspector.get_check_constraints(table)
            )
            for table in db.metadata.tables
            if table in present  # an older revision lacks the newer tables
        }
        db.engine.dispose()
    return found


def schema_differences(app, modelled) -> list:
    """What Alembic finds between the database and the models, and CHECK constraints
    that differ from a database built from the models (Alembic does not compare those)."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    migrated, expected = check_constraints(app), check_constraints(modelled)
    for table in sorted(expected):
        if table in migrated and migrated[table] != expected[table]:
            differences.append(("check constraints", table, migrated[table], expected[table]))
    return differences


def test_sqlite_migrations_match_the_models(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'migrated.db'}")
    modelled = modelled_app(f"sqlite:///{tmp_path / 'modelled.db'}")
    try:
        assert schema_differences(app, modelled) == []
        with app.app_context():
            tables = set(sa.inspect(db.engine).get_table_names())
            assert set(db.metadata.tables) | {"alembic_version"} == tables
            head = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            assert head is not None
    finally:
        with app.app_context():
            db.engine.dispose()


BALLOT_TABLES = ("response", "pb_vote")


def test_the_comparison_sees_the_check_constraint_sqlite_once_lacked(tmp_path):
    """Before 9d602ac9e9c6 SQLite had no CHECK on `channel`: the comparison must say so
    (against the last revision with a channel on ballot content, since b7c3e1d9a0f2 dropped it)."""
    app = migrated_app(f"sqlite:///{tmp_path / 'old.db'}", WITHOUT_CHANNEL_CHECK)
    modelled = migrated_app(f"sqlite:///{tmp_path / 'later.db'}", LAST_WITH_CHANNEL)
    differences = schema_differences(app, modelled)
    # Later revisions change other tables' checks (notification's kinds): look at these two.
    checks = [d for d in differences if d[0] == "check constraints" and d[1] in BALLOT_TABLES]
    assert {(kind, table) for kind, table, *_ in checks} == {
        ("check constraints", "response"),
        ("check constraints", "pb_vote"),
    }
    assert ("ck_response_channel", "channel IN ('web', 'desk', 'paper')") in checks[-1][3]


def test_sqlite_channel_check_keeps_every_ballot_and_refuses_unknown_channels(tmp_path):
    """The table rebuilds keep each response's answers and each vote's items (which cascade
    from them), both ways; while content had a channel, the rebuilt tables refused an unknown
    one."""
    app = migrated_app(f"sqlite:///{tmp_path / 'migrated.db'}")
    with app.app_context():
        # Written by today's models, then taken back to the schema before the rebuild (the
        # models have columns of later revisions: they cannot write the old schema).
        seed_ballots(3)
        before = ballots()
        db.session.remove()
        flask_migrate.downgrade(directory=MIGRATIONS, revision=WITHOUT_CHANNEL_CHECK)
        assert ballots() == before
        db.session.remove()
        flask_migrate.upgrade(directory=MIGRATIONS, revision=LAST_WITH_CHANNEL)
        assert ballots() == before
        for table in ("response", "pb_vote"):
            with pytest.raises(sa.exc.IntegrityError):
                db.session.execute(sa.text(f"UPDATE {table} SET channel = 'fax'"))
            db.session.rollback()
        db.session.remove()
        flask_migrate.upgrade(directory=MIGRATIONS)
        assert ballots() == before
        assert len(before["Answer"]) > 3 and len(before["PbVoteItem"]) == 3
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def _rows(sql: str) -> list[tuple]:
    return sorted(tuple(row) for row in db.session.execute(sa.text(sql)))


def channel_data_moves_with(url: str, **overrides) -> None:
    """Ballots with a channel, migrated: paper counted apart, tallies summed, times to the hour."""
    app = migrated_app(url, **overrides)
    with app.app_context():
        seed_ballots(3)  # three web responses and votes, unfolded
        db.session.remove()
        flask_migrate.downgrade(directory=MIGRATIONS, revision=LAST_WITH_CHANNEL)
        vote, response = (
            db.session.execute(sa.text(f"SELECT id FROM {t} ORDER BY id LIMIT 1")).scalar()
            for t in ("pb_vote", "response")
        )
        db.session.execute(sa.text(f"UPDATE pb_vote SET channel = 'paper' WHERE id = '{vote}'"))
        db.session.execute(
            sa.text(f"UPDATE response SET channel = 'paper' WHERE id = '{response}'")
        )
        ballot = db.session.execute(sa.text("SELECT ballot_id FROM pb_vote LIMIT 1")).scalar()
        db.session.execute(
            sa.text(
                "INSERT INTO pb_ballot_tally (ballot_id, channel, ballots) "
                f"VALUES ({ballot}, 'web', 10), ({ballot}, 'desk', 4), ({ballot}, 'paper', 2)"
            )
        )
        db.session.commit()
        project = db.session.execute(
            sa.text(f"SELECT project_id FROM pb_vote_item WHERE vote_id = '{vote}'")
        ).scalar()
        answers = db.session.execute(
            sa.text(f"SELECT count(*) FROM answer WHERE response_id = '{response}'")
        ).scalar()
        db.session.remove()
        flask_migrate.upgrade(directory=MIGRATIONS, revision=CHANNEL_MOVED)

        assert _rows("SELECT ballot_id, ballots FROM pb_ballot_tally") == [(ballot, 16)]
        assert _rows("SELECT ballot_id, project_id, votes FROM paper_project_tally") == [
            (ballot, project, 1)
        ]
        assert _rows("SELECT ballot_id, ballots FROM paper_ballot_tally") == [(ballot, 1)]
        assert _rows("SELECT ballots FROM paper_response_tally") == [(1,)]
        assert _rows("SELECT sum(answers) FROM paper_answer_tally") == [(answers,)]
        times = db.session.execute(sa.text("SELECT created_at FROM participation")).scalars()
        for moment in times:
            moment = moment if not isinstance(moment, str) else datetime.fromisoformat(moment)
            assert (moment.minute, moment.second, moment.microsecond) == (0, 0, 0)
        db.session.remove()
        flask_migrate.upgrade(directory=MIGRATIONS)  # one paper ballot: too few to keep apart
        for table in PAPER_TALLIES:
            assert _rows(f"SELECT count(*) FROM {table}") == [(0,)], table
        assert _rows("SELECT ballot_id, ballots FROM pb_ballot_tally") == [(ballot, 16)]
        db.session.remove()
        db.engine.dispose()


def test_sqlite_migration_moves_the_channel_out_of_ballot_content(tmp_path):
    channel_data_moves_with(f"sqlite:///{tmp_path / 'migrated.db'}")


def test_sqlite_migrations_keep_ballot_tables_without_rowid(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'migrated.db'}")
    with app.app_context():
        rows = db.session.execute(
            sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        ).all()
        db.session.remove()
        db.engine.dispose()
    sql = {name: text.upper() for name, text in rows}
    for table in ("response", "answer", "pb_vote", "pb_vote_item"):
        assert "WITHOUT ROWID" in sql[table], table
    # The others keep their rowid: only the secret ballot tables need no insertion order.
    assert "WITHOUT ROWID" not in sql["participation"]
    assert "WITHOUT ROWID" not in sql["user"]


def test_sqlite_migrated_database_works_with_the_app(tmp_path, make):
    """A migrated database accepts what the app writes (constraints, enums, foreign keys)."""
    app = migrated_app(f"sqlite:///{tmp_path / 'migrated.db'}")
    with app.app_context():
        make.territory()
        make.consultation()
        assert db.session.execute(sa.text("SELECT count(*) FROM colonia")).scalar() == 3
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(
                sa.text(
                    "INSERT INTO colonia (name, delegacion_id, population) "
                    "VALUES ('Fantasma', 999, 1)"
                )
            )
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()


def test_postgresql_migrations_match_the_models():
    url = postgres_url()
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        connection.execute(sa.text(f"CREATE SCHEMA {schema}_models"))
    try:
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        app = migrated_app(url, SQLALCHEMY_ENGINE_OPTIONS=options)
        modelled_options = {"connect_args": {"options": f"-csearch_path={schema}_models"}}
        modelled = modelled_app(url, SQLALCHEMY_ENGINE_OPTIONS=modelled_options)
        try:
            assert schema_differences(app, modelled) == []
            with app.app_context():
                tables = set(sa.inspect(db.engine).get_table_names())
                assert set(db.metadata.tables) <= tables
        finally:
            with app.app_context():
                db.engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
            connection.execute(sa.text(f"DROP SCHEMA {schema}_models CASCADE"))
        admin.dispose()


def test_postgresql_migration_moves_the_channel_out_of_ballot_content():
    url = postgres_url()
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        channel_data_moves_with(url, SQLALCHEMY_ENGINE_OPTIONS=options)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


BEFORE_AGREEMENT_CODES = "c4e8a2f1d6b3"


def agreement_codes_are_written(url: str, **overrides) -> None:
    """Agreements of an ordinary and an extraordinary session numbered alike before the
    migration get distinct codes; the ordinary one keeps the number it was published with."""
    app = migrated_app(url, revision=BEFORE_AGREEMENT_CODES, **overrides)
    with app.app_context():
        for kind in ("ordinary", "extraordinary"):
            db.session.execute(
                sa.text(
                    "INSERT INTO council_session (kind, year, number, starts_at, place, status,"
                    " minutes, created_at) VALUES (:kind, 2026, 1, :at, 'Sala', 'approved', '',"
                    " :at)"
                ),
                {"kind": kind, "at": datetime(2026, 2, 1, 17)},
            )
            session = db.session.execute(
                sa.text("SELECT id FROM council_session WHERE kind = :kind"), {"kind": kind}
            ).scalar()
            for number in (1, 2):
                db.session.execute(
                    sa.text(
                        "INSERT INTO council_agreement (session_id, number, text, owner_text,"
                        " status, created_at) VALUES (:s, :n, 'Acuerdo', 'Obras', 'pending', :at)"
                    ),
                    {"s": session, "n": number, "at": datetime(2026, 2, 1, 18)},
                )
        db.session.commit()
        db.session.remove()
        flask_migrate.upgrade(directory=MIGRATIONS)
        assert _rows(
            "SELECT s.kind, a.number, a.code FROM council_agreement a"
            " JOIN council_session s ON s.id = a.session_id"
        ) == [
            ("extraordinary", 1, "E1/2026-1"),
            ("extraordinary", 2, "E1/2026-2"),
            ("ordinary", 1, "1/2026-1"),
            ("ordinary", 2, "1/2026-2"),
        ]
        with pytest.raises(sa.exc.IntegrityError):
            db.session.execute(
                sa.text("UPDATE council_agreement SET code = '1/2026-1' WHERE code = 'E1/2026-1'")
            )
        db.session.rollback()
        db.session.remove()
        flask_migrate.downgrade(directory=MIGRATIONS, revision=BEFORE_AGREEMENT_CODES)
        assert _rows("SELECT count(*) FROM council_agreement") == [(4,)]
        db.session.remove()
        db.engine.dispose()


def test_sqlite_agreement_codes_are_unique_across_kinds(tmp_path):
    agreement_codes_are_written(f"sqlite:///{tmp_path / 'migrated.db'}")


def test_postgresql_agreement_codes_are_unique_across_kinds():
    url = postgres_url()
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        agreement_codes_are_written(url, SQLALCHEMY_ENGINE_OPTIONS=options)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
