"""Bucket functions for entities placed in the org tree (PROTOCOL.md §2): a record in a grid
lives in that grid's bucket and in the `org:` bucket of every org unit above it, so that the
grid's workers and the admins of every level above see it."""

from flask import g, has_app_context
from sqlalchemy import select

from server.core.fields import is_row_id
from server.extensions import db
from server.org.models import OrgUnit


def grid_buckets(grid_id) -> list[str]:
    """["grid:<id>", "org:<id>", "org:<parent>", …, "org:<city>"] for a grid id (or [])."""
    org = org_buckets(grid_id)
    return [f"grid:{grid_id}", *org] if org else []


def org_buckets(unit_id) -> list[str]:
    """["org:<id>", "org:<parent>", …, "org:<city>"] for an org unit's id: the admins of every
    level from the unit up (or [] for an unknown or malformed id)."""
    if not is_row_id(unit_id):
        return []  # absent, or malformed in a client's mutation (a list would crash the cache)
    path = _unit_path(unit_id)
    return [f"org:{unit}" for unit in path.strip("/").split("/")] if path else []


def _unit_path(unit_id):
    """A unit's path, looked up once per request or app context (a push of 200 records in one
    grid asks for it hundreds of times; org paths do not change within a request)."""
    cache = g.setdefault("_redgrid_unit_paths", {}) if has_app_context() else {}
    if unit_id not in cache:
        cache[unit_id] = db.session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
    return cache[unit_id]


def by_grid_field(field: str):
    """A bucket function for entities whose values carry a grid id in `field`."""

    def buckets(values) -> list[str]:
        return grid_buckets(values.get(field))

    return buckets
