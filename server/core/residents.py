"""One record per person (一次采集、多方利用, issue 16): when an admin merges two entries of the
resident register (server/org/duplicates.py), every part that keeps a reference to a resident moves
it from the merged-away entry to the kept one, in the same transaction, through a hook it brings at
assembly (Part.resident_merge). The register itself (server/org) never imports the parts above it.

A hook is fn(kept_id, merged_id) -> int: how many of its rows it moved (for the audit entry).
Today no part holds a resident's id: the list is where a new one plugs in.

Edit in one place (issue 16 item 6.3), where a resident shows and why it follows an edit:
  directory, a household's residents   read from the register at each request (ETag'd, §27.3)
  tasks                                name a household; their views read its head's name from
                                       the register at each read (tasks/views.py household_head)
  needs, wishes                        belong to a user account and a household, never a copy of
                                       a register entry (wishes/rules.py reads names live, to keep
                                       them off the public wall)
  alerts                               are sent to accounts by role and scope, not to entries
Copies that stay as they were, on purpose (historical snapshots): an inbox notice's text (what
was sent, e.g. 新的入户申请：{name}); a join request's name (what the applicant typed); a task's
report (what the worker wrote on the day); the audit log's details."""

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
