"""Places and units by name, for what lists them in words (exports, reports): one query per call
whatever the number of ids."""

from sqlalchemy import select

from server.extensions import db
from server.org.models import Building, Compound, Household, OrgUnit


def household_addresses(household_ids) -> dict[int, str]:
    """ "帝豪花园 3号楼 2单元 301" per household id."""
    ids = {i for i in household_ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Household.id, Compound.name, Building.name, Household.unit, Household.room)
        .join(Building, Household.building_id == Building.id)
        .join(Compound, Building.compound_id == Compound.id)
        .where(Household.id.in_(ids))
    )
    return {hid: " ".join(p for p in parts if p) for hid, *parts in rows}


def unit_names(unit_ids) -> dict[int, str]:
    """The name of each org unit id."""
    ids = {i for i in unit_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(ids))).all())
