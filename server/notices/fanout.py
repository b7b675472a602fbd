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
  server process may queue and any worker may run.
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


def submit(name: str, *args) -> None:
    """Run job `name` with `args` off this thread (or inline, by mode)."""
    app = current_app._get_current_object()
    how = mode(app)
    if how == "inline":
        with app.app_context():
            run(name, *args)
    elif how == "rq":
        rq_queue(app).enqueue("server.notices.fanout.run", name, *args, job_timeout=600)
    else:
        pool_of(app).submit(app, name, args)


def rq_queue(app):
    """The app's RQ queue (one Redis connection per app)."""
    from redis import Redis
    from rq import Queue

    queue = app.extensions.get("redgrid_rq")
    if queue is None:
        queue = Queue(app.config["ALERTS_QUEUE"], connection=Redis.from_url(app.config["REDIS_URL"]))
        app.extensions["redgrid_rq"] = queue
    return queue


class BoundedPool:
    """A thread pool whose queue holds at most `capacity` jobs."""

    def __init__(self, workers: int, capacity: int, block_seconds: float):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="redgrid-fanout")
        self.slots = threading.BoundedSemaphore(workers + capacity)
        self.block_seconds = block_seconds
        self.pending: set = set()
        self.lock = threading.Lock()

    def submit(self, app, name: str, args: tuple) -> None:
        if not self.slots.acquire(timeout=self.block_seconds):
            log.error("fan-out queue full: job %s dropped (its pushes stay queued; resend sends them)", name)
            return
        future = self.executor.submit(self._run, app, name, args)
        with self.lock:
            self.pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future) -> None:
        with self.lock:
            self.pending.discard(future)
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
