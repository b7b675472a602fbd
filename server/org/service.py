"""Reading the org tree and places within a user's scope (authz decides the scope)."""

import functools
import hashlib
import json
import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from server import authz
from server.audit.service import record
from server.core import pokes
from server.core.pages import paginate
from server.errors import NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import CARE_FLAGS, Building, Compound, GridCoverage, Household, OrgUnit, Resident
from server.org.schemas import mask_phone


def org_children(user, parent_id: int | None) -> list[OrgUnit]:
    """Visible children of a unit (or the visible top of the tree)."""
    if parent_id is not None:
        authz.get_visible(user, OrgUnit, parent_id)
        where = OrgUnit.parent_id == parent_id
    else:
        where = OrgUnit.parent_id.is_(None)
    listed = (where, OrgUnit.merged_into_id.is_(None), authz.visible(user, OrgUnit))  # merged grids: §25.2
    return list(db.session.scalars(select(OrgUnit).where(*listed).order_by(OrgUnit.id)))


def org_unit_detail(user, unit_id: int) -> dict:
    unit = authz.get_visible(user, OrgUnit, unit_id)
    ancestors = list(
        db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(unit.ancestor_ids[:-1])).order_by(OrgUnit.depth))
    )
    children = db.session.scalar(select(func.count()).where(OrgUnit.parent_id == unit.id, authz.visible(user, OrgUnit)))
    compounds = db.session.scalar(
        select(func.count())
        .select_from(Compound)
        .where(
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
    query = (
        select(Compound)
        .options(selectinload(Compound.property_company))
        .where(authz.visible(user, Compound))
        .order_by(Compound.id)
    )
    if org_unit_id is not None:
        unit = authz.get_visible(user, OrgUnit, org_unit_id)
        query = query.where(Compound.community_id.in_(select(OrgUnit.id).where(authz.subtree_of(unit.path))))
    if q:
        query = query.where(Compound.name.contains(q, autoescape=True))
    return paginate(query, page, per_page)


def compound_detail(user, compound_id: int) -> dict:
    compound = authz.get_visible(user, Compound, compound_id)
    path_ids = compound.community.ancestor_ids
    names = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(path_ids))).all())
    buildings = db.session.scalar(
        select(func.count())
        .select_from(Building)
        .where(Building.compound_id == compound.id, authz.visible(user, Building))
    )
    return {
        **{
            c: getattr(compound, c)
            for c in ("id", "name", "address", "community_id", "latitude", "longitude", "built_year")
        },
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


# --- the grid directory ------------------------------------------------------------------

# Part of every ETag: a change in the directory's shape makes phones fetch it again.
DIRECTORY_FORMAT = "2"  # 2: compounds carry latitude and longitude (maps, issue 15)
_DIGITS = re.compile(r"(\d+)")


@functools.lru_cache(maxsize=4096)  # rooms, units and names repeat across a grid's buildings
def natural_key(text: str | None) -> tuple:
    """ "3号楼" < "10号楼", "2单元" < "10单元", "301" < "1001": numbers compare as numbers.
    Split parts alternate text, number, text, … so tuples always compare like with like."""
    return tuple(int(part) if i % 2 else part for i, part in enumerate(_DIGITS.split(text or "")))


def grid_directory(user, grid_id: int) -> dict:
    """The whole directory of one grid, sorted for display, in six queries whatever the number of
    households (plus the user's scopes). Phones are masked here: the full number never leaves."""
    grid = db.session.get(OrgUnit, grid_id)
    if grid is None or not authz.can(user, "directory.read", grid):
        raise NotFound(_("error.not_found"))
    names = dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(grid.ancestor_ids))).all())
    covered = select(GridCoverage.compound_id, GridCoverage.building_id).where(GridCoverage.grid_id == grid.id)
    covered = covered.subquery()
    in_grid = or_(
        Building.compound_id.in_(select(covered.c.compound_id).where(covered.c.compound_id.is_not(None))),
        Building.id.in_(select(covered.c.building_id).where(covered.c.building_id.is_not(None))),
    )
    buildings = db.session.execute(
        select(Building.id, Building.compound_id, Building.name, Building.units, Building.floors).where(in_grid)
    ).all()
    # The rest by the buildings' ids (tens of them): a plain IN on an indexed column, which the
    # planner estimates well; behind the coverage subquery PostgreSQL scanned every resident.
    building_ids = [row[0] for row in buildings]
    compounds = db.session.execute(
        select(Compound.id, Compound.name, Compound.address, Compound.latitude, Compound.longitude).where(
            Compound.id.in_({row[1] for row in buildings})
        )
    ).all()
    households = db.session.execute(
        select(Household.id, Household.building_id, Household.unit, Household.room).where(
            Household.building_id.in_(building_ids)
        )
    ).all()
    residents = db.session.execute(
        select(
            Resident.id,
            Resident.household_id,
            Resident.name,
            Resident.phone,
            Resident.gender,
            Resident.birth_year,
            Resident.relation,
            Resident.care_flags,
        )
        .join(Household, Household.id == Resident.household_id)
        .where(Household.building_id.in_(building_ids), Resident.merged_into_id.is_(None))
        .order_by(Resident.household_id, Resident.id)
    ).all()
    return _directory(grid, names, compounds, buildings, households, residents)


def _directory(grid, names, compounds, buildings, households, residents) -> dict:
    """Plain, display-sorted data (the same rows give the same bytes, hence the same ETag).
    Rows are unpacked as tuples: attribute access on ~2,000 rows costs more than the query."""
    compounds = sorted(compounds, key=lambda c: (natural_key(c[1]), c[0]))
    compound_order = {compound_id: position for position, (compound_id, *_) in enumerate(compounds)}
    buildings = sorted(buildings, key=lambda b: (compound_order[b[1]], natural_key(b[2]), b[0]))
    building_order = {building_id: position for position, (building_id, *_) in enumerate(buildings)}
    people: dict[int, list[dict]] = {}
    for id_, household_id, name, phone, gender, birth_year, relation, care_flags in residents:
        people.setdefault(household_id, []).append(
            {
                "id": id_,
                "name": name,
                "phone_masked": mask_phone(phone),
                "gender": gender,
                "birth_year": birth_year,
                "relation": relation,
                "care_flags": list(care_flags or []),
            }
        )
    households = sorted(households, key=lambda h: (building_order[h[1]], natural_key(h[2]), natural_key(h[3]), h[0]))
    return {
        "grid": {"id": grid.id, "name": grid.name, "path": [names[i] for i in grid.ancestor_ids if i in names]},
        "compounds": [
            {"id": id_, "name": name, "address": address, "latitude": lat, "longitude": lng}
            for id_, name, address, lat, lng in compounds
        ],
        "buildings": [
            {"id": id_, "compound_id": compound_id, "name": name, "units": units, "floors": floors}
            for id_, compound_id, name, units, floors in buildings
        ],
        "households": [
            {"id": id_, "building_id": building_id, "unit": unit, "room": room, "residents": people.get(id_, [])}
            for id_, building_id, unit, room in households
        ],
    }


def directory_json(directory: dict) -> bytes:
    """The directory as compact UTF-8 JSON, serialized once: its hash is the ETag and these
    exact bytes are what is sent (a schema dump of ~2,000 residents would cost more than the
    queries; tests check that GridDirectorySchema describes every field)."""
    return json.dumps(directory, ensure_ascii=False, separators=(",", ":")).encode()


def directory_etag(body: bytes) -> str:
    """A hash of the content: same rows, same bytes, same tag (no version columns to take a max of)."""
    return hashlib.sha256(DIRECTORY_FORMAT.encode() + b":" + body).hexdigest()[:32]


def _resident_for(user, action: str, resident_id: int) -> Resident:
    resident = db.session.get(Resident, resident_id)
    if resident is None or not authz.can(user, action, resident):
        raise NotFound(_("error.not_found"))
    return resident


def resident_phone(user, resident_id: int) -> dict:
    """A resident's full number for whoever may read the directory listing them; every look is
    audited (who, which resident), even when no number is on record."""
    resident = _resident_for(user, "resident.phone", resident_id)
    answer = {"id": resident.id, "phone": resident.phone}
    record("resident.phone_viewed", actor=user, target=resident, household_id=resident.household_id)
    db.session.commit()
    return answer


def resident_phone_throttled(user, resident_id: int) -> None:
    """A request for a full number refused by the rate limit is audited too: nothing was shown,
    but a run of them is what harvesting the directory's numbers looks like."""
    record("resident.phone_throttled", actor=user, resident_id=resident_id)
    db.session.commit()


def update_resident(user, resident_id: int, changes: dict) -> Resident:
    """Change a resident's special-care flags (信息核实), for whoever keeps the directory that
    lists them; audited. Phones keeping that directory are poked to fetch it again after the
    commit. The one place where a directory changes (besides loading demo data)."""
    resident = _resident_for(user, "resident.update", resident_id)
    before = list(resident.care_flags or [])
    after = [flag for flag in CARE_FLAGS if flag in changes["care_flags"]]  # one order, no repeats
    if after == before:
        return resident
    resident.care_flags = after
    record(
        "resident.update",
        actor=user,
        target=resident,
        household_id=resident.household_id,
        care_flags={"from": before, "to": after},
    )
    grids = directory_grids(resident.household_id)
    pokes.after_commit((f"grid:{grid_id}" for grid_id in grids), event=pokes.DIRECTORY)
    db.session.commit()
    return resident


def directory_grids(household_id: int) -> list[int]:
    """The grids whose directory lists a household: those covering its building or compound."""
    building = db.session.execute(
        select(Building.id, Building.compound_id)
        .join(Household, Household.building_id == Building.id)
        .where(Household.id == household_id)
    ).one()
    covering = or_(GridCoverage.building_id == building.id, GridCoverage.compound_id == building.compound_id)
    return sorted(set(db.session.scalars(select(GridCoverage.grid_id).where(covering))))
