"""The record of every background job: what it is, who asked, its state, progress and outcome.

The record, not the queue, is the truth about a job: the queue (RQ on Redis, or a thread) only
carries its id. A run starts by *claiming* the record (queued → running, one statement that
only one of two runs can win), so a job delivered twice runs once; progress and the end are
written by statements of their own, on a connection of their own, so a job's own transaction
never carries them and a reader sees them at once.
"""

import enum
import json
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from participa.core.dbtypes import UtcDateTime, enum_type
from participa.core.timeutil import utcnow
from participa.extensions import db

MAX_ERROR = 4000  # characters of an error kept for staff
MAX_MESSAGE = 300


class JobState(enum.StrEnum):
    QUEUED = "queued"  # waiting for a worker (first run, or a retry after a failure)
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # for good: its attempts are spent, or its input was refused


ACTIVE = (JobState.QUEUED, JobState.RUNNING)


class BackgroundJob(db.Model):
    """One submitted job and everything staff may know of it."""

    __tablename__ = "background_job"
    __table_args__ = (
        Index("ix_background_job_state_heartbeat", "state", "heartbeat_at"),
        Index("ix_background_job_subject", "subject", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))  # technical: "pb-count-12"
    label: Mapped[str] = mapped_column(String(200), default="")  # for people
    subject: Mapped[str] = mapped_column(String(120), default="")  # where it was started from
    function: Mapped[str] = mapped_column(String(200))  # "module:qualname"
    arguments: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    state: Mapped[JobState] = mapped_column(enum_type(JobState), default=JobState.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)  # 0-100
    message: Mapped[str] = mapped_column(String(MAX_MESSAGE), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=1)
    error: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(300), default="")  # a file in instance/exports
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def error_lines(self) -> list[str]:
        """The error as staff read it, a line each: the clock's own message translated."""
        if self.error == STOPPED:
            return [gettext(STOPPED)]
        return self.error.splitlines()

    @property
    def active(self) -> bool:
        return self.state in ACTIVE

    @property
    def args(self) -> list:
        stored = json.loads(self.arguments)
        return stored[SECRET] if isinstance(stored, dict) else stored

    @property
    def secret(self) -> bool:
        """Its arguments (a code, a link) are forgotten when it ends (`submit(secret=True)`)."""
        return isinstance(json.loads(self.arguments), dict)


TABLE = BackgroundJob.__table__
SECRET = "secret"  # key of the stored arguments of a secret job: {"secret": [...]}
FORGOTTEN = "[]"  # the arguments of a secret job that ended


def new_record(
    name: str, function: str, args: tuple, secret: bool = False, **fields
) -> BackgroundJob:
    """A job record to add to a session (its id once flushed)."""
    stored = {SECRET: list(args)} if secret else list(args)
    return BackgroundJob(name=name[:120], function=function, arguments=json.dumps(stored), **fields)


def insert_record(name: str, function: str, args: tuple, secret: bool = False, **fields) -> int:
    """Store a job record on a connection of its own, committed at once; its id."""
    record = new_record(name, function, args, secret, **fields)
    values = {c.key: getattr(record, c.key) for c in TABLE.c if getattr(record, c.key) is not None}
    values.setdefault("created_at", utcnow())
    values.setdefault("heartbeat_at", values["created_at"])
    with db.engine.begin() as connection:
        return connection.execute(sa.insert(TABLE).values(values).returning(TABLE.c.id)).scalar()


def _update(job_id: int, where=None, **values) -> bool:
    with db.engine.begin() as connection:
        result = connection.execute(
            sa.update(TABLE)
            .where(TABLE.c.id == job_id, sa.true() if where is None else where)
            .values(**values)
        )
    return result.rowcount == 1


def claim(job_id: int) -> bool:
    """Mark a queued job running and count the attempt; False when it is not queued."""
    now = utcnow()
    return _update(
        job_id,
        TABLE.c.state == JobState.QUEUED,
        state=JobState.RUNNING,
        attempts=TABLE.c.attempts + 1,
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
    )


def report(job_id: int, percent: int, message: str = "") -> None:
    """Store a running job's progress (0-100) and what it is doing."""
    _update(
        job_id,
        TABLE.c.state == JobState.RUNNING,
        progress=max(0, min(100, int(percent))),
        message=message[:MAX_MESSAGE],
        heartbeat_at=utcnow(),
    )


def _forget(secret: bool) -> dict:
    return {"arguments": FORGOTTEN} if secret else {}


def succeed(job_id: int, result: str = "", message: str = "", secret: bool = False) -> None:
    """Store a job's end; a secret job's arguments are forgotten."""
    now = utcnow()
    values = {"result": result[:300]} if result else {}
    values.update(_forget(secret))
    _update(
        job_id,
        state=JobState.SUCCEEDED,
        progress=100,
        message=message[:MAX_MESSAGE],
        error="",
        finished_at=now,
        heartbeat_at=now,
        **values,
    )


def fail(job_id: int, error: str, retry: bool, secret: bool = False) -> None:
    """Store an attempt's error: queued again for a retry, or failed for good (a secret
    job's arguments forgotten)."""
    now = utcnow()
    state = JobState.QUEUED if retry else JobState.FAILED
    _update(
        job_id,
        state=state,
        error=error[:MAX_ERROR],
        heartbeat_at=now,
        finished_at=None if retry else now,
        **_forget(secret and not retry),
    )


def stalled(older_than: timedelta, now: datetime) -> list[BackgroundJob]:
    """Queued or running jobs nobody has touched for `older_than`: their worker stopped."""
    query = (
        db.select(BackgroundJob)
        .where(BackgroundJob.state.in_(ACTIVE), BackgroundJob.heartbeat_at < now - older_than)
        .order_by(BackgroundJob.id)
        .execution_options(populate_existing=True)  # as stored now, not as loaded before
    )
    return list(db.session.scalars(query))


def requeue(job: BackgroundJob, now: datetime) -> bool:
    """Put a stalled job back in the queue (or fail it when its attempts are spent)."""
    spent = job.attempts >= job.max_attempts
    values = (
        {"state": JobState.FAILED, "finished_at": now, "error": job.error or STOPPED}
        | _forget(job.secret)
        if spent
        else {"state": JobState.QUEUED}
    )
    return (
        _update(job.id, TABLE.c.heartbeat_at == job.heartbeat_at, heartbeat_at=now, **values)
        and not spent
    )


def N_(label: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Mark a job's text for translation: stored as written (English), translated on display."""
    return label


STOPPED = N_("The worker running this job stopped before it ended.")


def attempts_left(job_id: int) -> int:
    """How many more times a job may run after the current attempt."""
    query = sa.select(TABLE.c.max_attempts - TABLE.c.attempts).where(TABLE.c.id == job_id)
    with db.engine.connect() as connection:
        return connection.execute(query).scalar() or 0


def last_created(name: str) -> datetime | None:
    """When the latest job of this name was submitted."""
    query = sa.select(sa.func.max(TABLE.c.created_at)).where(TABLE.c.name == name)
    with db.engine.connect() as connection:
        return connection.execute(query).scalar()


def delete_ended(before: datetime) -> int:
    """Delete the records of jobs that ended before `before`; how many."""
    query = sa.delete(TABLE).where(TABLE.c.state.notin_(ACTIVE), TABLE.c.finished_at < before)
    with db.engine.begin() as connection:
        return connection.execute(query).rowcount


def latest(subject: str, limit: int = 3) -> list[BackgroundJob]:
    """The latest jobs started from `subject` (a page shows their state)."""
    query = (
        db.select(BackgroundJob)
        .where(BackgroundJob.subject == subject)
        .order_by(BackgroundJob.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


# One job per e-mail, SMS or notice sent: listed apart from the work staff started, which
# they would bury (participa/background/views.py).
MESSAGE = sa.or_(TABLE.c.name.in_(("mail", "sms")), TABLE.c.name.like("notices-%"))


def recent(
    limit: int = 100, *, messages: bool = False, failed: bool = False
) -> list[BackgroundJob]:
    """The latest jobs: the work (counts, imports...), or the messages sent; failed ones only."""
    query = db.select(BackgroundJob).where(MESSAGE if messages else sa.not_(MESSAGE))
    if failed:
        query = query.where(BackgroundJob.state == JobState.FAILED)
    return list(db.session.scalars(query.order_by(BackgroundJob.id.desc()).limit(limit)))


def failed_messages(limit: int = 1000) -> int:
    """How many message jobs failed for good (counted up to `limit`)."""
    failed = sa.select(TABLE.c.id).where(MESSAGE, TABLE.c.state == JobState.FAILED).limit(limit)
    query = sa.select(sa.func.count()).select_from(failed.subquery())
    with db.engine.connect() as connection:
        return connection.execute(query).scalar()
