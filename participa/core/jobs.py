"""Background jobs: work too long for a request, on a queue with a record staff can read.

- `submit(name, fn, *args, retries=, owner=, label=, subject=)` stores a job record
  (participa.core.jobstore) and hands its id to the queue. `fn` is a module-level function
  and `args` are plain values (ids, not ORM objects): the record names the function and keeps
  the arguments as JSON, so any worker can run it. `fn` opens its own transactions; it may
  call `progress(percent, message)` as it goes, raise `Refused(text)` for input it will not
  take (failed at once, not retried), and return an `Outcome` (a message, a file to offer).
- `after_commit(name, fn, *args, ...)` adds the record to the current transaction and hands
  it to the queue once that commits; a rollback drops both. Work announced inside a
  transaction never starts before the rows it reads are visible, nor at all when they are not
  written, and a record committed but never delivered (the process died) is found again.
- Periodic jobs (mixing ballots during voting) and the recovery of stopped ones are
  participa.core.jobclock's.

Where a job runs (`JOBS_MODE`): "rq" on Redis (JOBS_REDIS_URL, or the environment's
REDIS_URL) run by `flask worker`; "thread", the embedded fallback, one of JOBS_THREADS (4)
daemon threads of the process that submitted it, in turn; "inline", at once in the caller's
thread (tests, commands);
"auto" (the default) is "rq" when a Redis URL is set, else "thread". Within `run_here()`
(every `flask` command, participa/cli.py) "thread" becomes "inline": the command returns
once its jobs ended, instead of leaving them to threads that die with it. A failed attempt is
retried `retries` times with a growing pause (JOBS_RETRY_BACKOFF); a job whose worker stopped
(no heartbeat for JOBS_STALE_AFTER) is queued again by jobclock.recover(), so a count or an import
lost with a restarted worker runs again. A run first claims its record, so a job delivered
twice runs once.
"""

import contextlib
import contextvars
import importlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from participa.core import jobqueue, jobstore
from participa.extensions import db

log = logging.getLogger("participa.jobs")

PENDING = "participa.jobs.pending"  # key in Session.info: records waiting for the commit
CURRENT = contextvars.ContextVar("participa_job", default=None)  # id of the job running here
HERE = contextvars.ContextVar("participa_jobs_here", default=False)  # see run_here()


N_ = jobstore.N_  # marks a job's label for translation, translated on display


class Refused(Exception):
    """The job's input is refused (bad lines of a file): fail now, do not retry."""


def refusal_text(message: str, problems: list[str], more: Callable[[int], str]) -> str:
    """A refusal's text: `message`, then one line per problem, as many as the job's record
    keeps (jobstore.MAX_ERROR characters), then `more(n)` naming the n left out."""
    room = jobstore.MAX_ERROR - len(message) - 100  # 100: the "and n more" line
    shown = []
    for problem in problems:
        line = " ".join(str(problem).split())
        room -= len(line) + 1
        if room < 0:
            break
        shown.append(line)
    hidden = len(problems) - len(shown)
    return "\n".join([message, *shown, *([more(hidden)] if hidden else [])])


@dataclass(frozen=True)
class Outcome:
    """What a finished job tells staff: a message and, for an export, its file's name."""

    message: str = ""
    file: str = ""


@dataclass(frozen=True)
class Job:
    """A submitted job: its name, its record's id and, in thread mode, its end (an Event)."""

    name: str
    id: int | None = None
    ended: threading.Event | None = None

    def join(self, timeout: float) -> bool:
        """Wait at most `timeout` seconds; True when the job has finished (thread mode)."""
        return self.ended is None or self.ended.wait(timeout)


# The embedded fallback: JOBS_THREADS daemon threads of this process take the jobs in turn,
# so a burst of jobs (a mail per notice) never starts a thread each.
_waiting: queue.SimpleQueue = queue.SimpleQueue()
_threads: list[threading.Thread] = []
_unfinished: dict[threading.Event, str] = {}  # job's end -> its name, until it ends
_lock = threading.Lock()


def function_name(fn: Callable) -> str:
    return f"{fn.__module__}:{fn.__qualname__}"


def resolve(name: str) -> Callable:
    """The module-level function a record names."""
    module, _, qualname = name.partition(":")
    return getattr(importlib.import_module(module), qualname)


def mode(app: Flask) -> str:
    chosen = app.config.get("JOBS_MODE", "auto")
    if chosen == "auto":
        chosen = "rq" if app.config.get("JOBS_REDIS_URL") else "thread"
    return "inline" if chosen == "thread" and HERE.get() else chosen


@contextlib.contextmanager
def run_here() -> Iterator[None]:
    """Within: what would run in a thread runs inline (a command: its daemon threads would
    die when it exits). A queue (rq) is left alone."""
    token = HERE.set(True)
    try:
        yield
    finally:
        HERE.reset(token)


def _options(app: Flask, name: str, fn: Callable, args: tuple, options: dict) -> dict:
    retries = options.pop("retries", app.config.get("JOBS_RETRIES", 2))
    owner = options.pop("owner", None)
    label = str(options.pop("label", "") or name)
    subject = options.pop("subject", "")
    secret = bool(options.pop("secret", False))
    if options:
        raise TypeError(f"unknown job options: {sorted(options)}")
    if mode(app) == "rq" and "<locals>" in fn.__qualname__:
        raise ValueError(f"job {name}: a queue needs a module-level function")
    return {
        "label": label[:200],
        "subject": subject,
        "max_attempts": 1 + max(0, retries),
        "owner_id": getattr(owner, "id", owner),
        "secret": secret,
    }


def submit(name: str, fn: Callable, *args, **options) -> Job:
    """Run `fn(*args)` in the background, in an app context and database session of its own.

    Options: `retries` (attempts after a failure), `owner` (the user who asked), `label`
    (what staff read: a text marked with `N_`, shown translated), `subject` (the page that
    started it, which shows its state), `secret` (its arguments hold a code or a link: the
    record forgets them when the job ends).
    """
    app = current_app._get_current_object()
    fields = _options(app, name, fn, args, options)
    job_id = jobstore.insert_record(name, function_name(fn), args, **fields)
    return dispatch(app, name, job_id, fn, fields["max_attempts"], fields["label"])


def after_commit(name: str, fn: Callable, *args, **options) -> None:
    """Submit `fn(*args)` when the current session commits; forget it if it rolls back."""
    app = current_app._get_current_object()
    fields = _options(app, name, fn, args, options)
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback, even of nothing written, drops the job
    record = jobstore.new_record(name, function_name(fn), args, **fields)
    session.add(record)
    session.info.setdefault(PENDING, []).append((app, name, record, fn, fields))


def dispatch(app: Flask, name: str, job_id: int, fn, attempts: int, label: str) -> Job:
    """Hand a stored job to the queue of this app's mode (or run it, inline)."""
    chosen = mode(app)
    if chosen == "rq":
        try:
            jobqueue.enqueue(app, job_id, attempts, label)
        except Exception:  # the queue is down: the record stays queued; recover() sends it
            log.exception("background job %s (%s) not queued; it will be later", name, job_id)
        return Job(name, job_id)
    if chosen == "inline":
        _run_with_retries(app, name, job_id, fn)
        return Job(name, job_id)
    ended = threading.Event()
    with _lock:
        _unfinished[ended] = name
        if len(_threads) < max(1, int(app.config.get("JOBS_THREADS", 4))):
            thread = threading.Thread(target=_take_jobs, name="participa-jobs", daemon=True)
            _threads.append(thread)
            thread.start()
    _waiting.put((app, name, job_id, fn, ended))
    return Job(name, job_id, ended)


def _take_jobs() -> None:
    """One thread of the embedded fallback: run the waiting jobs, one at a time, for ever."""
    while True:
        app, name, job_id, fn, ended = _waiting.get()
        thread = threading.current_thread()
        thread.name = name
        try:
            _run_with_retries(app, name, job_id, fn)
        finally:
            thread.name = "participa-jobs"
            with _lock:
                _unfinished.pop(ended, None)
            ended.set()


def backoff(app: Flask, attempt: int) -> float:
    """Seconds to wait before retrying after attempt number `attempt` (1, 2, ...)."""
    pauses = app.config.get("JOBS_RETRY_BACKOFF", [10, 60, 300])
    return float(pauses[min(attempt, len(pauses)) - 1]) if pauses else 0.0


def _run_with_retries(app: Flask, name: str, job_id: int, fn: Callable | None) -> None:
    """The embedded queue: run the job, and again after a pause while it may retry.

    An error of the records themselves (the database away, its pool exhausted) is logged and
    leaves the record as it was: jobclock.recover() queues it again once it is silent.
    """
    try:
        with app.app_context():
            attempt = 0
            while execute(job_id, fn) == "retry":
                attempt += 1
                time.sleep(backoff(app, attempt))
    except Exception:
        log.exception("background job %s (%s) stopped; it will be recovered", name, job_id)


def _describe(error: Exception) -> str:
    if isinstance(error, Refused):
        return str(error)
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"


def execute(job_id: int, fn: Callable | None = None) -> str:
    """Run one attempt of a stored job: "done", "retry", "failed" or "skipped".

    Skipped: the record is not queued (another run has it, or it ended).
    """
    if not jobstore.claim(job_id):
        return "skipped"
    record = db.session.get(jobstore.BackgroundJob, job_id)
    name, args, function, secret = record.name, record.args, record.function, record.secret
    retry = record.attempts < record.max_attempts
    db.session.rollback()
    token = CURRENT.set(job_id)
    try:
        outcome = (fn or resolve(function))(*args)
    except Exception as error:
        db.session.rollback()
        retry = retry and not isinstance(error, Refused)
        log.log(
            logging.INFO if isinstance(error, Refused) else logging.ERROR,
            "background job %s failed%s",
            name,
            " (will retry)" if retry else "",
            exc_info=not isinstance(error, Refused),
        )
        jobstore.fail(job_id, _describe(error), retry, secret)
        return "retry" if retry else "failed"
    finally:
        CURRENT.reset(token)
        db.session.remove()
    outcome = outcome if isinstance(outcome, Outcome) else Outcome()
    jobstore.succeed(job_id, outcome.file, outcome.message, secret)
    return "done"


def run_queued(job_id: int) -> None:
    """What `flask worker` runs for a queued job (RQ): raise to let RQ retry it."""
    with current_app.app_context():  # a database session of its own, removed after
        ended = execute(job_id)
    if ended == "retry":
        raise RuntimeError(f"background job {job_id} failed; it will be retried")


def progress(percent: float, message: str = "") -> None:
    """Inside a job: store how far it is (0-100) and what it does; nothing elsewhere."""
    if (job_id := CURRENT.get()) is not None:
        jobstore.report(job_id, round(percent), str(message))


def will_retry() -> bool:
    """Inside a job: whether a failure of this attempt is retried (attempts are left)."""
    job_id = CURRENT.get()
    return job_id is not None and jobstore.attempts_left(job_id) > 0


def running() -> list[str]:
    """The names of the jobs waiting or running in this process's threads."""
    with _lock:
        return list(_unfinished.values())


def wait_all(timeout: float) -> bool:
    """Wait for this process's jobs (commands, tests); True when none is left."""
    deadline = time.monotonic() + timeout
    with _lock:
        ends = list(_unfinished)
    for ended in ends:
        ended.wait(max(0.0, deadline - time.monotonic()))
    return not running()


@event.listens_for(Session, "after_commit")
def _submit_pending(session: Session) -> None:
    for app, name, record, fn, fields in session.info.pop(PENDING, []):
        # No SQL may run here: the id is read from the identity the flush gave the record.
        job_id = sa.inspect(record).identity[0]
        dispatch(app, name, job_id, fn, fields["max_attempts"], fields["label"])


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(PENDING, None)
