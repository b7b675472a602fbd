"""Fan-out off the request thread (DESIGN.md §6): the Web Push of new notices (their live
`alert` events go out as they are committed, server/notices/service.py), the release of
scheduled alerts' sending.

Three modes (ALERTS_FANOUT; by default "rq" with REDIS_URL, else "pool"):
- "pool" (embedded, one process): a bounded in-process pool of ALERTS_FANOUT_WORKERS threads; at
  most ALERTS_FANOUT_QUEUE jobs wait. A full queue blocks the submitter up to
  ALERTS_FANOUT_BLOCK_SECONDS (back-pressure), then the job is dropped with an error in the log:
  its entries are in the inbox already, its pushes stay queued, and "resend" sends them. At exit
  the pool finishes the jobs it holds (atexit, wait=True).
- "rq": jobs go to the Redis queue ALERTS_QUEUE (RQ, default "redgrid"), run by `redgrid worker` processes, so any
  server process may queue and any worker may run. Redis unreachable: submit() logs it and
  returns False, never raises (what it would have done is in the database: an alert `sending`,
  deliveries `queued`), and the periodic sweeps queue it again once Redis is back
  (resume_sending in server/alerts/publishing.py, sweep_queued in server/notices/jobs.py). A job may carry
  a key (its RQ job id): in_flight(key) tells whether it still waits or runs.
- "inline": run at once in the submitting thread (tests that want a result without waiting).

A job is a name in JOBS and JSON-able arguments, so that RQ can carry it. Each part contributes
its jobs (`Part.jobs`: the notices' own in server/notices/jobs.py, the alerts' sending);
create_app registers them with register_jobs().
"""

import atexit
import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

from flask import current_app

from server.extensions import db

log = logging.getLogger(__name__)
CHUNK = 200  # inbox entries per fan-out job
_EXTENSION = "redgrid_fanout"


JOBS: dict[str, Callable[..., object]] = {}


def register_jobs(jobs: Mapping[str, Callable[..., object]]) -> None:
    JOBS.update(jobs)


def run(name: str, *args) -> None:
    """Run a job by name (RQ carries names and JSON-able arguments); needs an app context,
    which `redgrid worker` holds for all its jobs (server/notices/commands.py): each job ends
    with its session removed, so the next one reads fresh rows."""
    try:
        JOBS[name](*args)
    finally:
        db.session.remove()


def mode(app) -> str:
    return app.config.get("ALERTS_FANOUT") or ("rq" if app.config.get("REDIS_URL") else "pool")


def submit(name: str, *args, key: str | None = None) -> bool:
    """Run job `name` with `args` off this thread (or inline, by mode); False when it could not
    be queued (Redis unreachable: logged, never raised, the sweeps queue it again)."""
    from redis.exceptions import RedisError

    app = current_app._get_current_object()
    how = mode(app)
    if how == "inline":
        with app.app_context():
            run(name, *args)
    elif how == "rq":
        try:
            rq_queue(app).enqueue("server.notices.fanout.run", name, *args, job_timeout=600, job_id=key)
        except RedisError as exc:
            log.warning("fan-out job %s not queued: Redis is unreachable (%s); the sweep queues it again", name, exc)
            return False
    else:
        return pool_of(app).submit(app, name, args, key)
    return True


def in_flight(app, key: str) -> bool:
    """Whether the job of this key waits or runs (rq: its RQ job; pool: in this process). Redis
    unreachable: True (unknown; a submit would fail anyway, the next sweep asks again)."""
    how = mode(app)
    if how == "rq":
        from redis.exceptions import RedisError
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        try:
            status = Job.fetch(key, connection=rq_queue(app).connection).get_status()
        except NoSuchJobError:
            return False
        except RedisError:
            return True
        return status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
    pool = app.extensions.get(_EXTENSION)
    return how == "pool" and pool is not None and key in pool.keys


def rq_queue(app):
    """The app's RQ queue (one Redis connection per app; an outage fails fast, not hangs)."""
    from redis import Redis
    from rq import Queue

    queue = app.extensions.get("redgrid_rq")
    if queue is None:
        connection = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=3, socket_timeout=10)
        queue = Queue(app.config["ALERTS_QUEUE"], connection=connection)
        app.extensions["redgrid_rq"] = queue
    return queue


class BoundedPool:
    """A thread pool whose queue holds at most `capacity` jobs."""

    def __init__(self, workers: int, capacity: int, block_seconds: float):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="redgrid-fanout")
        self.slots = threading.BoundedSemaphore(workers + capacity)
        self.block_seconds = block_seconds
        self.pending: set = set()
        self.keys: set[str] = set()  # of the jobs submitted with a key, not ended yet
        self.lock = threading.Lock()

    def submit(self, app, name: str, args: tuple, key: str | None = None) -> bool:
        if not self.slots.acquire(timeout=self.block_seconds):
            log.error("fan-out queue full: job %s dropped (its pushes stay queued; the sweep sends them)", name)
            return False
        with self.lock:
            if key is not None:
                self.keys.add(key)
            future = self.executor.submit(self._run, app, name, args)
            self.pending.add(future)
        future.add_done_callback(lambda done: self._done(done, key))
        return True

    def _done(self, future, key: str | None) -> None:
        with self.lock:
            self.pending.discard(future)
            self.keys.discard(key)
        self.slots.release()

    @staticmethod
    def _run(app, name: str, args: tuple) -> None:
        with app.app_context():
            try:
                run(name, *args)
            except Exception:
                log.exception("fan-out job %s failed", name)

    def drain(self, timeout: float = 30) -> None:
        """Wait until every submitted job ended (tests; shutdown)."""
        with self.lock:
            futures = list(self.pending)
        for future in futures:
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True)


def pool_of(app) -> BoundedPool:
    """The app's pool, made on first use and shut down gracefully at exit."""
    pool = app.extensions.get(_EXTENSION)
    if pool is None:
        pool = BoundedPool(
            app.config["ALERTS_FANOUT_WORKERS"],
            app.config["ALERTS_FANOUT_QUEUE"],
            app.config["ALERTS_FANOUT_BLOCK_SECONDS"],
        )
        app.extensions[_EXTENSION] = pool
        atexit.register(pool.shutdown)
    return pool


def drain(app, timeout: float = 30) -> None:
    """Wait for the app's in-process jobs (no-op in the other modes)."""
    pool = app.extensions.get(_EXTENSION)
    if pool is not None:
        pool.drain(timeout)


def depth(app) -> int:
    """Jobs waiting or running: the RQ queue's length, or the in-process pool's (metrics, /readyz)."""
    how = mode(app)
    if how == "rq":
        return rq_queue(app).count
    pool = app.extensions.get(_EXTENSION)
    return len(pool.pending) if how == "pool" and pool is not None else 0
