"""Periodic jobs: a daemon thread per job that runs it every N seconds in an app context. A
failed run is logged and rolled back; the next one tries again and the server keeps serving.

Each part of the app contributes its jobs (`Part.periodic`, server/core/parts.py); create_app
keeps them on the app. They run inside `redgrid serve` (embedded) or inside the one
`redgrid worker --periodic` of a scaled deployment (compose.yaml); their CLI commands
(`redgrid inspections escalate`, `redgrid alerts release`) do one run each, for cron."""

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Flask

from server.extensions import db

log = logging.getLogger(__name__)
_EXTENSION = "redgrid_periodic"


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # the thread is redgrid-<name>
    seconds: Callable[[Mapping], float]  # its period, from the app's config (0: off)
    run: Callable[[], object]


def register_periodic_jobs(app: Flask, jobs) -> None:
    app.extensions[_EXTENSION] = tuple(jobs)


def jobs_of(app: Flask) -> tuple[PeriodicJob, ...]:
    return app.extensions.get(_EXTENSION, ())


def start_all(app: Flask) -> list[threading.Thread]:
    """Every periodic job of the app, each on its own schedule (config; 0 turns one off)."""
    threads = [start_job(app, job) for job in jobs_of(app)]
    return [t for t in threads if t is not None]


def start_job(app: Flask, job: PeriodicJob) -> threading.Thread | None:
    return start(app, job.seconds(app.config), job.name, job.run)


def run_all_once(app: Flask) -> None:
    """One run of every periodic job, now (needs an app context)."""
    for job in jobs_of(app):
        job.run()


def start(app: Flask, seconds: float, name: str, run: Callable[[], object]) -> threading.Thread | None:
    """Run `run()` every `seconds` in a daemon thread named redgrid-<name> (0 seconds: none)."""
    if not seconds:
        return None
    thread = threading.Thread(target=_loop, args=(app, seconds, name, run), name=f"redgrid-{name}", daemon=True)
    thread.start()
    return thread


def _loop(app: Flask, seconds: float, name: str, run: Callable[[], object]) -> None:
    stop = threading.Event()
    while not stop.wait(seconds):
        with app.app_context():
            try:
                run()
            except Exception:  # noqa: BLE001  the next round tries again; the server keeps serving
                log.exception("%s run failed", name)
                db.session.rollback()
