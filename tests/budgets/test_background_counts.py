"""PB counts run in the background (when voting closes, when staff ask, from `flask pb-count`)
and are stored; results pages read what is stored and never count."""

import json
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.budgets import count_store, counting, counts, outcomes
from participa.budgets.ballots import BallotData, save_ballot
from participa.budgets.models import (
    BallotRule,
    CountingRule,
    CountState,
    PbCount,
    PbOutcome,
    PbTurnout,
)
from participa.budgets.turnout import turnout
from participa.core import jobs
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.services import change_status
from participa.processes.types import ProcessStatus
from tests import factories
from tests.budgets.test_counting import APPROVAL_VOTES, CASES, add_votes, count, seed_ballot
from tests.budgets.test_counting import ids as ids_by_title
from tests.budgets.test_pb_results_pages import as_role, public_url, staff_url

WAIT = 60  # seconds a test waits for a background count before failing


def row(ballot) -> PbCount | None:
    db.session.expire_all()
    return db.session.get(PbCount, ballot.id)


def test_closing_voting_counts_in_the_background(app, make):
    app.config["JOBS_MODE"] = "thread"  # as a server runs it
    ballot = seed_ballot(make, status=ProcessStatus.OPEN, counting_rule=CountingRule.MES)
    add_votes(ballot, APPROVAL_VOTES)
    assert row(ballot) is None
    change_status(make.user(Role.STAFF), ballot.process, ProcessStatus.CLOSED)
    assert row(ballot) is not None  # claimed in the status change's transaction
    assert jobs.wait_all(WAIT), "the background count did not end"
    stored = row(ballot)
    assert (stored.state, stored.error, stored.attempt) == (CountState.DONE, "", 1)
    assert stored.finished_at is not None and stored.counted_at is not None
    status = counts.status(ballot, utcnow())
    assert status.current and status.comparison == counting.compare(ballot)
    assert [line.title for line in status.comparison.lines if line.mes] == ["A", "C"]


@pytest.mark.parametrize(("rule", "votes", "greedy", "mes"), CASES)
def test_the_stored_count_reads_back_as_counted(make, rule, votes, greedy, mes):
    ballot = seed_ballot(make, rule)
    add_votes(ballot, votes)
    count(ballot)
    assert counts.status(ballot, utcnow()).comparison == counting.compare(ballot)


def test_a_results_page_counts_nothing_and_offers_staff_to_count(client, make):
    ballot = seed_ballot(make, counting_rule=CountingRule.MES)
    add_votes(ballot, APPROVAL_VOTES)
    as_role(client, make, Role.STAFF)
    for url in (staff_url(ballot), public_url(ballot)):
        page = client.get(url).get_data(as_text=True)
        assert "The count of this ballot is pending." in page
        assert "Save Equal Shares result" not in page and "Money used" not in page, url
    assert f'action="{staff_url(ballot)}/contar-ahora"' in page  # "Count now" for staff
    assert row(ballot) is None and db.session.execute(sa.select(PbOutcome)).first() is None

    response = client.post(staff_url(ballot, "/contar-ahora"))
    assert response.status_code == 302 and row(ballot).state is CountState.DONE
    stored = row(ballot)
    # What the page shows is what is stored, not a new count: change the stored figure.
    data = json.loads(stored.result)
    data["voters"] = 12345
    stored.result = json.dumps(data)
    db.session.commit()
    for url in (staff_url(ballot), public_url(ballot)):
        page = client.get(url).get_data(as_text=True)
        assert "12,345" in page and "pending" not in page


def test_council_sees_pending_without_the_button_nor_the_error(client, make, monkeypatch):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)

    def broken(_ballot):
        raise RuntimeError("the tally ran out of memory")

    monkeypatch.setattr(counts, "compare", broken)
    count(ballot)
    assert (row(ballot).state, row(ballot).result) == (CountState.FAILED, None)
    as_role(client, make, Role.COUNCIL)
    page = client.get(public_url(ballot)).get_data(as_text=True)
    assert "The count of this ballot is pending." in page
    assert "contar-ahora" not in page and "out of memory" not in page


def test_a_failed_count_shows_its_error_to_staff_and_keeps_the_last_good_one(
    client, make, monkeypatch
):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    count(ballot)
    good = row(ballot).result

    def broken(_ballot):
        raise RuntimeError("the tally ran out of memory")

    monkeypatch.setattr(counts, "compare", broken)
    count(ballot)
    stored = row(ballot)
    assert (stored.state, stored.attempt, stored.result) == (CountState.FAILED, 2, good)
    assert stored.error == "RuntimeError: the tally ran out of memory"
    as_role(client, make, Role.STAFF)
    page = client.get(staff_url(ballot)).get_data(as_text=True)
    assert "The count failed at" in page and "RuntimeError: the tally ran out of memory" in page
    assert "Save greedy result" in page  # the last good count is still current


def test_a_stale_count_is_shown_and_cannot_be_saved(client, make):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    count(ballot)
    add_votes(ballot, [("C",)])  # e.g. paper ballots typed after the count
    status = counts.status(ballot, utcnow())
    assert status.comparison is not None and not status.current
    as_role(client, make, Role.STAFF)
    page = client.get(staff_url(ballot)).get_data(as_text=True)
    assert "Votes or settings changed after this count" in page
    assert "Save greedy result" not in page


def test_staff_see_a_running_count_and_a_second_click_starts_nothing(client, make):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    assert counts.claim([ballot.id], utcnow()) == [[ballot.id, 1]]  # a count is running
    db.session.commit()
    as_role(client, make, Role.STAFF)
    page = client.get(staff_url(ballot)).get_data(as_text=True)
    assert "Counting…" in page and "Started at" in page
    assert '<meta http-equiv="refresh"' in page
    page = client.post(staff_url(ballot, "/contar-ahora"), follow_redirects=True)
    assert "The count is already running" in page.get_data(as_text=True)
    assert (row(ballot).state, row(ballot).attempt) == (CountState.COUNTING, 1)


def test_a_count_whose_process_stopped_may_start_again_and_the_old_one_stores_nothing(app, make):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    long_ago = utcnow() - timedelta(seconds=app.config["PB_COUNT_STALE_AFTER"] + 60)
    counts.claim([ballot.id], long_ago)
    db.session.commit()
    assert counts.status(ballot, utcnow()).stopped
    assert counts.claim([ballot.id], utcnow()) == [[ballot.id, 2]]
    db.session.commit()
    counts.count_ballot(ballot.id, 1)  # the first run, come back to life: it stores nothing
    assert (row(ballot).state, row(ballot).result) == (CountState.COUNTING, None)
    counts.count_ballot(ballot.id, 2)
    assert row(ballot).state is CountState.DONE


def claim_together(app, ballot_id: int, attempts: int = 4) -> list:
    """Claim the ballot from several threads at once, each in its own transaction."""
    db.session.remove()
    barrier, results = threading.Barrier(attempts), []

    def attempt():
        with app.app_context():
            barrier.wait(timeout=10)
            try:
                results.append(counts.claim([ballot_id], utcnow()))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                results.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def check_one_claim_wins(app, make) -> None:
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    ballot_id = ballot.id
    results = claim_together(app, ballot_id)
    assert sorted(map(str, results)) == [str([[ballot_id, 1]])] + ["[]"] * 3
    counts.count_ballot(ballot_id, 1)
    results = claim_together(app, ballot_id)  # a finished count may be started again, once
    assert sorted(map(str, results)) == [str([[ballot_id, 2]])] + ["[]"] * 3


def test_two_count_now_clicks_start_one_count_sqlite(app, make):
    check_one_claim_wins(app, make)


@pytest.mark.postgres
def test_two_count_now_clicks_start_one_count_postgres(pg_app):
    check_one_claim_wins(pg_app, factories.Factories())


def test_changing_a_closed_ballots_settings_counts_it_again(make):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    count(ballot)
    before = row(ballot).fingerprint
    data = BallotData(name=ballot.name, amount=ballot.amount, max_choices=5)
    save_ballot(make.user(Role.STAFF), ballot.process, ballot, data)  # the same settings
    assert (row(ballot).attempt, row(ballot).fingerprint) == (1, before)
    data = BallotData(name=ballot.name, amount=ballot.amount, max_choices=5, mes_comparison=True)
    save_ballot(make.user(Role.STAFF), ballot.process, ballot, data)
    assert row(ballot).attempt == 2 and row(ballot).fingerprint != before
    assert counts.status(ballot, utcnow()).current


def test_turnout_counts_people_once_across_ballots_once_voting_has_closed(make):
    colonias = make.territory()
    city = seed_ballot(make, status=ProcessStatus.OPEN)
    zone = seed_ballot(make, BallotRule.KNAPSACK)
    zone.process_id = city.process_id
    db.session.commit()
    add_votes(city, APPROVAL_VOTES, colonia=colonias["Centro"])
    add_votes(zone, APPROVAL_VOTES[:2], colonia=colonias["Centro"], first_person=0)  # again
    process = city.process
    during = turnout(process)  # from the tallies: one person per ballot voted in
    assert (during.total, during.exact) == (6, False)
    change_status(make.user(Role.STAFF), process, ProcessStatus.CLOSED)
    after = turnout(process)
    assert (after.total, after.located, after.exact) == (4, 4, True)
    assert db.session.get(PbTurnout, process.id).people == 4


def test_pb_count_command(app, make, runner):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    result = runner.invoke(args=["pb-count", "--process", str(ballot.process_id)])
    assert result.exit_code == 0, result.output
    assert f"ballot {ballot.id}: {len(APPROVAL_VOTES)} votes counted" in result.output
    assert row(ballot).state is CountState.DONE
    everything = runner.invoke(args=["pb-count", "--all"])
    assert everything.exit_code == 0 and row(ballot).attempt == 2
    unknown = runner.invoke(args=["pb-count", "--process", "999"])
    assert unknown.exit_code != 0 and "There is no process 999" in unknown.output
    assert runner.invoke(args=["pb-count"]).exit_code != 0
    open_one = seed_ballot(make, status=ProcessStatus.OPEN)
    refused = runner.invoke(args=["pb-count", "--process", str(open_one.process_id)])
    assert refused.exit_code != 0 and "voting has not closed" in refused.output


def test_the_fingerprint_follows_votes_settings_and_costs_not_titles(make):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    first = count_store.fingerprint(ballot)
    ballot.projects[0].title = "Otro nombre"
    assert count_store.fingerprint(ballot) == first
    ballot.mes_exhaustive_stop = True
    assert count_store.fingerprint(ballot) != first
    ballot.mes_exhaustive_stop = False
    ballot.projects[0].cost += 1
    assert count_store.fingerprint(ballot) != first
    ballot.projects[0].cost -= 1
    add_votes(ballot, [("B",)])
    assert count_store.fingerprint(ballot) != first


@contextmanager
def statements():
    """The SQL statements run meanwhile, as text."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_the_results_page_reads_the_same_few_rows_whatever_the_votes(client, make):
    """Turnout and channels come from the tallies and the count is stored: more votes, the
    same statements, and none that reads every vote (Equal Shares) or every participation."""
    colonias = make.territory()
    city = seed_ballot(make, counting_rule=CountingRule.MES)
    zone = seed_ballot(make, BallotRule.KNAPSACK)
    zone.process_id = city.process_id
    db.session.commit()
    process_id = city.process_id

    def page_statements() -> list[str]:
        with statements() as seen:
            page = client.get(public_url(city)).get_data(as_text=True)
        assert "people voted" in page and "pending" not in page
        return seen

    readings, first = [], 0
    for votes in (APPROVAL_VOTES, APPROVAL_VOTES * 10):  # the same people in both ballots
        add_votes(city, votes, colonia=colonias["Centro"], first_person=first)
        add_votes(zone, votes, colonia=colonias["Centro"], first_person=first)
        first += len(votes)
        counts.count_here(process_id, [city.id, zone.id], utcnow())
        as_role(client, make, Role.COUNCIL)
        readings.append(page_statements())
    assert len(readings[0]) == len(readings[1])
    for statement in readings[1]:
        assert "ORDER BY pb_vote.id" not in statement  # the read of every vote for a count
        assert "count(DISTINCT" not in statement  # people counted once: stored at close
    assert db.session.get(PbTurnout, process_id).people == 4 + 40


def test_a_published_outcome_shows_without_a_stored_count(client, make):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    from_titles = ids_by_title(ballot)
    reason = "El consejo eligió el parque por la consulta de enero y la opinión de las colonias."
    outcomes.save_outcome(
        make.user(Role.STAFF), ballot, outcomes.MANUAL, [from_titles["C"]], reason
    )
    db.session.commit()
    ballot.process.status = ProcessStatus.RESULTS_PUBLISHED
    db.session.commit()
    assert row(ballot) is None  # imported, or not counted again since an upgrade
    page = client.get(public_url(ballot)).get_data(as_text=True)
    assert "The count of this ballot is pending." not in page
    assert "Funded projects" in page and "<li>C ·" in page and "<li>A ·" not in page
    assert reason in page


def test_count_now_is_audited(client, make):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    as_role(client, make, Role.STAFF)
    client.post(staff_url(ballot, "/contar-ahora"))
    query = sa.select(AuditEvent.action, AuditEvent.object_id).where(
        AuditEvent.action == "pb.count.request"
    )
    assert db.session.execute(query).all() == [("pb.count.request", str(ballot.process_id))]


def test_pb_count_force_takes_over_a_count_killed_with_its_worker(app, make, runner):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    counts.claim([ballot.id], utcnow())  # its worker restarted: "counting" for minutes more
    db.session.commit()
    left = runner.invoke(args=["pb-count", "--process", str(ballot.process_id)])
    assert "left to it (--force takes it over)" in left.output
    assert row(ballot).state is CountState.COUNTING
    forced = runner.invoke(args=["pb-count", "--process", str(ballot.process_id), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (row(ballot).state, row(ballot).attempt) == (CountState.DONE, 2)


def test_votes_stored_while_counting_are_counted_before_the_count_ends(make, monkeypatch):
    ballot = seed_ballot(make)
    add_votes(ballot, APPROVAL_VOTES)
    counts.claim([ballot.id], utcnow())
    db.session.commit()
    compare, late = counting.compare, [("B",)]

    def compare_while_a_paper_batch_lands(counted):
        result = compare(counted)
        if late:
            add_votes(counted, [late.pop()])  # committed by another writer meanwhile
        return result

    monkeypatch.setattr(counts, "compare", compare_while_a_paper_batch_lands)
    counts.count_ballot(ballot.id, 1)
    status = counts.status(ballot, utcnow())
    assert status.current and status.comparison.voters == len(APPROVAL_VOTES) + 1
