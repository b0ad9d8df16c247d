"""Background jobs without Redis (the embedded fallback): run after the commit that announced
them, never after a rollback; their record shows state and progress on the staff page; a
failed job is retried, then shown with its error; a job whose worker stopped runs again;
periodic jobs (the ballot mixing while voting is open) are submitted when due."""

import json
import threading
from datetime import timedelta

import sqlalchemy as sa

from participa.audit.models import AuditEvent
from participa.auth.models import Role
from participa.core import jobclock, jobs, jobstore
from participa.core.jobstore import BackgroundJob, JobState
from participa.core.timeutil import utcnow
from participa.extensions import db
from participa.processes.services import change_status
from participa.processes.types import ProcessStatus
from tests.consultations.test_secrecy import submit_many
from tests.factories import login

RAN: list = []
GATE = threading.Event()
FAILURES: list = []


def remember(value) -> None:
    """A job: module-level and given plain values, as a queue needs."""
    RAN.append((value, threading.current_thread().name))


def halfway() -> None:
    """A job that reports progress, then waits for the test to let it end."""
    jobs.progress(40, "Leyendo la línea 400 de 1000")
    assert GATE.wait(10)


def flaky(times: int) -> jobs.Outcome:
    """Fails its first `times` attempts."""
    FAILURES.append(1)
    if len(FAILURES) <= times:
        raise RuntimeError(f"boom {len(FAILURES)}")
    return jobs.Outcome(message="por fin")


def refuse() -> None:
    raise jobs.Refused("Línea 3: la CURP no es válida")


def record(job_id: int) -> BackgroundJob:
    db.session.expire_all()
    return db.session.get(BackgroundJob, job_id)


def staff_page(make, app) -> str:
    client = app.test_client()
    login(client, make.user(Role.STAFF).email)
    return client.get("/gestion/trabajos/").get_data(as_text=True)


def test_a_job_waits_for_the_commit_and_is_dropped_by_a_rollback(app):
    RAN.clear()
    jobs.after_commit("dropped", remember, "dropped")
    db.session.rollback()
    db.session.commit()
    assert RAN == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BackgroundJob)) == 0
    jobs.after_commit("kept", remember, "kept")
    assert RAN == []
    db.session.commit()
    assert [value for value, _thread in RAN] == ["kept"]  # inline in tests: already done
    (kept,) = db.session.scalars(sa.select(BackgroundJob)).all()
    assert (kept.name, kept.state, kept.attempts, kept.args) == (
        "kept",
        JobState.SUCCEEDED,
        1,
        ["kept"],
    )


def test_in_thread_mode_a_job_runs_in_a_thread_of_its_own(app):
    RAN.clear()
    app.config["JOBS_MODE"] = "thread"
    job = jobs.submit("pb-count-test", remember, "threaded")
    assert job.join(timeout=10)
    assert RAN == [("threaded", "pb-count-test")]
    assert jobs.wait_all(timeout=1)
    assert record(job.id).state is JobState.SUCCEEDED


def test_progress_shows_on_the_staff_page_until_the_job_ends(app, make):
    app.config["JOBS_MODE"] = "thread"
    GATE.clear()
    job = jobs.submit("halfway", halfway, label="Importación de prueba")
    for _ in range(100):
        if record(job.id).progress == 40:
            break
        threading.Event().wait(0.05)
    page = staff_page(make, app)
    assert "Trabajos en segundo plano" in page and "Importación de prueba" in page
    assert 'value="40"' in page and "Leyendo la línea 400 de 1000" in page
    assert "En curso" in page and 'http-equiv="refresh"' in page  # reloads itself, no JS
    GATE.set()
    assert job.join(timeout=10)
    page = staff_page(make, app)
    assert "Terminado" in page and 'http-equiv="refresh"' not in page


def test_a_failed_job_is_retried_then_shown_with_its_error(app, make, caplog):
    FAILURES.clear()
    job = jobs.submit("flaky", flaky, 5, retries=2, label="Trabajo que falla")
    stored = record(job.id)
    assert len(FAILURES) == 3  # the first attempt and two retries
    assert (stored.state, stored.attempts) == (JobState.FAILED, 3)
    assert stored.error == "RuntimeError: boom 3" and stored.finished_at is not None
    assert "background job flaky failed (will retry)" in caplog.text
    page = staff_page(make, app)
    assert "Falló" in page and "RuntimeError: boom 3" in page and "intento 3 de 3" in page


def test_a_job_that_fails_once_succeeds_on_its_retry(app):
    FAILURES.clear()
    stored = record(jobs.submit("flaky", flaky, 1, retries=1).id)
    assert (stored.state, stored.attempts, stored.message) == (JobState.SUCCEEDED, 2, "por fin")
    assert stored.error == ""


def test_refused_input_fails_at_once_without_retries(app):
    stored = record(jobs.submit("refused", refuse, retries=3).id)
    assert (stored.state, stored.attempts) == (JobState.FAILED, 1)
    assert stored.error == "Línea 3: la CURP no es válida"


def refuse_secret(code: str) -> None:
    raise jobs.Refused("no")


def test_a_secret_job_forgets_its_arguments_when_it_ends_but_not_before(app):
    FAILURES.clear()
    done = record(jobs.submit("flaky", flaky, 1, retries=1, secret=True).id)
    failed = record(jobs.submit("refused", refuse_secret, "482913", secret=True).id)
    assert (done.state, done.arguments) == (JobState.SUCCEEDED, "[]")
    assert (failed.state, failed.arguments) == (JobState.FAILED, "[]")
    plain = record(jobs.submit("refused", refuse_secret, "482913").id)
    assert plain.args == ["482913"]


def test_a_job_whose_worker_stopped_is_queued_again_and_runs(app):
    RAN.clear()
    app.config["JOBS_MODE"] = "rq"
    app.config["JOBS_REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens: enqueue fails
    jobs.after_commit("lost", remember, "lost", retries=1)
    db.session.commit()  # committed with its record; the queue refused it (logged)
    (lost,) = db.session.scalars(sa.select(BackgroundJob)).all()
    assert lost.state is JobState.QUEUED
    assert jobstore.claim(lost.id)  # a worker took it ... and died with it
    app.config["JOBS_MODE"] = "inline"
    assert jobclock.recover(utcnow()) == []  # not silent long enough yet
    later = utcnow() + timedelta(seconds=app.config["JOBS_STALE_AFTER"] + 1)
    assert jobclock.recover(later) == [lost.id]
    stored = record(lost.id)
    assert (stored.state, stored.attempts) == (JobState.SUCCEEDED, 2)
    assert [value for value, _ in RAN] == ["lost"]
    assert jobclock.recover(later + timedelta(hours=1)) == []  # ended: never again


def test_a_stopped_job_with_no_attempt_left_is_failed(app):
    job_id = jobstore.insert_record("spent", jobs.function_name(remember), ("x",))
    assert jobstore.claim(job_id)
    later = utcnow() + timedelta(seconds=app.config["JOBS_STALE_AFTER"] + 1)
    assert jobclock.recover(later) == []
    stored = record(job_id)
    assert stored.state is JobState.FAILED and stored.error == jobstore.STOPPED


def test_the_periodic_mixing_runs_when_due_and_not_before(app, make):
    consultation, _codes = submit_many(make, 3)  # open: its ballots are mixed while voting
    app.config["BALLOTS_MIX_EVERY"] = 600
    now = utcnow()
    assert "ballots-mix" in jobclock.tick(now)
    assert "ballots-mix" not in jobclock.tick(now + timedelta(seconds=60))
    assert "ballots-mix" in jobclock.tick(now + timedelta(seconds=601))
    mixes = db.session.scalars(sa.select(BackgroundJob).where(BackgroundJob.name == "ballots-mix"))
    assert [m.state for m in mixes] == [JobState.SUCCEEDED, JobState.SUCCEEDED]
    audit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "ballots.mix"))
    assert [(e.object_id, json.loads(e.details)) for e in audit] == [
        (str(consultation.id), {"ballots": 3, "via": "job"}),
        (str(consultation.id), {"ballots": 3, "via": "job"}),
    ]
    app.config["BALLOTS_MIX_EVERY"] = 0  # switched off
    assert "ballots-mix" not in jobclock.tick(now + timedelta(days=1))


def test_records_of_jobs_ended_long_ago_are_deleted(app):
    old = jobs.submit("old", remember, "old").id
    recent = jobs.submit("recent", remember, "recent").id
    waiting = jobstore.insert_record("waiting", jobs.function_name(remember), ("w",))
    long_ago = utcnow() - timedelta(seconds=app.config["JOBS_KEEP"] + 60)
    db.session.execute(
        sa.update(BackgroundJob)
        .where(BackgroundJob.id.in_([old, waiting]))
        .values(finished_at=long_ago, created_at=long_ago)
    )
    db.session.commit()
    assert jobclock.prune().message == "1"
    remaining = db.session.scalars(sa.select(BackgroundJob.id).order_by(BackgroundJob.id)).all()
    assert remaining == [recent, waiting]  # a queued job is never deleted


def test_the_staff_page_of_a_process_shows_the_mixing_started_at_close(app, make):
    consultation, _codes = submit_many(make, 2)
    staff = make.user(Role.STAFF)
    change_status(staff, consultation, ProcessStatus.CLOSED)
    client = app.test_client()
    login(client, staff.email)
    page = client.get(f"/gestion/procesos/{consultation.id}").get_data(as_text=True)
    assert "Mezcla de las boletas secretas" in page and "Terminado" in page


def test_the_staff_page_lists_messages_apart_and_counts_the_failed_ones(app, make):
    jobs.submit("pb-count-7", remember, "conteo", label="Conteo de prueba")
    for _ in range(3):
        jobs.submit("mail", remember, "correo", label="Correo enviado")
    jobs.submit("sms", refuse_secret, "482913", label="SMS que falla")
    work = staff_page(make, app)
    assert "Conteo de prueba" in work and "Correo enviado" not in work
    assert "1 mensaje fallido" in work
    client = app.test_client()
    login(client, make.user(Role.STAFF).email)
    messages = client.get("/gestion/trabajos/?ver=mensajes").get_data(as_text=True)
    assert messages.count('aria-label="Correo enviado"') == 3
    assert "Conteo de prueba" not in messages
    failed = client.get("/gestion/trabajos/?ver=mensajes-fallidos").get_data(as_text=True)
    assert "SMS que falla" in failed and "Correo enviado" not in failed


AT_ONCE: list = []


def crowded() -> None:
    """A job that notes how many jobs run beside it, then waits for the gate."""
    AT_ONCE.append(len(jobs.running()))
    assert GATE.wait(10)


def test_thread_mode_runs_a_burst_of_jobs_on_a_bounded_number_of_threads(app):
    app.config.update(JOBS_MODE="thread")
    GATE.clear()
    before = threading.active_count()
    submitted = [jobs.submit("burst", crowded) for _ in range(12)]
    assert threading.active_count() - before <= app.config["JOBS_THREADS"]
    GATE.set()
    assert all(job.join(timeout=10) for job in submitted) and jobs.wait_all(1)
    assert all(record(job.id).state is JobState.SUCCEEDED for job in submitted)


def test_an_error_of_the_records_leaves_the_thread_alive_and_the_job_to_recovery(
    app, monkeypatch, caplog
):
    app.config["JOBS_MODE"] = "thread"
    real_claim = jobstore.claim
    monkeypatch.setattr(jobstore, "claim", lambda job_id: 1 / 0)  # the database away
    lost = jobs.submit("lost", remember, "perdido")
    assert lost.join(timeout=10)
    assert "background job lost" in caplog.text and record(lost.id).state is JobState.QUEUED
    monkeypatch.setattr(jobstore, "claim", real_claim)
    RAN.clear()
    assert jobs.submit("next", remember, "siguiente").join(timeout=10)
    assert RAN == [("siguiente", "next")]
