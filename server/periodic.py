"""Periodic jobs (escalating overdue orders, releasing scheduled alerts, expiring push deliveries
that can no longer arrive): a daemon thread per job
that runs it every N seconds in an app context. A failed run is logged and rolled back; the next
one tries again and the server keeps serving. They run inside `redgrid serve` (embedded) or inside
the one `redgrid worker --periodic` of a scaled deployment (compose.yaml); their CLI commands
(`redgrid inspections escalate`, `redgrid alerts release`) do one run each, for cron."""
import logging
import threading
from typing import Callable

from flask import Flask

from server.extensions import db

log = logging.getLogger(__name__)


def start_all(app: Flask) -> None:
    """Every periodic job of Redgrid, each on its own schedule (config; 0 turns one off)."""
    from server.alerts.publishing import start_daemon as start_release
    from server.inspections.escalation import start_daemon as start_escalation

    start_escalation(app)
    start_release(app)
    start(app, app.config.get("ALERTS_EXPIRE_EVERY_SECONDS", 0), "delivery-expiry", _expire)


def run_all_once() -> None:
    """One run of every periodic job, now (needs an app context)."""
    from server.alerts.publishing import release_due
    from server.inspections.escalation import escalate

    escalate()
    release_due()
    _expire()


def _expire() -> None:
    from server.alerts.expiry import expire_deliveries

    expire_deliveries()


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
