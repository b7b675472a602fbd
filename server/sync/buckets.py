"""Bucket functions for entities placed in the org tree (PROTOCOL.md §2): a record in a grid
lives in that grid's bucket and in the `org:` bucket of every org unit above it, so that the
grid's workers and the admins of every level above see it."""

from flask import g, has_app_context
from sqlalchemy import select

from server.extensions import db
from server.org.models import OrgUnit


def grid_buckets(grid_id) -> list[str]:
    """["grid:<id>", "org:<id>", "org:<parent>", …, "org:<city>"] for a grid id (or [])."""
    if not isinstance(grid_id, int) or isinstance(grid_id, bool):
        return []  # absent, or malformed in a client's mutation (a list would crash the cache)
    path = _grid_path(grid_id)
    if path is None:
        return []
    return [f"grid:{grid_id}"] + [f"org:{unit}" for unit in path.strip("/").split("/")]


def _grid_path(grid_id):
    """A unit's path, looked up once per request or app context (a push of 200 records in one
    grid asks for it hundreds of times; org paths do not change within a request)."""
    cache = g.setdefault("_redgrid_grid_paths", {}) if has_app_context() else {}
    if grid_id not in cache:
        cache[grid_id] = db.session.scalar(select(OrgUnit.path).where(OrgUnit.id == grid_id))
    return cache[grid_id]


def by_grid_field(field: str):
    """A bucket function for entities whose values carry a grid id in `field`."""

    def buckets(values) -> list[str]:
        return grid_buckets(values.get(field))

    return buckets
