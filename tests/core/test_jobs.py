"""Background jobs: run after the commit that announced them, never after a rollback."""

import threading

from participa.core import jobs
from participa.extensions import db

RAN: list = []


def remember(value) -> None:
    """A job: module-level and given plain values, as a queue will need."""
    RAN.append((value, threading.current_thread().name))


def test_a_job_waits_for_the_commit_and_is_dropped_by_a_rollback(app):
    RAN.clear()
    jobs.after_commit("dropped", remember, "dropped")
    db.session.rollback()
    db.session.commit()
    assert RAN == []
    jobs.after_commit("kept", remember, "kept")
    assert RAN == []
    db.session.commit()
    assert [value for value, _thread in RAN] == ["kept"]  # inline in tests: already done


def test_in_thread_mode_a_job_runs_in_a_thread_of_its_own(app):
    RAN.clear()
    app.config["JOBS_MODE"] = "thread"
    job = jobs.submit("pb-count-test", remember, "threaded")
    assert job.join(timeout=10)
    assert RAN == [("threaded", "pb-count-test")]
    assert jobs.wait_all(timeout=1)


def test_a_failing_job_is_logged_and_leaves_no_thread_behind(app, caplog):
    app.config["JOBS_MODE"] = "thread"

    def explode():
        raise RuntimeError("boom")

    assert jobs.submit("exploding", explode).join(timeout=10)
    assert "background job exploding failed" in caplog.text
    assert jobs.running() == []
