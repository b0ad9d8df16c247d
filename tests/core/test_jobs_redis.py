"""Background jobs on the real Redis queue (RQ), run by a worker in this process (burst mode)
and by `flask worker --burst`: delivered, retried after a failure then shown with the error,
a PB count lost with its worker counted again, the periodic mixing scheduled by the worker.

They need a Redis server: PARTICIPA_TEST_REDIS_URL (CI sets it and then never skips), or a
local one on the default port; skipped with a reason otherwise."""

import uuid
from datetime import timedelta

import pytest
import redis

from participa.auth.models import Role
from participa.budgets.models import CountingRule, CountState, PbCount
from participa.core import jobclock, jobqueue, jobs, jobstore
from participa.core.jobstore import BackgroundJob, JobState
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.services import change_status
from participa.processes.types import ProcessStatus
from tests.budgets.test_counting import APPROVAL_VOTES, add_votes, seed_ballot
from tests.consultations.test_secrecy import submit_many
from tests.core.test_jobs import FAILURES, GATE, flaky, halfway, record, remember, staff_page
from tests.hardening.test_rate_limits import redis_url


@pytest.fixture
def queued(app):
    """The app on a Redis queue of its own (emptied afterwards)."""
    url = redis_url()
    app.config.update(
        JOBS_MODE="rq", JOBS_REDIS_URL=url, JOBS_QUEUE=f"participa-test-{uuid.uuid4().hex[:8]}"
    )
    yield app
    queue = jobqueue.queue(app)
    queue.empty()
    connection = redis.Redis.from_url(url)
    for key in connection.scan_iter(f"*{app.config['JOBS_QUEUE']}*"):
        connection.delete(key)


def work(app) -> None:
    jobqueue.worker(app, name=f"test-{uuid.uuid4().hex[:8]}").work(burst=True)


def test_a_job_waits_in_redis_until_a_worker_runs_it(queued, make):
    job = jobs.submit("remember", remember, "por redis", label="Trabajo en cola")
    assert record(job.id).state is JobState.QUEUED
    assert jobqueue.queue(queued).count == 1
    page = staff_page(make, queued)
    assert "En cola" in page and "Esperando a un proceso de trabajo" in page
    assert "No se ha visto ningún proceso de trabajo" in page
    work(queued)
    stored = record(job.id)
    assert (stored.state, stored.attempts) == (JobState.SUCCEEDED, 1)
    assert jobqueue.queue(queued).count == 0


def test_progress_is_stored_by_the_worker(queued):
    GATE.set()  # the job reports 40 % and ends at once
    job = jobs.submit("halfway", halfway)
    work(queued)
    stored = record(job.id)
    assert stored.state is JobState.SUCCEEDED and stored.progress == 100


def test_a_failed_job_is_retried_by_rq_then_shown_with_its_error(queued, make):
    FAILURES.clear()
    job = jobs.submit("flaky", flaky, 5, retries=2)
    work(queued)
    stored = record(job.id)
    assert len(FAILURES) == 3 and (stored.state, stored.attempts) == (JobState.FAILED, 3)
    assert stored.error == "RuntimeError: boom 3"
    page = staff_page(make, queued)
    assert "Falló" in page and "RuntimeError: boom 3" in page


def test_a_count_lost_with_its_worker_is_counted_again(queued, make):
    ballot = seed_ballot(make, status=ProcessStatus.OPEN, counting_rule=CountingRule.MES)
    add_votes(ballot, APPROVAL_VOTES)
    change_status(make.user(Role.STAFF), ballot.process, ProcessStatus.CLOSED)
    count_job = db.session.scalars(
        db.select(BackgroundJob).where(BackgroundJob.name.like("pb-count-%"))
    ).one()
    # A worker took the count and died with it: the record says running, Redis lost it.
    assert jobstore.claim(count_job.id)
    (lost,) = [j for j in jobqueue.queue(queued).jobs if j.args == (count_job.id,)]
    lost.delete()
    work(queued)  # the mixing job queued at close runs; the count does not
    assert db.session.get(PbCount, ballot.id).state is CountState.COUNTING
    later = utcnow() + timedelta(seconds=queued.config["JOBS_STALE_AFTER"] + 1)
    assert jobclock.recover(later) == [count_job.id]
    work(queued)
    db.session.expire_all()
    assert db.session.get(PbCount, ballot.id).state is CountState.DONE
    assert (record(count_job.id).state, record(count_job.id).attempts) == (JobState.SUCCEEDED, 2)


def test_the_worker_command_schedules_the_periodic_mixing(queued, make):
    submit_many(make, 3)  # an open consultation: its ballots are mixed while voting
    queued.config["BALLOTS_MIX_EVERY"] = 600
    result = queued.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    mixes = db.session.scalars(
        db.select(BackgroundJob).where(BackgroundJob.name == "ballots-mix")
    ).all()
    assert [m.state for m in mixes] == [JobState.SUCCEEDED]
    # The next run is not due yet: a second worker start submits none.
    queued.test_cli_runner().invoke(args=["worker", "--burst"])
    db.session.expire_all()
    assert (
        len(
            db.session.scalars(
                db.select(BackgroundJob).where(BackgroundJob.name == "ballots-mix")
            ).all()
        )
        == 1
    )


def test_without_redis_the_worker_command_explains_the_fallback(app):
    app.config.update(JOBS_MODE="auto", JOBS_REDIS_URL=None)
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "embedded fallback" in result.output


def test_health_names_the_queue_when_its_redis_answers(queued):
    assert queued.test_client().get("/salud").json["checks"]["queue"] == "ok"
