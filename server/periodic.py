"""Periodic jobs inside `redgrid serve` (escalating overdue orders, releasing scheduled alerts):
a daemon thread per job that runs it every N seconds in an app context. A failed run is logged
and rolled back; the next one tries again and the server keeps serving. With several server
processes, run the jobs' CLI commands from cron instead."""
import logging
import threading
from typing import Callable

from flask import Flask

from server.extensions import db

log = logging.getLogger(__name__)


def start(app: Flask, seconds: float, name: str, run: Callable[[], None]) -> threading.Thread | None:
    """Run `run()` every `seconds` in a daemon thread named redgrid-<name> (0 seconds: none)."""
    if not seconds:
        return None
    thread = threading.Thread(target=_loop, args=(app, seconds, name, run), name=f"redgrid-{name}", daemon=True)
    thread.start()
    return thread


def _loop(app: Flask, seconds: float, name: str, run: Callable[[], None]) -> None:
    stop = threading.Event()
    while not stop.wait(seconds):
        with app.app_context():
            try:
                run()
            except Exception:  # noqa: BLE001  the next round tries again; the server keeps serving
                log.exception("%s run failed", name)
                db.session.rollback()
