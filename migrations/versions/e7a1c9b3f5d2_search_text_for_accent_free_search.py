"""search_text for accent- and case-free search, and PostgreSQL full-text indexes

Revision ID: e7a1c9b3f5d2
Revises: c4e8a2f1d6b3
Create Date: 2026-12-07 18:20:00

Processes, proposals, PB projects, events and works get `search_text`: their public text
fields lowercased and without accents (participa.core.searchtext, docs/search.md), filled
here for the rows already stored. On PostgreSQL each gets a GIN index on
to_tsvector('spanish', search_text) for full-text search; no extension is needed.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "e7a1c9b3f5d2"
down_revision = "c4e8a2f1d6b3"
branch_labels = None
depends_on = None

# Each table and its fields, as participa's models' SEARCH_FIELDS when this was written.
FIELDS = {
    "process": ("title", "description"),
    "proposal": ("title", "body", "category", "location"),
    "pb_project": ("title", "description", "category", "location"),
    "event": ("title", "place", "agenda"),
    "work": ("title", "description", "directorate"),
}
BATCH = 500


def normalize(value: str) -> str:
    """participa.core.searchtext.normalize when this was written."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _backfill(connection, table: str, fields: tuple[str, ...]) -> None:
    columns = ", ".join(fields)
    update = sa.text(f"UPDATE {table} SET search_text = :text WHERE id = :id")
    last = 0
    while True:
        rows = connection.execute(
            sa.text(
                f"SELECT id, {columns} FROM {table} WHERE id > :last ORDER BY id LIMIT {BATCH}"
            ),
            {"last": last},
        ).all()
        if not rows:
            return
        values = [
            {"id": row[0], "text": normalize(" ".join(str(v or "") for v in row[1:]))}
            for row in rows
        ]
        connection.execute(update, values)
        last = rows[-1][0]


def upgrade():
    connection = op.get_bind()
    for table, fields in FIELDS.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
        _backfill(connection, table, fields)
        if connection.dialect.name == "postgresql":
            op.execute(
                f"CREATE INDEX ix_{table}_search ON {table} "
                "USING gin (to_tsvector('spanish'::regconfig, search_text))"
            )


def downgrade():
    connection = op.get_bind()
    for table in FIELDS:
        if connection.dialect.name == "postgresql":
            op.execute(f"DROP INDEX ix_{table}_search")
        with op.batch_alter_table(table) as batch:
            batch.drop_column("search_text")
