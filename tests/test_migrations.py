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

MIGRATIONS = str(ROOT / "migrations")


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


def migrated_app(url: str, **overrides):
    """An app whose database is built only by the migrations (no create_all)."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **overrides})
    with app.app_context():
        flask_migrate.upgrade(directory=MIGRATIONS)
    return app


def schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_sqlite_migrations_match_the_models(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'migrated.db'}")
    try:
        assert schema_differences(app) == []
        with app.app_context():
            tables = set(sa.inspect(db.engine).get_table_names())
            assert set(db.metadata.tables) | {"alembic_version"} == tables
            head = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            assert head is not None
    finally:
        with app.app_context():
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
    for table in ("response", "answer"):
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
    try:
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        app = migrated_app(url, SQLALCHEMY_ENGINE_OPTIONS=options)
        try:
            assert schema_differences(app) == []
            with app.app_context():
                tables = set(sa.inspect(db.engine).get_table_names())
                assert set(db.metadata.tables) <= tables
        finally:
            with app.app_context():
                db.engine.dispose()
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
