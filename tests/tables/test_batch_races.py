"""Paper batches acted on at the same moment: committed exactly once, never stuck.

Two typists finishing a batch at once must not each see only their own typing finished (the
batch would wait forever and its papers be lost); two supervisors resolving at once must not
both write the papers and add them to the paper tallies. On SQLite the stale read is played
in order (what the other person's page read before the other action committed); on
PostgreSQL the actions really run at once.
"""

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from participa.aggregates.channels import MIN_BALLOTS
from participa.aggregates.paper import paper_votes
from participa.auth.models import Role, User
from participa.budgets.models import BallotRule, PbVote
from participa.core.errors import DomainError
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.tables import batches
from participa.tables.ballots import ballot_of
from participa.tables.models import BatchStatus, PaperBatch, VotingTable
from tests import factories
from tests.race import run_at_once
from tests.tables.helpers import pb_table

ROUNDS = 4
SIZE = MIN_BALLOTS  # the smallest batch counted apart in the paper tallies


def _pb(make):
    _colonias, _process, _ballot, projects, table, team = pb_table(
        make, BallotRule.KNAPSACK, people=3
    )
    return table, projects, team, ballot_of(table, 2000)


def _typed(actor, ballot, batch, papers, finish=True):
    batches.start_entry(actor, batch, utcnow())
    for n, content in enumerate(papers, 1):
        batches.save_paper(actor, ballot, batch, n, content)
    if finish:
        batches.finish_entry(actor, ballot, batch, utcnow())


def _two_readings(projects) -> tuple[list, list]:
    """Two typings of a batch of SIZE papers that differ on the last one."""
    same = [{projects[0].id: 1}] * (SIZE - 1)
    return same + [{projects[1].id: 1}], same + [{projects[2].id: 1}]


def _count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def test_a_supervisor_with_a_stale_page_cannot_commit_a_resolved_batch_again(make):
    table, projects, (first, second, supervisor), ballot = _pb(make)
    other = make.user(Role.STAFF)
    batch = batches.new_batch(first, table, SIZE, utcnow())
    one, two = _two_readings(projects)
    _typed(first, ballot, batch, one)
    _typed(second, ballot, batch, two)
    batches.resolve(supervisor, ballot, batch, {SIZE: 1}, utcnow())
    assert _count(PbVote) == SIZE and paper_votes(ballot.ballot.id).ballots == SIZE
    # The other supervisor's request read the batch before the first one committed.
    set_committed_value(batch, "status", BatchStatus.DIFFERENT)
    with pytest.raises(DomainError, match="no differences"):
        batches.resolve(other, ballot, batch, {SIZE: 2}, utcnow())
    assert _count(PbVote) == SIZE and paper_votes(ballot.ballot.id).ballots == SIZE
    assert db.session.get(PaperBatch, batch.id).resolved_by_id == supervisor.id


def test_a_typist_who_read_the_other_typing_unfinished_still_commits_the_batch(make):
    table, projects, (first, second, _supervisor), ballot = _pb(make)
    batch = batches.new_batch(first, table, SIZE, utcnow())
    papers = [{projects[0].id: 1}] * SIZE
    _typed(second, ballot, batch, papers, finish=False)
    _typed(first, ballot, batch, papers)
    first_entry = batches.entry_of(batch, first)
    # The second typist's request read the batch while the first typing was still open.
    set_committed_value(first_entry, "finished_at", None)
    batches.finish_entry(second, ballot, batch, utcnow())
    assert db.session.get(PaperBatch, batch.id).status is BatchStatus.COMMITTED
    assert _count(PbVote) == SIZE and paper_votes(ballot.ballot.id).ballots == SIZE


def _act(table_id: int, batch_id: int, user_id: int, action):
    def attempt():
        table = db.session.get(VotingTable, table_id)
        batch = db.session.get(PaperBatch, batch_id)
        action(db.session.get(User, user_id), ballot_of(table, 2000), batch)
        return "done"

    return attempt


def check_resolving_at_once(app):
    make = factories.Factories()
    table, projects, (first, second, supervisor), ballot = _pb(make)
    other = make.user(Role.STAFF)
    ids = []
    for _ in range(ROUNDS):
        batch = batches.new_batch(first, table, SIZE, utcnow())
        one, two = _two_readings(projects)
        _typed(first, ballot, batch, one)
        _typed(second, ballot, batch, two)
        ids.append(batch.id)
    table_id, ballot_id, people = table.id, ballot.ballot.id, (supervisor.id, other.id)

    def resolving(user, ballot, batch):
        batches.resolve(user, ballot, batch, {SIZE: 1}, utcnow())

    results = run_at_once(app, [_act(table_id, b, u, resolving) for b in ids for u in people])
    assert results.count("done") == ROUNDS, results
    assert _count(PbVote) == SIZE * ROUNDS
    assert paper_votes(ballot_id).ballots == SIZE * ROUNDS


def check_finishing_at_once(app):
    make = factories.Factories()
    table, projects, (first, second, _supervisor), ballot = _pb(make)
    papers = [{projects[0].id: 1}] * SIZE + [None]
    ids = []
    for _ in range(ROUNDS):
        batch = batches.new_batch(first, table, SIZE + 1, utcnow())
        for typist in (first, second):
            _typed(typist, ballot, batch, papers, finish=False)
        ids.append(batch.id)
    table_id, ballot_id, people = table.id, ballot.ballot.id, (first.id, second.id)

    def finishing(user, ballot, batch):
        batches.finish_entry(user, ballot, batch, utcnow())

    results = run_at_once(app, [_act(table_id, b, u, finishing) for b in ids for u in people])
    assert results.count("done") == 2 * ROUNDS, results
    statuses = db.session.execute(sa.select(PaperBatch.status)).scalars().all()
    assert statuses == [BatchStatus.COMMITTED] * ROUNDS
    assert _count(PbVote) == SIZE * ROUNDS and paper_votes(ballot_id).ballots == SIZE * ROUNDS


@pytest.mark.postgres
def test_two_supervisors_resolving_at_once_commit_each_batch_once_postgres(pg_app):
    check_resolving_at_once(pg_app)


@pytest.mark.postgres
def test_two_typists_finishing_at_once_commit_each_batch_postgres(pg_app):
    check_finishing_at_once(pg_app)
