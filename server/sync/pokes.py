"""Telling online clients "pull now" after a commit (PROTOCOL.md §8). The realtime layer
registers a sender; without one (tests of the engine alone, CLI) pokes go nowhere."""
from typing import Callable, Iterable

_senders: list[Callable[[list[str]], None]] = []


def register(sender: Callable[[list[str]], None]) -> None:
    if sender not in _senders:
        _senders.append(sender)


def notify(buckets: Iterable[str]) -> None:
    """Call only after the transaction committed: a poke before commit makes clients pull too
    early and miss the change (DESIGN.md §5)."""
    buckets = sorted(set(buckets))
    if not buckets:
        return
    for sender in _senders:
        sender(buckets)
