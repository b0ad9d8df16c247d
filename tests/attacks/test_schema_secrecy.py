"""The schema cannot link a participation record to ballot content.

Every table is on one of three sides, written down here:

- "who": participation records (`WHO`), and every table that identifies a person (a `user_id`,
  `voter_key`, `curp` or `email` column, a foreign key to `user`, or `user` itself);
- "what": ballot content (`WHAT`): what was answered or chosen;
- coarse tables both sides may name (`COARSE`): the process, the ballot, the questions, their
  options and the projects. Knowing that a person voted in a process is public; nothing finer.

The two sides are also found from the metadata itself (`who_tables`, `what_tables`: a voter
key marks a participation record, a receipt hash a ballot, and a table keyed by a ballot is its
content), and must equal the lists written here, so a new ballot table cannot slip by.

The checks read `db.metadata` and the reflected database (SQLite and PostgreSQL) and fail on:
a foreign-key path between the two sides that does not go through a coarse table; a table that
points to either side without being classified; a column shared by both sides, by name or by
meaning (`MEANINGS`: how the ballot arrived, where, when, by whom), other than a coarse foreign
key, `id` (an integer there, random text here) and `folded`; a date or time column, or an
integer autoincrement id, on a "what" table; a "what" table with rowids on SQLite.
`test_each_check_catches_a_bad_table` shows every check failing on a bad schema.
"""

import re

import pytest
import sqlalchemy as sa

from participa.extensions import db

pytestmark = pytest.mark.attacks

WHO = frozenset({"participation", "pb_participation"})
WHAT = frozenset({"response", "answer", "pb_vote", "pb_vote_item"})
COARSE = frozenset({"process", "pb_ballot", "question", "option", "pb_project"})
# Columns both sides may have: foreign keys to coarse tables, `folded` (counted into the
# aggregates yet: a fold leaves a random residue of older ballots unfolded, so the flag never
# isolates the newest ballot; docs/architecture.md), and `id` (an integer there, 128 random bits
# as text here). Nothing else: how a ballot arrived (`channel`) is on the "who" side only.
SHARED_OK = frozenset({"id", "folded"})
# Names that mean the same thing: a "what" table naming any of a meaning's words shares that
# meaning with a "who" table naming any of them (e.g. `via` on a vote, `channel` on its voter).
MEANINGS = {
    "how it arrived": {"channel", "via", "medium", "source", "method", "canal", "origin"},
    "where": {"colonia", "table", "mesa", "zone", "place", "booth", "desk", "kiosk", "ip"},
    "when": {"at", "on", "time", "date", "stamp", "fecha", "hora", "created", "hour"},
    "who": {"user", "voter", "curp", "email", "staff", "clerk", "actor", "person", "typist"},
    "statistics of the voter": {"age", "sex", "gender", "band", "birth"},
}
IDENTIFYING_COLUMNS = frozenset({"user_id", "voter_key", "curp", "email"})
TIMELIKE_NAME = re.compile(r"(_at|_on|time|date|stamp|fecha|hora)$|^(at|seq_no|created)", re.I)


def identity_tables(metadata: sa.MetaData) -> set[str]:
    """Tables that identify a person: `user`, and those with a person's key or a FK to `user`."""
    found = {"user"} & set(metadata.tables)
    for table in metadata.tables.values():
        columns = {column.name for column in table.c}
        targets = {fk.column.table.name for fk in table.foreign_keys}
        if columns & IDENTIFYING_COLUMNS or "user" in targets:
            found.add(table.name)
    return found


def _links(metadata: sa.MetaData) -> dict[str, set[str]]:
    """Tables joined by a foreign key, either way."""
    links: dict[str, set[str]] = {name: set() for name in metadata.tables}
    for table in metadata.tables.values():
        for fk in table.foreign_keys:
            links[table.name].add(fk.column.table.name)
            links[fk.column.table.name].add(table.name)
    return links


def unclassified(metadata, who=WHO, what=WHAT) -> list[str]:
    """Tables that point to a "who" or "what" table, or hold a voter key, unclassified."""
    problems = []
    for table in metadata.tables.values():
        if table.name in who | what:
            continue
        targets = {fk.column.table.name for fk in table.foreign_keys}
        if targets & (who | what) or "voter_key" in table.c or "receipt_hash" in table.c:
            problems.append(f"{table.name}: points to ballots or voters; classify it")
    return problems


def linking_paths(metadata, who=WHO, what=WHAT) -> list[str]:
    """Foreign-key paths from a "what" table to a "who" one that avoid the coarse tables."""
    people = set(who) | identity_tables(metadata)
    links, problems = _links(metadata), []
    for start in sorted(what & set(metadata.tables)):
        seen, frontier, previous = {start}, [start], {}
        while frontier:
            table = frontier.pop()
            for other in sorted(links[table] - seen - COARSE):
                seen.add(other)
                previous[other] = table
                frontier.append(other)
        for end in sorted(seen & people):
            path, step = [end], end
            while step != start:
                step = previous[step]
                path.append(step)
            problems.append("path " + " - ".join(reversed(path)))
    return problems


def who_tables(metadata: sa.MetaData) -> set[str]:
    """Participation records, found by their voter key."""
    return {t.name for t in metadata.tables.values() if "voter_key" in t.c}


def what_tables(metadata: sa.MetaData) -> set[str]:
    """Ballots (a receipt hash) and their content (a primary key naming a ballot)."""
    ballots = {t.name for t in metadata.tables.values() if "receipt_hash" in t.c}
    content = {
        t.name
        for t in metadata.tables.values()
        if any(fk.column.table.name in ballots and fk.parent.primary_key for fk in t.foreign_keys)
    }
    return ballots | content


def _meanings(columns) -> set[str]:
    """What the columns speak of: a meaning's word among the parts of a name (`cast_at`)."""
    parts = {part for name in columns for part in name.lower().split("_")}
    return {meaning for meaning, words in MEANINGS.items() if words & parts}


def shared_columns(metadata, who=WHO, what=WHAT) -> list[str]:
    """Columns a "what" table shares with a "who" one, by name or by meaning."""
    problems = []
    for secret in sorted(what & set(metadata.tables)):
        content = metadata.tables[secret]
        coarse_keys = {
            fk.parent.name for fk in content.foreign_keys if fk.column.table.name in COARSE
        }
        own = {c.name for c in content.c} - SHARED_OK - coarse_keys
        for name in sorted(who & set(metadata.tables)):
            theirs = {c.name for c in metadata.tables[name].c} - SHARED_OK
            if extra := own & theirs:
                problems.append(f"{secret} and {name} share {sorted(extra)}")
            if meant := _meanings(own) & _meanings(theirs):
                problems.append(f"{secret} and {name} both say {sorted(meant)}")
        for column in content.primary_key:
            if column.name == "id" and not isinstance(column.type, sa.String):
                problems.append(f"{secret}.id is not random text")
    return problems


def timelike_columns(metadata, what=WHAT) -> list[str]:
    problems = []
    for name in sorted(what & set(metadata.tables)):
        for column in metadata.tables[name].c:
            kind = column.type
            if isinstance(kind, sa.TypeDecorator):
                kind = kind.impl
            if isinstance(kind, sa.DateTime | sa.Date | sa.Time | sa.Interval):
                problems.append(f"{name}.{column.name} is a date or time")
            elif TIMELIKE_NAME.search(column.name):
                problems.append(f"{name}.{column.name} looks like a time")
    return problems


def autoincrement_ids(metadata, what=WHAT) -> list[str]:
    problems = []
    for name in sorted(what & set(metadata.tables)):
        table = metadata.tables[name]
        if table.autoincrement_column is not None:
            problems.append(f"{name}.{table.autoincrement_column.name} is an autoincrement id")
        for column in table.c:
            default = str(column.server_default.arg) if column.server_default else ""
            if "nextval" in default or column.identity is not None:
                problems.append(f"{name}.{column.name} comes from a sequence")
    return problems


def all_problems(metadata, who=WHO, what=WHAT) -> list[str]:
    return [
        *unclassified(metadata, who, what),
        *linking_paths(metadata, who, what),
        *shared_columns(metadata, who, what),
        *timelike_columns(metadata, what),
        *autoincrement_ids(metadata, what),
    ]


def rowid_tables(connection, what=WHAT) -> list[str]:
    """SQLite: "what" tables that keep rowids (insertion order) or AUTOINCREMENT."""
    problems = []
    for name in sorted(what):
        sql = connection.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": name}
        ).scalar_one()
        if "WITHOUT ROWID" not in sql.upper() or "AUTOINCREMENT" in sql.upper():
            problems.append(f"{name} has rowids")
    return problems


def reflected() -> sa.MetaData:
    metadata = sa.MetaData()
    metadata.reflect(db.engine)
    return metadata


def test_the_models_keep_the_two_sides_apart(app):
    assert set(db.metadata.tables) >= WHO | WHAT | COARSE
    assert not all_problems(db.metadata)
    # The written classification is what the metadata says: no ballot table slips by.
    assert who_tables(db.metadata) == WHO
    assert what_tables(db.metadata) == WHAT
    assert not all_problems(db.metadata, who_tables(db.metadata), what_tables(db.metadata))


@pytest.mark.sqlite_only  # reads sqlite_master; the PostgreSQL schema has its own test below
def test_the_sqlite_database_keeps_the_two_sides_apart(app):
    assert not all_problems(reflected())
    assert not rowid_tables(db.session.connection())


@pytest.mark.postgres
def test_the_postgres_database_keeps_the_two_sides_apart(pg_app):
    assert not all_problems(reflected())


def test_the_who_side_is_what_it_claims(app):
    """The classification is not stale: the "who" tables hold voter keys, the "what" don't."""
    people = identity_tables(db.metadata)
    assert people >= WHO
    assert not WHAT & people
    assert all("receipt_hash" not in db.metadata.tables[name].c for name in WHO)


@pytest.mark.sqlite_only  # its rowid check reads sqlite_master; it runs in the SQLite pass
def test_each_check_catches_a_bad_table(app):
    bad = sa.MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(bad)
    # A log joining participations to responses, and a vote table with a stamp and a serial id.
    sa.Table(
        "ballot_log",
        bad,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("participation_id", sa.ForeignKey("participation.id")),
        sa.Column("response_id", sa.ForeignKey("response.id")),
    )
    sa.Table(
        "stamped_vote",
        bad,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ballot_id", sa.ForeignKey("pb_ballot.id")),
        sa.Column("cast_at", sa.DateTime(timezone=True)),
        sa.Column("colonia_id", sa.ForeignKey("colonia.id")),
        sa.Column("created", sa.Integer),
    )
    what = WHAT | {"stamped_vote"}

    assert unclassified(bad, WHO, what) == ["ballot_log: points to ballots or voters; classify it"]
    assert "path response - ballot_log - participation" in linking_paths(bad, WHO, what)
    # colonia is no coarse table: participations name it, so a vote must not.
    assert "path stamped_vote - colonia - participation" in linking_paths(bad, WHO, what)
    assert any("colonia_id" in p for p in shared_columns(bad, WHO, what))
    assert "stamped_vote.id is not random text" in shared_columns(bad, WHO, what)
    assert timelike_columns(bad, what) == [
        "stamped_vote.cast_at is a date or time",
        "stamped_vote.created looks like a time",
    ]
    assert autoincrement_ids(bad, what) == ["stamped_vote.id is an autoincrement id"]
    # Found from the metadata too: a ballot table with a receipt hash, whatever its name.
    sa.Table(
        "kiosk_ballot",
        bad,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("receipt_hash", sa.String(64)),
    )
    assert "kiosk_ballot" in what_tables(bad) and "kiosk_ballot" not in WHAT

    # SQLite: a "what" table with rowids is caught too.
    connection = db.session.connection()
    connection.exec_driver_sql("CREATE TABLE stamped_vote (id TEXT PRIMARY KEY)")
    assert rowid_tables(connection, what) == ["stamped_vote has rowids"]
    db.session.rollback()


@pytest.mark.parametrize(
    ("column", "problem"),
    [
        ("channel", "pb_vote and pb_participation share ['channel']"),  # by name
        ("arrived_via", "pb_vote and pb_participation both say ['how it arrived']"),
        ("booth", "pb_vote and pb_participation both say ['where']"),
        ("age_group", "pb_vote and pb_participation both say ['statistics of the voter']"),
    ],
)
def test_a_planted_shared_column_is_caught(app, column, problem):
    """A copy of the schema where PB votes say how (or where) they arrived fails the check."""
    bad = sa.MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(bad)
    bad.tables["pb_vote"].append_column(sa.Column(column, sa.String(10)))
    assert problem in shared_columns(bad)
    assert problem in shared_columns(bad, who_tables(bad), what_tables(bad))
    assert not shared_columns(db.metadata)  # the real schema has none


def test_no_content_id_equals_a_participation_id(app, make):
    """Shared ids, by value: after real answers, no "what" id is a "who" id."""
    from tests.consultations.test_secrecy import submit_many

    submit_many(make, 5)
    who_ids = {str(i) for i in db.session.scalars(sa.text("SELECT id FROM participation"))}
    what_ids = set(db.session.scalars(sa.text("SELECT id FROM response")))
    assert len(who_ids) == len(what_ids) == 5
    assert not who_ids & what_ids
