"""Bulk writers for the generator: executemany on SQLite, COPY on PostgreSQL.

Both take plain tuples already in the database's own representation (see `Loader.stamp`),
so no per-row work happens in SQLAlchemy. The SQLite PRAGMAs are for the load only: the
journal goes back to WAL (the app's setting) when the load ends.
"""

import sqlite3
from datetime import UTC, datetime

SQLITE_LOAD_PRAGMAS = (
    "PRAGMA journal_mode=OFF",
    "PRAGMA synchronous=OFF",
    "PRAGMA cache_size=-400000",  # about 400 MB of page cache while loading
    "PRAGMA temp_store=MEMORY",
)


class Loader:
    """Write many rows into tables of the connection's database, in one transaction."""

    def __init__(self, dbapi_connection):
        self.connection = dbapi_connection
        self.sqlite = isinstance(dbapi_connection, sqlite3.Connection)
        self.cursor = dbapi_connection.cursor()
        if self.sqlite:
            self.connection.commit()  # PRAGMA journal_mode cannot run inside a transaction
            for pragma in SQLITE_LOAD_PRAGMAS:
                self.cursor.execute(pragma)

    def stamp(self, moment: datetime):
        """A UTC datetime as the app's UtcDateTime column stores it."""
        if self.sqlite:  # SQLAlchemy's SQLite DATETIME format, naive UTC
            return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return moment

    def flag(self, value: bool):
        return int(value) if self.sqlite else value

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        names = ", ".join(columns)
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
            return
        with self.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def next_id(self, table: str) -> int:
        self.cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')
        return int(self.cursor.fetchone()[0])

    def finish(self, tables_with_ids: tuple[str, ...]) -> None:
        """Commit; on PostgreSQL move the id sequences past the ids written, then ANALYZE."""
        if not self.sqlite:
            for table in tables_with_ids:
                self.cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
                )
        self.connection.commit()
        if self.sqlite:
            self.cursor.execute("PRAGMA journal_mode=WAL")
            self.cursor.execute("PRAGMA synchronous=NORMAL")
        else:  # what autovacuum would do soon after such a load in production
            self.cursor.execute("ANALYZE")
            self.connection.commit()
        self.cursor.close()
