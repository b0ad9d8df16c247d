"""Rewrite ballot-content rows in random order, so neither their order nor their transaction
links them to the participation record written beside them.

On PostgreSQL every row written by one transaction carries that transaction's id (`xmin`), and
a plain scan returns rows in the order they were written (`ctid`): a database administrator
could join a participation to its ballot by either. Copying the rows of a ballot to a temporary
table, deleting them and inserting them back in random order, in one transaction, gives every
row the mixing transaction's `xmin` and a random physical order. Every column is copied as it
is (read from the table's definition), so receipts, ids and results do not change.

The tables are locked for writes first (PostgreSQL `LOCK TABLE ... IN EXCLUSIVE MODE`, reads
still allowed; SQLite's single write lock), so a ballot cast meanwhile waits for the mix and is
never deleted without being copied: only the rows copied are deleted.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from participa.extensions import db


@dataclass(frozen=True)
class Content:
    """Ballot-content rows: `parent` rows selected by `key`, and child rows pointing to them."""

    parent: sa.Table
    key: str  # column of `parent` that names the process or ballot
    children: tuple[tuple[sa.Table, str], ...] = ()  # (table, column referring to parent.id)


def _lock(connection, content: Content) -> None:
    tables = [content.parent, *(table for table, _column in content.children)]
    if connection.dialect.name == "postgresql":
        # Parent first, as a vote's transaction writes them: no deadlock with a vote in flight.
        for table in tables:
            connection.exec_driver_sql(f'LOCK TABLE "{table.name}" IN EXCLUSIVE MODE')
    else:  # SQLite: a write that changes nothing takes the database's write lock now
        parent = content.parent
        connection.execute(sa.update(parent).where(sa.false()).values(id=parent.c.id))


def _shuffle_key(connection):
    if connection.dialect.name == "postgresql":
        return sa.func.gen_random_uuid()  # from the server's strong random source
    return sa.func.randomblob(16)


def _copy(connection, table: sa.Table, where) -> sa.TableClause:
    """Copy the rows of `table` matching `where` to a temporary table; return that table."""
    # The session's own temporary schema: never a real table of the same name.
    schema = "pg_temp" if connection.dialect.name == "postgresql" else "temp"
    columns = (sa.column(column.name) for column in table.c)
    temp = sa.table(f"mix_{table.name}", *columns, schema=schema)
    name = f'{schema}."{temp.name}"'
    select = sa.select(*table.c).where(where)
    sql = select.compile(connection, compile_kwargs={"literal_binds": True})
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    connection.exec_driver_sql(f"CREATE TEMPORARY TABLE {name} AS {sql}")
    return temp


def _reinsert(connection, table: sa.Table, temp: sa.TableClause) -> None:
    names = [column.name for column in table.c]
    rows = sa.select(*(temp.c[name] for name in names)).order_by(_shuffle_key(connection))
    connection.execute(sa.insert(table).from_select(names, rows))
    connection.exec_driver_sql(f'DROP TABLE {temp.schema}."{temp.name}"')


def shuffle_rows(content: Content, value: int) -> int:
    """Rewrite the content rows whose `key` is `value` in random order; return how many ballots.

    Runs in the session's transaction (it flushes first); the caller commits.
    """
    db.session.flush()
    connection = db.session.connection()
    _lock(connection, content)
    parent = content.parent
    parents = _copy(connection, parent, parent.c[content.key] == value)
    copied_ids = sa.select(parents.c.id)
    children = [
        (table, _copy(connection, table, table.c[column].in_(copied_ids)), column)
        for table, column in content.children
    ]
    for table, _temp, column in children:
        connection.execute(sa.delete(table).where(table.c[column].in_(copied_ids)))
    connection.execute(sa.delete(parent).where(parent.c.id.in_(copied_ids)))
    count = connection.execute(sa.select(sa.func.count()).select_from(parents)).scalar_one()
    # Parents first (children point to them); each table in a random order of its own.
    _reinsert(connection, parent, parents)
    for table, temp, _column in children:
        _reinsert(connection, table, temp)
    db.session.expire_all()
    return count
