"""The migration that adds `phase.announces_results`: up, back-fill, down (SQLite, PostgreSQL)."""

import uuid
from datetime import date, datetime

import flask_migrate
import sqlalchemy as sa

from participa.extensions import db
from tests.conftest import postgres_url
from tests.test_migrations import MIGRATIONS, _rows, keep_logging, migrated_app  # noqa: F401

BEFORE = "e5a1c7d93b20"
# name -> marked by the back-fill (the old guess from the name, mistakes included: staff
# correct a wrong guess on the process page; the date shown before the upgrade is kept).
NAMES = {
    "Resultados": True,
    "Publicación de resultados": True,
    "CÓMPUTO FINAL": True,
    "Conteo": True,
    "Foro sobre resultados del año pasado": True,
    "Votación": False,
    "Publicación": False,
    "Dictamen final": False,
}


def _columns() -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns("phase")}


def announces_results_is_added_and_back_filled(url: str, **overrides) -> None:
    app = migrated_app(url, revision=BEFORE, **overrides)
    with app.app_context():
        db.session.execute(
            sa.text(
                "INSERT INTO process (type, title, description, status, scope,"
                " require_confirmed_contact, created_at, updated_at, search_text)"
                " VALUES ('consulta_ciudadana', 'Consulta', '', 'closed', 'municipality',"
                " false, :at, :at, 'consulta')"
            ),
            {"at": datetime(2026, 1, 1, 12)},
        )
        process = db.session.execute(sa.text("SELECT id FROM process")).scalar()
        for n, name in enumerate(NAMES):
            db.session.execute(
                sa.text(
                    "INSERT INTO phase (process_id, name, description, starts_on, ends_on)"
                    " VALUES (:p, :name, '', :day, :day)"
                ),
                {"p": process, "name": name, "day": date(2026, 2, 1 + n)},
            )
        db.session.commit()
        assert "announces_results" not in _columns()
        db.session.remove()

        flask_migrate.upgrade(directory=MIGRATIONS)
        marked = dict(_rows("SELECT name, announces_results FROM phase"))
        assert {name: bool(flag) for name, flag in marked.items()} == NAMES
        # A phase added without the column (as an older writer would) is not marked.
        db.session.execute(
            sa.text(
                "INSERT INTO phase (process_id, name, description, starts_on, ends_on)"
                " VALUES (:p, 'Resultados 2', '', :day, :day)"
            ),
            {"p": process, "day": date(2026, 3, 1)},
        )
        db.session.commit()
        assert _rows("SELECT announces_results FROM phase WHERE name = 'Resultados 2'") == [
            (False,)
        ]
        db.session.remove()

        flask_migrate.downgrade(directory=MIGRATIONS, revision=BEFORE)
        assert "announces_results" not in _columns()
        assert _rows("SELECT count(*) FROM phase") == [(len(NAMES) + 1,)]
        db.session.remove()
        flask_migrate.upgrade(directory=MIGRATIONS)  # and up again: the back-fill reruns
        assert _rows("SELECT count(*) FROM phase WHERE announces_results") == [(6,)]
        db.session.remove()
        db.engine.dispose()


def test_sqlite_phase_announces_results_is_added_and_back_filled(tmp_path):
    announces_results_is_added_and_back_filled(f"sqlite:///{tmp_path / 'migrated.db'}")


def test_postgresql_phase_announces_results_is_added_and_back_filled():
    url = postgres_url()
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        options = {"connect_args": {"options": f"-csearch_path={schema}"}}
        announces_results_is_added_and_back_filled(url, SQLALCHEMY_ENGINE_OPTIONS=options)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
