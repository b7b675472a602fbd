"""Socket.IO handlers: authenticate by the session cookie, join the user's bucket rooms."""

from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room, rooms

from server.core import observability
from server.extensions import socketio
from server.realtime.rooms import bucket_room
from server.sync.actors import actor_for


def register_events(socketio) -> None:
    """Bind the handlers (before any server exists: Flask-SocketIO keeps them and binds them to
    the server of every app, and tests make many apps): once per Socket.IO object."""
    if getattr(socketio, "_redgrid_events", False):
        return
    socketio.on("connect")(connect)
    socketio.on("sync:join")(rejoin)
    socketio.on("disconnect")(disconnect)
    socketio._redgrid_events = True


def connect(auth=None):
    """Refuse anonymous connections; join a room per bucket of the user's scope."""
    if not current_user.is_authenticated:
        raise ConnectionRefusedError("unauthorized")
    _join_buckets(fresh=True)
    observability.socket_opened()


def disconnect(*_reason):
    observability.socket_closed()


def rejoin(*_payload):
    """After a scope change (the pull response lists new buckets) the client asks to rejoin. The
    rooms come from the user's scope alone: any payload is ignored (PROTOCOL.md §8)."""
    if not current_user.is_authenticated or not _connected():
        return {"buckets": []}
    try:
        return {"buckets": _join_buckets()}
    except KeyError:
        # The socket closed while this waited for its thread: python-socketio has forgotten its
        # sid, and there is nobody left to join rooms for or to answer.
        if _connected():
            raise
        return {"buckets": []}


def _connected() -> bool:
    return socketio.server.manager.is_connected(request.sid, request.namespace)


def _join_buckets(fresh: bool = False) -> list[str]:
    """Join the rooms of the user's buckets and leave the others (`fresh`: a new connection, in none yet)."""
    wanted = {bucket_room(b) for b in actor_for(current_user).buckets}
    for room in set() if fresh else (_rooms() - wanted):
        if room.startswith("bucket:"):
            leave_room(room)
    for room in wanted:
        join_room(room)
    return sorted(r.removeprefix("bucket:") for r in wanted)


def _rooms() -> set[str]:
    """This connection's rooms. python-socketio finds them by walking every room of the namespace,
    which other connections' threads change meanwhile ("dictionary changed size during
    iteration": seen under bench/load/field_day.py's sign-in storm); the walk is tried again."""
    for _ in range(20):
        try:
            return set(rooms())
        except RuntimeError:
            continue
    return set(rooms())
