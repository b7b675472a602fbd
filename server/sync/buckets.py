"""Bucket functions for entities placed in the org tree (PROTOCOL.md §2): a record in a grid
lives in that grid's bucket and in the `org:` bucket of every org unit above it, so that the
grid's workers and the admins of every level above see it."""

from flask import g, has_app_context
from sqlalchemy import select

from server.core.fields import is_row_id
from server.extensions import db
from server.org.models import OrgUnit

CACHE = "_redgrid_unit_buckets"  # g: the org buckets of each unit asked for in this request


def grid_buckets(grid_id) -> list[str]:
    """["grid:<id>", "org:<id>", "org:<parent>", …, "org:<city>"] for a grid id (or [])."""
    org = org_buckets(grid_id)
    return [f"grid:{grid_id}", *org] if org else []


def org_buckets(unit_id) -> list[str]:
    """["org:<id>", "org:<parent>", …, "org:<city>"] for an org unit's id: the admins of every
    level from the unit up (or [] for an unknown or malformed id)."""
    if not is_row_id(unit_id):
        return []  # absent, or malformed in a client's mutation (a list would crash the cache)
    return list(_unit_buckets(unit_id))


def _unit_buckets(unit_id) -> tuple[str, ...]:
    """A unit's org buckets, looked up once per request or app context (a push of 200 records in
    one grid asks for them 600 times; org paths do not change within a request)."""
    cache = g.setdefault(CACHE, {}) if has_app_context() else {}
    found = cache.get(unit_id)
    if found is None:
        path = db.session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
        found = cache[unit_id] = tuple(f"org:{unit}" for unit in path.strip("/").split("/")) if path else ()
    return found


def by_grid_field(field: str):
    """A bucket function for entities whose values carry a grid id in `field`."""

    def buckets(values) -> list[str]:
        return grid_buckets(values.get(field))

    return buckets
