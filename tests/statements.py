"""The SQL statements a request sends: a count, not a time, so it belongs in tests."""

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from participa.extensions import db
from tests import factories


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


TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token(client, path: str) -> str:
    """The CSRF token of the form at `path`, as a browser would read it."""
    return TOKEN.search(client.get(path).get_data(as_text=True))[1]


def log_in(client, user, *, csrf: bool) -> None:
    """Log `user` in through the form (with its CSRF token when the app checks it)."""
    data = {"email": user.email, "password": factories.PASSWORD}
    if csrf:
        data["csrf_token"] = token(client, "/cuenta/entrar")
    client.post("/cuenta/entrar", data=data)


def post_recorded(client, path: str, data: dict, *, csrf: bool):
    """POST `data` to `path` (CSRF token added when checked); the response and its statements."""
    if csrf:
        data = {**data, "csrf_token": token(client, path)}
    with recorded() as statements:
        response = client.post(path, data=data)
    return response, statements
