"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import logging
import uuid

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
    """Before 9d602ac9e9c6 SQLite had no CHECK on `channel`: the comparison must say so."""
    app = migrated_app(f"sqlite:///{tmp_path / 'old.db'}", WITHOUT_CHANNEL_CHECK)
    modelled = modelled_app(f"sqlite:///{tmp_path / 'modelled.db'}")
    differences = schema_differences(app, modelled)
    # Later revisions change other tables' checks (notification's kinds): look at these two.
    checks = [d for d in differences if d[0] == "check constraints" and d[1] in BALLOT_TABLES]
    assert {(kind, table) for kind, table, *_ in checks} == {
        ("check constraints", "response"),
        ("check constraints", "pb_vote"),
    }
    assert ("ck_response_channel", "channel IN ('web', 'desk', 'paper')") in checks[-1][3]


def test_sqlite_channel_check_keeps_every_ballot_and_refuses_unknown_channels(tmp_path):
    """The table rebuild keeps each response's answers and each vote's items (which cascade
    from them), both ways, and the rebuilt tables refuse a channel that does not exist."""
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
        flask_migrate.upgrade(directory=MIGRATIONS)
        assert ballots() == before
        assert len(before["Answer"]) > 3 and len(before["PbVoteItem"]) == 3
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        for table in ("response", "pb_vote"):
            with pytest.raises(sa.exc.IntegrityError):
                db.session.execute(sa.text(f"UPDATE {table} SET channel = 'fax'"))
            db.session.rollback()
        db.session.remove()
        db.engine.dispose()


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
