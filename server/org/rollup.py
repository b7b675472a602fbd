"""Counting records by the children of an org unit (the dashboards, PROTOCOL.md §26): every unit of
the subtree with the child whose path prefixes its own (the unit itself: child None), as a subquery
the parts join their records to and GROUP BY — one query per figure set, over the org path prefix."""

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from server import authz
from server.extensions import db
from server.org.models import Compound, GridCoverage, OrgUnit


def children(unit: OrgUnit) -> list[OrgUnit]:
    """The unit's children (a street's communities, a community's grids), by id. A grid has none
    here: its records name the grid, not its courtyards (居民组), so a grid's dashboard is its totals."""
    if unit.kind in ("grid", "courtyard"):
        return []
    return list(db.session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id).order_by(OrgUnit.id)))


def buckets(unit: OrgUnit):
    """(unit_id, child_id) for every org unit at or below `unit`: child_id the child of `unit` the
    unit is in (its path starts with the child's), None for `unit` itself."""
    child = aliased(OrgUnit)
    return (
        select(OrgUnit.id.label("unit_id"), child.id.label("child_id"))
        .select_from(OrgUnit)
        .outerjoin(
            child,
            and_(child.parent_id == unit.id, func.substr(OrgUnit.path, 1, func.length(child.path)) == child.path),
        )
        .where(authz.subtree_of(unit.path))
        .subquery("buckets")
    )


def compound_buckets(unit: OrgUnit):
    """(compound_id, child_id), once each, for the compounds at or below `unit`: a compound is in
    its community and in the grids covering it (GridCoverage), so a community's dashboard counts it
    under its grids, a street's under its community."""
    tree = buckets(unit)
    placed = select(Compound.id.label("compound_id"), Compound.community_id.label("unit_id")).union(
        select(GridCoverage.compound_id, GridCoverage.grid_id).where(GridCoverage.compound_id.is_not(None))
    )
    placed = placed.subquery("placed")
    return (
        select(placed.c.compound_id, tree.c.child_id)
        .join(tree, tree.c.unit_id == placed.c.unit_id)
        .distinct()
        .subquery("compound_buckets")
    )


def compounds_under(unit: OrgUnit):
    """The ids of the compounds of the communities at or below `unit` (each once)."""
    return select(Compound.id.label("compound_id")).where(
        Compound.community_id.in_(select(OrgUnit.id).where(authz.subtree_of(unit.path)))
    )
