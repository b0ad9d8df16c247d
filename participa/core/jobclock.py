"""The jobs' clock: periodic jobs, and jobs whose worker stopped queued again.

`periodic(name, setting, fn)` (from a domain's hooks.py) runs `fn()` as a job every
`app.config[setting]` seconds: the ballot mixing while voting is open, the deletion of old
export files and job records. `tick(now)` submits what is due and `recover(now)` queues again
any job silent for JOBS_STALE_AFTER (its worker was killed mid-job). The clock is a thread
calling `tick` every JOBS_TICK seconds: in `flask worker` (Redis), or in the server process
from its first request (the embedded fallback). Several clocks at once submit a due job once
or, in a race, twice: every periodic job is safe to run twice.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app

from participa.core import jobs, jobstore
from participa.core.timeutil import utcnow
from participa.extensions import db

log = logging.getLogger("participa.jobs")
LOCK = threading.Lock()


@dataclass(frozen=True)
class Periodic:
    name: str
    setting: str  # the config key of its period in seconds (0: never)
    fn: Callable
    label: str


PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, setting: str, fn: Callable, label: str = "") -> None:
    """Run `fn()` every `config[setting]` seconds as a job (registered from a hooks.py)."""
    PERIODIC[name] = Periodic(name, setting, fn, label or name)


def tick(now: datetime) -> list[str]:
    """Submit the periodic jobs that are due and queue stopped ones again; their names."""
    submitted = []
    for task in PERIODIC.values():
        every = current_app.config.get(task.setting, 0)
        last = jobstore.last_created(task.name)
        if every and (last is None or last <= now - timedelta(seconds=every)):
            jobs.submit(task.name, task.fn, retries=0, label=task.label)
            submitted.append(task.name)
    recover(now)
    return submitted


def recover(now: datetime) -> list[int]:
    """Queue again the jobs whose worker stopped (no heartbeat for JOBS_STALE_AFTER)."""
    app = current_app._get_current_object()
    stale = timedelta(seconds=app.config.get("JOBS_STALE_AFTER", 900))
    requeued = []
    for record in jobstore.stalled(stale, now):
        if jobstore.requeue(record, now):
            log.warning("background job %s (%s) stopped; queued again", record.name, record.id)
            requeued.append(record.id)
    db.session.rollback()
    for job_id in requeued:
        record = db.session.get(jobstore.BackgroundJob, job_id)
        jobs.dispatch(app, record.name, record.id, None, record.max_attempts, record.label)
    db.session.rollback()
    return requeued


def prune() -> jobs.Outcome:
    """Delete the records of jobs that ended more than JOBS_KEEP seconds ago (periodic)."""
    keep = timedelta(seconds=current_app.config.get("JOBS_KEEP", 30 * 86400))
    return jobs.Outcome(message=str(jobstore.delete_ended(utcnow() - keep)))


def clock(app: Flask, stop: threading.Event) -> None:
    """Every JOBS_TICK seconds until `stop`: `tick()` (the worker's or the fallback's clock)."""
    while not stop.wait(app.config.get("JOBS_TICK", 30)):
        with app.app_context():
            try:
                tick(utcnow())
            except Exception:
                log.exception("the background jobs' clock failed; it goes on")
            finally:
                db.session.remove()


def init_app(app: Flask) -> None:
    """In thread mode (no Redis), start the clock with the first request of a served app."""

    def start_clock() -> None:
        if jobs.mode(app) != "thread" or app.testing or "participa-jobs-clock" in app.extensions:
            return
        with LOCK:
            if "participa-jobs-clock" not in app.extensions:
                thread = threading.Thread(
                    target=clock, args=(app, threading.Event()), name="jobs-clock", daemon=True
                )
                app.extensions["participa-jobs-clock"] = thread
                thread.start()

    app.before_request(start_clock)


periodic("jobs-prune", "JOBS_PRUNE_EVERY", prune, jobs.N_("Deletion of old job records"))
