"""`redgrid serve`: the embedded deployment's production server.

gunicorn, loaded programmatically (its BaseApplication), with one gthread worker process: many
threads, HTTP keep-alive, the mode Flask-SocketIO supports for threads (WebSocket through
simple-websocket, long-polling otherwise). The app is made inside the worker process (after the
fork, so no database connection or Redis listener is shared with the arbiter), and the periodic
jobs run there too (server/core/periodic.py), as they did under Werkzeug. A worker that dies is
replaced by gunicorn's arbiter, which starts the jobs again with the new app.

SIGTERM (or Ctrl+C) stops gracefully: no new connection is accepted, the requests in flight finish
(a push's transaction commits and its answer goes out, or it never started), and the Socket.IO
connections are closed first, so that a phone's open long-poll or WebSocket does not hold the
stop for the whole grace period; phones reconnect to whatever serves next. After
`graceful_seconds` what still runs is cut off by the arbiter (its transaction rolls back: a phone
is never told "applied" for what was not committed, and retries).

`redgrid serve --dev` is Werkzeug's development server, for debugging only.
"""

import logging
import signal
import threading
from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication

from server.core import periodic
from server.extensions import socketio

log = logging.getLogger(__name__)


class EmbeddedServer(BaseApplication):
    """gunicorn with the options given, serving the app `factory()` makes in its worker."""

    def __init__(self, factory: Callable[[], Flask], options: dict):
        self.factory, self.options = factory, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        app = self.factory()
        periodic.start_all(app)
        return app


def gunicorn_options(host: str, port: int, threads: int, graceful_seconds: int) -> dict:
    return {
        "bind": f"{host}:{port}",
        "workers": 1,  # one process: the embedded default keeps Socket.IO rooms and sessions in memory
        "worker_class": "gthread",
        "threads": threads,  # a WebSocket holds one for its life, a long-poll for up to 25 s
        "keepalive": 5,
        "graceful_timeout": graceful_seconds,
        "timeout": 60,  # the worker's heartbeat to the arbiter (its own loop; long requests do not count)
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "redgrid",
        "control_socket_disable": True,
        "post_worker_init": _close_sockets_on_stop,
    }


def _close_sockets_on_stop(worker) -> None:
    """Once the worker runs: on SIGTERM or SIGINT, close every Socket.IO connection (in a thread:
    a signal handler must not block), then let gunicorn stop as it does."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(signum)

        def stop(sig, frame, previous=previous):
            threading.Thread(target=_disconnect_all, name="redgrid-stop", daemon=True).start()
            if callable(previous):
                previous(sig, frame)

        signal.signal(signum, stop)


def _disconnect_all() -> None:
    try:
        socketio.server.eio.disconnect()  # every client (engine.io: no sid means all)
    except Exception:  # noqa: BLE001  stopping goes on regardless
        log.exception("closing the Socket.IO connections on stop failed")


def serve(factory: Callable[[], Flask], host: str, port: int, threads: int, graceful_seconds: int) -> None:
    """Serve until SIGTERM/SIGINT (blocks)."""
    EmbeddedServer(factory, gunicorn_options(host, port, threads, graceful_seconds)).run()
