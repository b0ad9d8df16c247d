"""The migration fills search_text for the rows already stored."""

import flask_migrate
import sqlalchemy as sa

from participa.extensions import db
from tests.test_migrations import MIGRATIONS, migrated_app

BEFORE = "c4e8a2f1d6b3"


def test_the_migration_fills_the_search_text_of_stored_rows(tmp_path):
    app = migrated_app(f"sqlite:///{tmp_path / 'old.db'}", BEFORE)
    with app.app_context():
        db.session.execute(
            sa.text(
                "INSERT INTO process (type, title, description, status, scope, "
                "require_confirmed_contact, created_at, updated_at) VALUES ('consulta_ciudadana', "
                "'Consulta del SEMÁFORO', 'Para la Niñez', 'published', 'municipality', 1, "
                "'2026-12-01 00:00:00', '2026-12-01 00:00:00')"
            )
        )
        db.session.commit()
        flask_migrate.upgrade(directory=MIGRATIONS)
        stored = db.session.execute(sa.text("SELECT search_text FROM process")).scalar_one()
        assert stored == "consulta del semaforo para la ninez"
        db.session.remove()
        db.engine.dispose()
