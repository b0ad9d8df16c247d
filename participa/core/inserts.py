"""Rows of one transaction written in one round trip where the database allows it."""

from functools import lru_cache

from sqlalchemy import Insert, Table, TextClause, bindparam, insert, text
from sqlalchemy.dialects import postgresql

from participa.extensions import db

Write = tuple[Table, list[dict]]  # a table and its rows, every row with the same columns


def insert_together(*writes: Write) -> None:
    """Insert the rows of `writes`, in order, in the session's transaction; commit nothing.

    On PostgreSQL they travel as ONE statement: the first tables' INSERTs become
    data-modifying CTEs of the last one (`WITH w0 AS (INSERT …), w1 AS (INSERT …) INSERT …`),
    which runs whole or not at all, so a unique violation in any of them fails it (an
    IntegrityError, as alone). SQLite runs inside the server's process, so there is no round
    trip to save, and has no INSERT inside a CTE: one statement per table, its rows at once.
    Every column must be given: no Python-side column default is applied here.
    The statements are built once per shape (tables, columns, row counts) and reused.
    """
    writes = tuple((table, rows) for table, rows in writes if rows)
    connection = db.session.connection()
    if len(writes) > 1 and connection.dialect.name == "postgresql":
        shape = tuple((table, tuple(rows[0]), len(rows)) for table, rows in writes)
        values = {
            f"w{n}r{r}_{column}": value
            for n, (_table, rows) in enumerate(writes)
            for r, row in enumerate(rows)
            for column, value in row.items()
        }
        connection.execute(_together(shape), values)
        return
    for table, rows in writes:
        connection.execute(_insert(table), rows if len(rows) > 1 else rows[0])


@lru_cache(maxsize=32)
def _insert(table: Table) -> Insert:
    return insert(table)


@lru_cache(maxsize=256)  # a shape per number of answers or vote items: a few dozen
def _together(shape: tuple[tuple[Table, tuple[str, ...], int], ...]) -> TextClause:
    # Written as text with typed parameters: SQLAlchemy caches no compiled form of an INSERT
    # inside a CTE, and compiling it again at every vote would cost more than sending it.
    quote = postgresql.dialect().identifier_preparer.quote
    parts, parameters = [], []
    for n, (table, columns, count) in enumerate(shape):
        rows = []
        for r in range(count):
            names = {c: f"w{n}r{r}_{c}" for c in columns}
            parameters += [bindparam(name, type_=table.c[c].type) for c, name in names.items()]
            rows.append("(" + ", ".join(f":{name}" for name in names.values()) + ")")
        target = f"{quote(table.name)} ({', '.join(quote(c) for c in columns)})"
        parts.append(f"INSERT INTO {target} VALUES {', '.join(rows)}")
    *first, last = parts
    ctes = ", ".join(f"w{n} AS ({part})" for n, part in enumerate(first))
    return text(f"WITH {ctes} {last}").bindparams(*parameters)
