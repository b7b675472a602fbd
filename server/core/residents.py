"""One record per person (一次采集、多方利用, issue 16): when an admin merges two entries of the
resident register (server/org/duplicates.py), every part that keeps a reference to a resident moves
it from the merged-away entry to the kept one, in the same transaction, through a hook it brings at
assembly (Part.resident_merge). The register itself (server/org) never imports the parts above it.

A hook is fn(kept_id, merged_id) -> int: how many of its rows it moved (for the audit entry).
Today no part holds a resident's id (tasks, needs, wishes and alerts name a household or a user
account; the directory is read from the register): the list is where a new one plugs in."""

from collections.abc import Callable

_hooks: list[tuple[str, Callable[[int, int], int]]] = []


def register(name: str, hook: Callable[[int, int], int]) -> None:
    """Add a part's hook, once (create_app may run several times in one process)."""
    if all(existing is not hook for _, existing in _hooks):
        _hooks.append((name, hook))


def unregister(hook: Callable[[int, int], int]) -> None:
    _hooks[:] = [(name, existing) for name, existing in _hooks if existing is not hook]


def merged(kept_id: int, merged_id: int) -> dict[str, int]:
    """Run every hook; {part: rows moved} for those that moved something."""
    moved = {name: hook(kept_id, merged_id) for name, hook in list(_hooks)}
    return {name: count for name, count in moved.items() if count}
