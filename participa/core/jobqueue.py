"""The Redis queue (RQ) that carries job ids to `flask worker`, and what /salud reads of it.

Only the id travels: the job's function, arguments and state are in its record
(participa.core.jobstore). RQ retries a failed attempt after JOBS_RETRY_BACKOFF's pauses
(its scheduler, which `flask worker` runs, enqueues them when due).
"""

from datetime import UTC, datetime

from flask import Flask
from redis import Redis
from rq import Queue, Retry, SimpleWorker, Worker

# Enqueueing runs inside requests: a Redis that hangs must not hang them.
CLIENT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
RUN = "participa.core.jobs.run_queued"  # by name: this module does not import jobs


def connection(app: Flask) -> Redis:
    """The app's Redis client for the queue (one per app, its pool reused)."""
    clients = app.extensions.setdefault("participa-jobs-redis", {})
    url = app.config["JOBS_REDIS_URL"]
    if url not in clients:
        clients[url] = Redis.from_url(url, **CLIENT_OPTIONS)
    return clients[url]


def queue(app: Flask, redis: Redis | None = None) -> Queue:
    return Queue(app.config.get("JOBS_QUEUE", "participa"), connection=redis or connection(app))


def enqueue(app: Flask, job_id: int, attempts: int, label: str) -> None:
    """Put the job `job_id` on the queue, with RQ retries for its attempts after the first."""
    pauses = [int(p) for p in app.config.get("JOBS_RETRY_BACKOFF", [10, 60, 300])] or [0]
    queue(app).enqueue(
        RUN,
        job_id,
        retry=Retry(max=attempts - 1, interval=pauses) if attempts > 1 else None,
        job_timeout=app.config.get("JOBS_TIMEOUT", 3600),
        description=label,
        result_ttl=3600,
        failure_ttl=7 * 86400,
    )


class _Worker(SimpleWorker):
    """RQ's worker, whose command channel (stop a job, shut down) wakes every second.

    RQ listens on a pub/sub thread that sleeps 60 s between reads; redis-py 8 joins that thread
    when the worker stops, so a worker (a burst worker in tests, `flask worker` at shutdown)
    could take up to a minute to end. Same subscription as RQ 3.0's own, shorter sleep.
    """

    def subscribe(self):
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )


def worker(app: Flask, name: str | None = None) -> SimpleWorker:
    """A worker that runs jobs in its own process, one after the other, in the app's context.

    SimpleWorker, not RQ's forking Worker: a fork would share the database pool's sockets.
    """
    # Blocking reads wait for jobs: no read timeout on the worker's own connection.
    redis = Redis.from_url(app.config["JOBS_REDIS_URL"], socket_connect_timeout=2)
    return _Worker([queue(app, redis)], connection=redis, name=name)


def last_seen(app: Flask) -> datetime | None:
    """When a worker of this queue last said it was alive, or None when none is registered."""
    workers = Worker.all(queue=queue(app))
    beats = [w.last_heartbeat for w in workers if w.last_heartbeat is not None]
    return max(beats).replace(tzinfo=UTC) if beats else None
