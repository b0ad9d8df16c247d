"""Rows of one transaction written in one round trip where the database allows it."""

from functools import lru_cache

from sqlalchemy import Insert, Table, bindparam, insert

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


@lru_cache(maxsize=32)
def _together(shape: tuple[tuple[Table, tuple[str, ...], int], ...]) -> Insert:
    statements = [
        insert(table).values(
            [
                {c: bindparam(f"w{n}r{r}_{c}", type_=table.c[c].type) for c in columns}
                for r in range(count)
            ]
        )
        for n, (table, columns, count) in enumerate(shape)
    ]
    *first, last = statements
    return last.add_cte(*(statement.cte(f"w{n}") for n, statement in enumerate(first)))
