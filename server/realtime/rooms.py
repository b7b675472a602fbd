"""A Socket.IO room per sync bucket: a commit tells the clients in a bucket's room to pull
(PROTOCOL.md §8), and a notice goes to its user's room."""

from server.extensions import socketio


def bucket_room(bucket: str) -> str:
    return f"bucket:{bucket}"


def send_pokes(buckets: list[str], event: str) -> None:
    """Tell every client in these buckets' rooms that what they keep changed: pull, or fetch a
    grid's directory (after commit, see server/core/pokes.py)."""
    socketio.emit(event, {"buckets": buckets}, to=[bucket_room(b) for b in buckets])
