"""Telling online clients after a commit that something they keep changed (PROTOCOL.md §8):
SYNC ("sync:poke", pull now) for the records of a bucket, DIRECTORY ("directory:poke") for
the directory of a grid (not a synced record: the phone keeps a copy and revalidates it by
ETag, pwa/js/directory.js). The realtime layer registers a sender; without one (tests of the
engine alone, CLI) pokes go nowhere."""
from typing import Callable, Iterable

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
