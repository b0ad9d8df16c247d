"""Background work, until there is a job queue: a daemon thread with an app context of its own.

The interface is the one a queue (Redis, a later issue) can take over unchanged:

- `submit(name, fn, *args)` runs `fn(*args)` away from the request. `fn` is a module-level
  function and `args` are plain values (ids, not ORM objects), so a queue can name the
  function and serialise the arguments; `fn` opens its own transactions and records its own
  outcome (a failed job must leave a trace a person can read, not only a log line).
- `after_commit(name, fn, *args)` submits it once the current session commits, and drops
  it if the session rolls back: work announced inside a transaction (a status change) never
  starts before the rows it reads are visible, nor at all when they are not written.

`JOBS_MODE` "thread" (the default) starts a daemon thread per job; "inline" runs the job
at once in the caller's thread (commands, tests). A thread lives in its server process: a
worker restarted mid-job loses it, so a job's owner must recognise work that stopped
(participa.budgets.counts does, by the age of the claim).
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from participa.extensions import db

log = logging.getLogger("participa.jobs")

PENDING = "participa.jobs.pending"  # key in Session.info: jobs waiting for the commit


@dataclass(frozen=True)
class Job:
    """A submitted job: its name and, in thread mode, the thread running it."""

    name: str
    thread: threading.Thread | None = None

    def join(self, timeout: float) -> bool:
        """Wait at most `timeout` seconds; True when the job has finished."""
        if self.thread is None:
            return True
        self.thread.join(timeout)
        return not self.thread.is_alive()


_running: set[threading.Thread] = set()
_lock = threading.Lock()


def _run(app: Flask, name: str, fn: Callable, args: tuple) -> None:
    with app.app_context():
        try:
            fn(*args)
        except Exception:
            log.exception("background job %s failed", name)
        finally:
            db.session.remove()
            with _lock:
                _running.discard(threading.current_thread())


def _start(app: Flask, name: str, fn: Callable, args: tuple) -> Job:
    if app.config.get("JOBS_MODE", "thread") == "inline":
        _run(app, name, fn, args)
        return Job(name)
    thread = threading.Thread(target=_run, args=(app, name, fn, args), name=name, daemon=True)
    with _lock:
        _running.add(thread)
    thread.start()
    return Job(name, thread)


def submit(name: str, fn: Callable, *args) -> Job:
    """Run `fn(*args)` in the background, in an app context and database session of its own."""
    return _start(current_app._get_current_object(), name, fn, args)


def after_commit(name: str, fn: Callable, *args) -> None:
    """Submit `fn(*args)` when the current session commits; forget it if it rolls back."""
    app = current_app._get_current_object()
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even of nothing written, drops the job
    session.info.setdefault(PENDING, []).append((app, name, fn, args))


def running() -> list[threading.Thread]:
    """The threads running jobs now, in this process."""
    with _lock:
        return list(_running)


def wait_all(timeout: float) -> bool:
    """Wait for this process's running jobs (commands, tests); True when none is left."""
    for thread in running():
        thread.join(timeout)
    return not running()


@event.listens_for(Session, "after_commit")
def _submit_pending(session: Session) -> None:
    for app, name, fn, args in session.info.pop(PENDING, []):
        _start(app, name, fn, args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)
