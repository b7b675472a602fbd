"""Bucket functions for entities placed in the org tree (PROTOCOL.md §2): a record in a grid
lives in that grid's bucket and in the `org:` bucket of every org unit above it, so that the
grid's workers and the admins of every level above see it."""
from sqlalchemy import select

from server.extensions import db
from server.org.models import OrgUnit


def grid_buckets(grid_id) -> list[str]:
    """["grid:<id>", "org:<id>", "org:<parent>", …, "org:<city>"] for a grid id (or [])."""
    if grid_id is None:
        return []
    path = db.session.scalar(select(OrgUnit.path).where(OrgUnit.id == grid_id))
    if path is None:
        return []
    return [f"grid:{grid_id}"] + [f"org:{unit}" for unit in path.strip("/").split("/")]


def by_grid_field(field: str):
    """A bucket function for entities whose values carry a grid id in `field`."""

    def buckets(values) -> list[str]:
        return grid_buckets(values.get(field))

    return buckets
