"""Socket.IO: live connections of signed-in users, joined to a room per sync bucket, so that a
commit can tell online clients to pull now (PROTOCOL.md §8; DESIGN.md §6)."""
from flask import Flask

from server.extensions import socketio


def bucket_room(bucket: str) -> str:
    return f"bucket:{bucket}"


def init_realtime(app: Flask) -> None:
    """Bind Socket.IO; with REDIS_URL, emits go through Redis so every process shares rooms."""
    # Handlers first: registered before any server exists, Flask-SocketIO keeps them and binds
    # them to the server of every app (tests make many apps).
    from server.realtime import events  # noqa: F401
    from server.sync import pokes

    queue = {"message_queue": app.config["REDIS_URL"], "channel": app.config["SOCKETIO_CHANNEL"]}
    if not app.config["REDIS_URL"]:
        # Embedded mode. Flask-SocketIO keeps options between init_app calls, so a Redis
        # manager of an earlier app (tests make many) must be replaced explicitly.
        queue["client_manager"] = None
    socketio.init_app(
        app,
        async_mode="threading",  # RECIPES.md: never let it pick gevent by itself
        **queue,
        manage_session=False,  # Flask's own session: Flask-Login sees the signed-in user
        cors_allowed_origins=[],  # same origin only
    )
    pokes.register(send_pokes)


def send_pokes(buckets: list[str], event: str) -> None:
    """Tell every client in these buckets' rooms that what they keep changed: pull, or fetch a
    grid's directory (after commit, see server/sync/pokes)."""
    socketio.emit(event, {"buckets": buckets}, to=[bucket_room(b) for b in buckets])
