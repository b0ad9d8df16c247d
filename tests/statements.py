"""The SQL statements a request sends: a count, not a time, so it belongs in tests."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from participa.extensions import db


@contextmanager
def recorded() -> Iterator[list[str]]:
    """Collect the statements sent to the app's database (an executemany counts once)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def reads_after_writes(statements: list[str]) -> list[str]:
    """The statements after the first INSERT that are not INSERTs (a reload after the commit)."""
    first = next((n for n, s in enumerate(statements) if s.startswith(("INSERT", "WITH"))), None)
    return [] if first is None else [s for s in statements[first:] if s.startswith("SELECT")]


def touching(statements: list[str], table: str) -> list[str]:
    """The statements that name `table` (as `table.` or `INTO table `)."""
    return [s for s in statements if f" {table}." in s or f"INTO {table} " in s]
