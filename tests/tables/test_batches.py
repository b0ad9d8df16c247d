"""Paper ballots: double entry by two people, reconciliation, one commit, and table totals."""

import json

import pytest
import sqlalchemy as sa

from participa.aggregates.models import PaperBallotTally, PaperProjectTally
from participa.aggregates.paper import PaperCounts, paper_answers, paper_votes
from participa.auth.models import Role
from participa.budgets.models import BallotRule, CountState, PbCount, PbVote, PbVoteItem
from participa.consultations.models import Answer, Response
from participa.core.errors import DomainError, NotAllowed
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.types import ProcessStatus
from participa.tables import batches, services
from participa.tables.ballots import ballot_of
from participa.tables.lookup import look_up
from participa.tables.models import BatchEntry, BatchStatus
from participa.tables.models import PaperRecord as PaperRecordModel
from participa.territory.models import Colonia
from tests.budgets.test_voting import REPEATED, say
from tests.factories import login
from tests.tables.helpers import TODAY, answers, consultation_table, form_data, pb_table


def _count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


def _type(actor, ballot, batch, papers):
    """`actor` types `papers` (content dicts, None for spoiled) into their entry and finishes."""
    batches.start_entry(actor, batch, utcnow())
    for n, content in enumerate(papers, 1):
        batches.save_paper(actor, ballot, batch, n, content)
    batches.finish_entry(actor, ballot, batch, utcnow())


@pytest.fixture
def pb(make):
    colonias, process, ballot, projects, table, team = pb_table(make, BallotRule.KNAPSACK, people=3)
    return table, projects, team, ballot_of(table, 2000)


def test_agreeing_entries_are_stored_as_paper_ballots(pb):
    table, projects, (first, second, _third), ballot = pb
    batch = batches.new_batch(first, table, 6, utcnow())
    one, both, other = (
        {projects[0].id: 1},
        {projects[1].id: 1, projects[2].id: 1},
        {projects[3].id: 1},
    )
    papers = [one, None, both, one, one, other]
    _type(first, ballot, batch, papers)
    assert batch.status is BatchStatus.ENTERING and _count(PbVote) == 0
    _type(second, ballot, batch, papers)
    assert batch.status is BatchStatus.COMMITTED
    assert (batch.valid, batch.spoiled) == (5, 1)
    votes = db.session.execute(sa.select(PbVote)).scalars().all()
    assert sorted(len(v.items) for v in votes) == [1, 1, 1, 1, 2]
    # The content says nothing of paper; the paper tallies, written with the batch, do.
    paper = paper_votes(ballot.ballot.id)
    assert paper.ballots == 5
    assert paper.counts == {p.id: n for p, n in zip(projects[:4], (3, 1, 1, 1), strict=True)}


def test_a_batch_of_fewer_than_five_valid_papers_is_not_counted_apart(pb):
    """In a copy of the database a paper tally of one ballot, beside the one paper hand-out,
    would be that person's vote: a small batch counts only with the rest."""
    table, projects, (first, second, _third), ballot = pb
    batch = batches.new_batch(first, table, 5, utcnow())
    papers = [{projects[0].id: 1}, None, None, None, None]
    for typist in (first, second):
        _type(typist, ballot, batch, papers)
    assert batch.status is BatchStatus.COMMITTED and _count(PbVote) == 1
    assert paper_votes(ballot.ballot.id) == PaperCounts(0, {})
    assert _count(PaperProjectTally) == 0 and _count(PaperBallotTally) == 0


def test_paper_ballots_typed_after_voting_closed_are_counted_again(pb):
    table, projects, (first, second, _third), ballot = pb
    table.process.status = ProcessStatus.CLOSED
    db.session.commit()
    assert db.session.get(PbCount, ballot.ballot.id) is None
    batch = batches.new_batch(first, table, 1, utcnow())
    for typist in (first, second):
        _type(typist, ballot, batch, [{projects[0].id: 1}])
    assert batch.status is BatchStatus.COMMITTED
    count = db.session.get(PbCount, ballot.ballot.id)  # counted after the commit (inline here)
    assert count.state is CountState.DONE and json.loads(count.result)["voters"] == 1


def test_disagreeing_entries_wait_for_a_supervisor_who_did_not_type(pb):
    table, projects, (first, second, supervisor), ballot = pb
    batch = batches.new_batch(first, table, 2, utcnow())
    _type(first, ballot, batch, [{projects[0].id: 1}, {projects[3].id: 1}])
    _type(second, ballot, batch, [{projects[0].id: 1}, {projects[4].id: 1}])
    assert batch.status is BatchStatus.DIFFERENT and _count(PbVote) == 0
    [difference] = batches.differences(batch)
    assert difference.position == 2

    with pytest.raises(NotAllowed):
        batches.resolve(first, ballot, batch, {2: 1}, utcnow())
    with pytest.raises(DomainError):
        batches.resolve(supervisor, ballot, batch, {}, utcnow())  # every difference needs a pick
    assert _count(PbVote) == 0

    batches.resolve(supervisor, ballot, batch, {2: 2}, utcnow())
    assert batch.status is BatchStatus.COMMITTED and batch.resolved_by_id == supervisor.id
    chosen = db.session.execute(sa.select(PbVoteItem.project_id)).scalars().all()
    assert sorted(chosen) == sorted([projects[0].id, projects[4].id])


def test_the_same_typist_cannot_enter_a_batch_twice_nor_a_third_person(pb, make):
    table, projects, (first, second, third), ballot = pb
    batch = batches.new_batch(first, table, 1, utcnow())
    one = batches.start_entry(first, batch, utcnow())
    assert batches.start_entry(first, batch, utcnow()).id == one.id  # their own, again
    batches.start_entry(second, batch, utcnow())
    with pytest.raises(NotAllowed):
        batches.start_entry(third, batch, utcnow())
    assert _count(BatchEntry) == 2
    # The database refuses a second entry by the same person even past the service.
    db.session.add(BatchEntry(batch_id=batch.id, slot=2, typist_id=first.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_paper_breaking_the_ballot_rule_is_refused_and_nothing_is_written(pb):
    table, projects, (first, _second, _third), ballot = pb
    batch = batches.new_batch(first, table, 1, utcnow())
    batches.start_entry(first, batch, utcnow())
    over = {p.id: 1 for p in projects[:4]}  # over the amount
    with pytest.raises(DomainError):
        batches.save_paper(first, ballot, batch, 1, over)
    with pytest.raises(DomainError):
        batches.finish_entry(first, ballot, batch, utcnow())  # paper 1 is missing
    assert batches.papers_of(batches.entry_of(batch, first)) == {}
    assert _count(PbVote) == 0


def test_a_batch_with_a_bad_paper_commits_nothing(pb):
    """Even if a tampered paper reached the commit, no row of the batch is written."""
    table, projects, (first, second, _third), ballot = pb
    batch = batches.new_batch(first, table, 2, utcnow())
    for typist in (first, second):
        batches.start_entry(typist, batch, utcnow())
        batches.save_paper(typist, ballot, batch, 1, {projects[0].id: 1})
        batches.save_paper(typist, ballot, batch, 2, {projects[1].id: 1})
    for entry in batch.entries:  # as if the rule had been bypassed while typing
        entry.papers[1].content = json.dumps({str(p.id): 1 for p in projects[:4]})
    db.session.commit()
    batches.finish_entry(first, ballot, batch, utcnow())
    with pytest.raises(DomainError):
        batches.finish_entry(second, ballot, batch, utcnow())
    db.session.expire_all()
    assert _count(PbVote) == 0 and batch.status is BatchStatus.ENTERING
    assert batches.entry_of(batch, second).finished_at is None


def test_double_entry_through_the_pages_for_a_consultation(app, make):
    colonias, process, table, (first, second) = consultation_table(make, people=2)
    base = f"/gestion/procesos/{process.id}/mesas/{table.id}"
    one, two = app.test_client(), app.test_client()
    login(one, first.email)
    login(two, second.email)
    made = one.post(f"{base}/lotes", data={"size": "2"})
    batch_url = made.headers["Location"]
    assert one.post(f"{batch_url}/capturar").status_code == 302
    assert one.post(f"{batch_url}/papel/1", data=form_data(process, 0)).status_code == 302
    assert one.post(f"{batch_url}/papel/2/anulada").status_code == 302
    one.post(f"{batch_url}/terminar")

    # The second typist sees nothing of the first's entry.
    page = two.get(batch_url).get_data(as_text=True)
    assert "Agua" not in page and "Spoiled or blank" not in page
    two.post(f"{batch_url}/capturar")
    bad = two.post(f"{batch_url}/papel/1", data={})  # required answers missing
    assert bad.status_code == 400
    two.post(f"{batch_url}/papel/1", data=form_data(process, 0))
    two.post(f"{batch_url}/papel/2/anulada")
    done = two.post(f"{batch_url}/terminar", follow_redirects=True)
    assert "the batch was stored" in done.get_data(as_text=True)
    db.session.execute(sa.select(Response)).scalar_one()
    assert paper_answers(process.id).ballots == 0  # one valid paper: never counted apart
    assert _count(Answer) == len(answers(process)) - 2  # skipped ranking and text store nothing


def test_a_typed_paper_naming_a_project_twice_is_refused(app, make):
    _colonias, process, _ballot, projects, table, (first,) = pb_table(make, BallotRule.KNAPSACK)
    client = app.test_client()
    login(client, first.email)
    made = client.post(f"/gestion/procesos/{process.id}/mesas/{table.id}/lotes", data={"size": "1"})
    batch_url = made.headers["Location"]
    client.post(f"{batch_url}/capturar")
    twice = {"projects": [str(projects[0].id)] * 20}
    page = client.post(f"{batch_url}/papel/1", data=twice)
    assert page.status_code == 400
    assert say(REPEATED) in page.get_data(as_text=True)
    assert _count(PaperRecordModel) == 0


def test_table_totals_flag_what_does_not_add_up(pb, make):
    table, projects, (first, second, _third), ballot = pb
    centro = db.session.execute(sa.select(Colonia).where(Colonia.name == "Centro")).scalar_one()
    for _ in range(3):
        voter = look_up(table.process, make.user(colonia=centro).curp, None, TODAY)
        services.hand_out_paper(first, table, voter, now=utcnow(), today=TODAY, max_text=2000)
    services.save_received(first, table, 2)
    batch = batches.new_batch(first, table, 2, utcnow())
    _type(first, ballot, batch, [{projects[0].id: 1}, None])
    _type(second, ballot, batch, [{projects[0].id: 1}, None])
    totals = services.totals(table)
    assert (totals.handed_out, totals.received, totals.valid, totals.spoiled) == (3, 2, 1, 1)
    assert len(totals.flags) == 1  # the box held fewer papers than were handed out
    services.save_received(first, table, 3)
    assert len(services.totals(table).flags) == 1  # now the batches miss a paper
    with pytest.raises(DomainError):
        services.save_received(first, table, -1)
    page = login_and_get(make, table)
    assert "These numbers do not add up" in page


def login_and_get(make, table) -> str:
    from flask import current_app

    client = current_app.test_client()
    login(client, table.staff[0].email)
    return client.get(f"/gestion/procesos/{table.process_id}/mesas/{table.id}").get_data(
        as_text=True
    )


def test_non_staff_roles_cannot_be_table_staff(make):
    colonias, process, table, (clerk,) = consultation_table(make)
    council = make.user(Role.COUNCIL)
    data = services.TableData(name="Mesa", staff_ids=(council.id,))
    with pytest.raises(DomainError):
        services.save_table(clerk, process, None, data)


def test_no_paper_batch_is_committed_once_results_are_published(pb):
    table, projects, (first, second, _third), ballot = pb
    batch = batches.new_batch(first, table, 1, utcnow())
    _type(first, ballot, batch, [{projects[0].id: 1}])
    batches.start_entry(second, batch, utcnow())
    batches.save_paper(second, ballot, batch, 1, {projects[0].id: 1})
    table.process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()
    with pytest.raises(DomainError):
        batches.finish_entry(second, ballot, batch, utcnow())
    with pytest.raises(DomainError):
        batches.new_batch(first, table, 1, utcnow())
    db.session.expire_all()
    assert _count(PbVote) == 0 and batch.status is BatchStatus.ENTERING
