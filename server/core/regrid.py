"""When the org tree or what a grid covers changes (sync/PROTOCOL.md §25): the org part changes
its own tables (org units, coverages, grid workers' roles) and then calls the hooks the other
parts registered at assembly (Part.regrid, wired by create_app), each moving its own rows in
the same transaction. No part reads another's tables: the org part knows places and grids, the
tasks part knows tasks, field reports and needs, the sync part knows where records are logged.

A hook is fn(change: GridChange) -> None, called after the org rows are flushed and before the
commit; what it writes through the sync engine is poked after the commit by the engine's writer.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import g, has_app_context

MOVED = "moved"  # an org unit (a grid, a community …) moved to another parent: paths changed
COVERED = "covered"  # places moved from one grid to another (or left a grid, or joined one)
MERGED = "merged"  # grid `from_grid_id` merged into `to_grid_id`: everything of it goes there


@dataclass(frozen=True)
class GridChange:
    kind: str  # MOVED, COVERED or MERGED
    by_user_id: int  # the admin who made the change (history entries, client ids)
    unit_id: int | None = None  # MOVED: the unit moved (its whole subtree moved with it)
    from_grid_id: int | None = None  # COVERED, MERGED: the grid the places leave (None: none)
    to_grid_id: int | None = None  # COVERED, MERGED: the grid they join (None: none)
    compound_ids: frozenset[int] = frozenset()  # COVERED: compounds that changed grid whole
    building_ids: frozenset[int] = frozenset()  # COVERED: every building that changed grid


_hooks: list[Callable[[GridChange], None]] = []
_caches: list[str] = []  # names of flask.g attributes memoizing places or paths for a request


def register(hook: Callable[[GridChange], None]) -> None:
    """Add a part's hook (registering the same function twice adds it once)."""
    if hook not in _hooks:
        _hooks.append(hook)


def register_cache(name: str) -> None:
    """A part's per-request memo of paths or places (a flask.g attribute): dropped before the
    hooks run, since what it remembers changed in this request."""
    if name not in _caches:
        _caches.append(name)


def changed(change: GridChange) -> None:
    """Forget the request's memos, then tell every registered part, in the order the parts are
    listed (server/__init__.py PARTS)."""
    if has_app_context():
        for name in _caches:
            g.pop(name, None)
    for hook in _hooks:
        hook(change)
