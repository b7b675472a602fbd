"""Socket.IO: live connections of signed-in users, joined to a room per sync bucket, so that a
commit can tell online clients to pull now (PROTOCOL.md §8; DESIGN.md §6)."""

from flask import Flask

from server.core import pokes
from server.extensions import socketio
from server.realtime.events import register_events
from server.realtime.redis_queue import ResilientRedisManager
from server.realtime.rooms import send_pokes


def init_realtime(app: Flask) -> None:
    """Bind Socket.IO; with REDIS_URL, emits go through Redis so every process shares rooms."""
    register_events(socketio)
    if app.config["REDIS_URL"]:
        # Flask-SocketIO's own choice for a redis:// message_queue, with a listener that
        # recovers from a Redis outage within a second (server/realtime/redis_queue.py).
        manager = ResilientRedisManager(app.config["REDIS_URL"], channel=app.config["SOCKETIO_CHANNEL"])
        queue = {"client_manager": manager}
    else:
        # Embedded mode. Flask-SocketIO keeps options between init_app calls, so a Redis
        # manager of an earlier app (tests make many) must be replaced explicitly.
        queue = {"client_manager": None}
    socketio.init_app(
        app,
        async_mode="threading",  # RECIPES.md: never let it pick gevent by itself
        **queue,
        manage_session=False,  # Flask's own session: Flask-Login sees the signed-in user
        cors_allowed_origins=[],  # same origin only
    )
    pokes.register(send_pokes)
