"""Reading the org tree and places within a user's scope (authz decides the scope)."""
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server import authz
from server.extensions import db
from server.org.models import Building, Compound, Household, OrgUnit


def paginate(query, page: int, per_page: int) -> dict:
    """One page of a select, with the total."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def org_children(user, parent_id: int | None) -> list[OrgUnit]:
    """Visible children of a unit (or the visible top of the tree)."""
    if parent_id is not None:
        authz.get_visible(user, OrgUnit, parent_id)
        where = OrgUnit.parent_id == parent_id
    else:
        where = OrgUnit.parent_id.is_(None)
    return list(
        db.session.scalars(
            select(OrgUnit).where(where, authz.visible(user, OrgUnit)).order_by(OrgUnit.id)
        )
    )


def org_unit_detail(user, unit_id: int) -> dict:
    unit = authz.get_visible(user, OrgUnit, unit_id)
    ancestors = list(
        db.session.scalars(
            select(OrgUnit).where(OrgUnit.id.in_(unit.ancestor_ids[:-1])).order_by(OrgUnit.depth)
        )
    )
    children = db.session.scalar(
        select(func.count()).where(OrgUnit.parent_id == unit.id, authz.visible(user, OrgUnit))
    )
    compounds = db.session.scalar(
        select(func.count()).select_from(Compound).where(
            Compound.community_id.in_(select(OrgUnit.id).where(authz.subtree_of(unit.path))),
            authz.visible(user, Compound),
        )
    )
    return {
        **{c: getattr(unit, c) for c in ("id", "kind", "name", "code", "parent_id", "depth")},
        "ancestors": ancestors,
        "children_count": children,
        "compounds_count": compounds,
    }


def list_compounds(user, org_unit_id=None, q=None, page=1, per_page=50) -> dict:
    # One query for the page's companies, not one per compound.
    query = select(Compound).options(selectinload(Compound.property_company)).where(authz.visible(user, Compound)).order_by(Compound.id)
    if org_unit_id is not None:
        unit = authz.get_visible(user, OrgUnit, org_unit_id)
        query = query.where(
            Compound.community_id.in_(select(OrgUnit.id).where(authz.subtree_of(unit.path)))
        )
    if q:
        query = query.where(Compound.name.contains(q, autoescape=True))
    return paginate(query, page, per_page)


def compound_detail(user, compound_id: int) -> dict:
    compound = authz.get_visible(user, Compound, compound_id)
    path_ids = compound.community.ancestor_ids
    names = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(path_ids))).all())
    buildings = db.session.scalar(
        select(func.count()).select_from(Building).where(
            Building.compound_id == compound.id, authz.visible(user, Building)
        )
    )
    return {
        **{c: getattr(compound, c) for c in ("id", "name", "address", "community_id", "latitude", "longitude", "built_year")},
        "property_company": compound.property_company,
        "owners_committee": compound.owners_committee,
        "community_path": [names[i] for i in path_ids],
        "buildings_count": buildings,
    }


def compound_buildings(user, compound_id: int) -> list[Building]:
    authz.get_visible(user, Compound, compound_id)
    return list(
        db.session.scalars(
            select(Building)
            .where(Building.compound_id == compound_id, authz.visible(user, Building))
            .order_by(Building.id)
        )
    )


def building_households(user, building_id: int, page=1, per_page=50) -> dict:
    authz.get_visible(user, Building, building_id)
    query = (
        select(Household)
        .where(Household.building_id == building_id, authz.visible(user, Household))
        .order_by(Household.unit, Household.room)
    )
    return paginate(query, page, per_page)


def household_detail(user, household_id: int) -> Household:
    return authz.get_visible(user, Household, household_id)
