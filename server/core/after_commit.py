"""The one way work follows a commit: live events, pokes and fan-out jobs go out once the
transaction that made them has committed — never before (PROTOCOL.md §8: a client poked early
pulls too soon and misses the change) — and never after a rollback.

A caller queues work on the current session with `after_commit(key, callback)`: every caller
with the same key shares one state dict (to add buckets, entries … to) and the callback runs
once, with that state, after the commit. Callbacks run in the order their keys were first
queued. `register_after_commit()` (create_app) installs the session listeners."""

from collections.abc import Callable

from sqlalchemy import event

from server.extensions import db

_QUEUE = "redgrid_after_commit"


def after_commit(key: str, callback: Callable[[dict], None]) -> dict:
    """Run `callback(state)` once after this transaction commits; returns `state` to add to."""
    queue = db.session.info.setdefault(_QUEUE, {})
    if key not in queue:
        queue[key] = (callback, {})
    return queue[key][1]


def _run(session) -> None:
    for callback, state in session.info.pop(_QUEUE, {}).values():
        callback(state)


def _drop(session) -> None:
    """A rolled-back transaction made nothing: nothing follows it."""
    session.info.pop(_QUEUE, None)


def register_after_commit() -> None:
    """Listen on the app's session (once per process, however many apps are made)."""
    for name, listener in (("after_commit", _run), ("after_rollback", _drop)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
