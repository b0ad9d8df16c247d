"""channel only on who voted: none on ballot content, paper tallies, times to the hour;
eligibility rule "roll_or_verified"

Revision ID: b7c3e1d9a0f2
Revises: d521a33a8895
Create Date: 2026-12-07 15:10:00

`response` and `pb_vote` lose `channel` (the only web voter of a ballot was linked to the only
web ballot). Before it goes, the paper ballots it marks are counted into the new `paper_*`
tallies, so results keep their paper split. The content tallies lose their `channel` key:
they are rebuilt with every channel summed (derived data, read in full first). Times of who
took part (`participation`, `pb_participation`, `table_service`) are rounded down to the hour.
`process_eligibility.rule` accepts the new rule "roll_or_verified" (its CHECK is rewritten; a
downgrade turns that rule into "verified", the stricter of the two it joins).

SQLite: both content tables are WITHOUT ROWID and carry the CHECK on `channel` that
9d602ac9e9c6 added, so the batch rebuild drops the CHECK first and is told WITHOUT ROWID again
(env.py turns foreign keys off around migrations, so answers and items survive the rebuild).
PostgreSQL drops the column's CHECK with the column. The downgrade puts `channel` back as
'web' everywhere: which ballots were paper is not recoverable from the content, by design.
"""

import sqlalchemy as sa
from alembic import op

revision = "b7c3e1d9a0f2"
down_revision = "d521a33a8895"
branch_labels = None
depends_on = None

CHANNEL = sa.Enum(
    "web", "desk", "paper", name="channel", native_enum=False, create_constraint=True, length=40
)
# Content tallies: (table, parent FK columns as (column, target table), other keys, sums).
TALLIES = (
    (
        "answer_tally",
        (("process_id", "process"), ("question_id", "question")),
        ("option_id", "value"),
        ("answers", "respondents"),
    ),
    ("response_tally", (("process_id", "process"),), (), ("ballots",)),
    (
        "pb_project_tally",
        (("ballot_id", "pb_ballot"), ("project_id", "pb_project")),
        (),
        ("votes", "weight_sum", "rank_points"),
    ),
    ("pb_ballot_tally", (("ballot_id", "pb_ballot"),), (), ("ballots",)),
)
PAPER_FILLS = (
    "INSERT INTO paper_answer_tally (process_id, question_id, option_id, value, answers) "
    "SELECT r.process_id, a.question_id, COALESCE(a.option_id, 0), COALESCE(a.value, -1), "
    "COUNT(*) FROM answer a JOIN response r ON r.id = a.response_id WHERE r.channel = 'paper' "
    "GROUP BY r.process_id, a.question_id, COALESCE(a.option_id, 0), COALESCE(a.value, -1)",
    "INSERT INTO paper_response_tally (process_id, ballots) SELECT process_id, COUNT(*) "
    "FROM response WHERE channel = 'paper' GROUP BY process_id",
    "INSERT INTO paper_project_tally (ballot_id, project_id, votes) "
    "SELECT v.ballot_id, i.project_id, COUNT(*) FROM pb_vote_item i "
    "JOIN pb_vote v ON v.id = i.vote_id WHERE v.channel = 'paper' "
    "GROUP BY v.ballot_id, i.project_id",
    "INSERT INTO paper_ballot_tally (ballot_id, ballots) SELECT ballot_id, COUNT(*) "
    "FROM pb_vote WHERE channel = 'paper' GROUP BY ballot_id",
)
WHO_TIMES = ("participation", "pb_participation", "table_service")
RULES_BEFORE = ("registered", "roll", "verified")
RULES_AFTER = (*RULES_BEFORE, "roll_or_verified")


def _rule_check(values) -> None:
    """Rewrite the CHECK on process_eligibility.rule to accept `values`."""
    listed = ", ".join(f"'{v}'" for v in values)
    with op.batch_alter_table("process_eligibility") as batch_op:
        batch_op.drop_constraint(op.f("ck_process_eligibility_eligibilityrule"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_process_eligibility_eligibilityrule"), f"rule IN ({listed})"
        )


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _fk(table, column, target):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete="CASCADE"
    )


def _tally_table(table, parents, keys, sums, channel: bool):
    columns = [sa.Column(c, sa.Integer(), nullable=False) for c, _t in parents]
    columns += [sa.Column(k, sa.Integer(), autoincrement=False, nullable=False) for k in keys]
    if channel:
        columns.append(sa.Column("channel", CHANNEL, nullable=False))
    columns += [sa.Column(s, sa.BigInteger(), nullable=False) for s in sums]
    primary = [c for c, _t in parents] + list(keys) + (["channel"] if channel else [])
    op.create_table(
        table,
        *columns,
        *(_fk(table, c, t) for c, t in parents),
        sa.PrimaryKeyConstraint(*primary, name=op.f(f"pk_{table}")),
    )


def _rebuild_tallies(channel: bool):
    """Read each content tally summed over channel, recreate it with or without the key."""
    bind = op.get_bind()
    for table, parents, keys, sums in TALLIES:
        group = [c for c, _t in parents] + list(keys)
        totals = ", ".join(f"SUM({s}) AS {s}" for s in sums)
        rows = [
            dict(row._mapping)
            for row in bind.execute(
                sa.text(
                    f"SELECT {', '.join(group)}, {totals} FROM {table} GROUP BY {', '.join(group)}"
                )
            )
        ]
        op.drop_table(table)
        _tally_table(table, parents, keys, sums, channel)
        if rows:
            if channel:
                rows = [{**row, "channel": "web"} for row in rows]
            columns = [sa.column(name) for name in rows[0]]
            op.bulk_insert(sa.table(table, *columns), rows)


def _paper_tables():
    _tally_table("paper_answer_tally", TALLIES[0][1], ("option_id", "value"), ("answers",), False)
    _tally_table("paper_response_tally", TALLIES[1][1], (), ("ballots",), False)
    _tally_table("paper_project_tally", TALLIES[2][1], (), ("votes",), False)
    _tally_table("paper_ballot_tally", TALLIES[3][1], (), ("ballots",), False)


def _round_who_times():
    if _sqlite():
        hour = "substr(created_at, 1, 13) || ':00:00.000000'"
    else:
        hour = "date_trunc('hour', created_at)"
    for table in WHO_TIMES:
        op.execute(f"UPDATE {table} SET created_at = {hour}")


def upgrade():
    _paper_tables()
    for statement in PAPER_FILLS:
        op.execute(statement)
    _rebuild_tallies(channel=False)
    for table in ("response", "pb_vote"):
        if _sqlite():
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_with_rowid": False}
            ) as batch_op:
                batch_op.drop_constraint(op.f(f"ck_{table}_channel"), type_="check")
                batch_op.drop_column("channel")
        else:
            op.drop_column(table, "channel")
    _round_who_times()
    _rule_check(RULES_AFTER)


def downgrade():
    op.execute("UPDATE process_eligibility SET rule = 'verified' WHERE rule = 'roll_or_verified'")
    _rule_check(RULES_BEFORE)
    for table in ("response", "pb_vote"):
        if _sqlite():
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_with_rowid": False}
            ) as batch_op:
                batch_op.add_column(
                    sa.Column("channel", CHANNEL, server_default="web", nullable=False)
                )
        else:
            op.add_column(
                table, sa.Column("channel", CHANNEL, server_default="web", nullable=False)
            )
    _rebuild_tallies(channel=True)
    for table in (
        "paper_ballot_tally",
        "paper_project_tally",
        "paper_response_tally",
        "paper_answer_tally",
    ):
        op.drop_table(table)
