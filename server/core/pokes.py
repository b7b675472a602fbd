"""Telling online clients after a commit that something they keep changed (PROTOCOL.md §8):
SYNC ("sync:poke", pull now) for the records of a bucket, DIRECTORY ("directory:poke") for
the directory of a grid (not a synced record: the phone keeps a copy and revalidates it by
ETag, pwa/js/directory.js). The realtime layer registers a sender; without one (tests of the
engine alone, CLI) pokes go nowhere.

Services poke with after_commit(): the pokes go out once the transaction commits, never before
and never after a rollback (server/core/after_commit.py, the one mechanism for what follows a
commit). notify() sends at once, for a caller outside any transaction (`redgrid sync-poke`)."""

from collections.abc import Callable, Iterable

from server.core.after_commit import after_commit as _after_commit

SYNC = "sync:poke"
DIRECTORY = "directory:poke"

_senders: list[Callable[[list[str], str], None]] = []


def register(sender: Callable[[list[str], str], None]) -> None:
    if sender not in _senders:
        _senders.append(sender)


def notify(buckets: Iterable[str], event: str = SYNC) -> None:
    """Call only after the transaction committed: a poke before commit makes clients pull too
    early and miss the change (DESIGN.md §5)."""
    buckets = sorted(set(buckets))
    if not buckets:
        return
    for sender in _senders:
        sender(buckets, event)


def after_commit(buckets: Iterable[str], event: str = SYNC) -> None:
    """Poke these buckets once the current transaction commits."""
    _after_commit("pokes", _send).setdefault(event, set()).update(buckets)


def _send(state: dict) -> None:
    for event, buckets in state.items():
        notify(buckets, event)
