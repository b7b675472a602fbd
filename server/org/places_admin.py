"""Admins manage places (PROTOCOL.md §25.4): compounds, buildings, households, residents, property
companies and owners' committees, inside their jurisdiction, every change audited, and the
directories of the grids concerned fetched again by their phones (the ETag changed).

A compound is managed by the admins over its community; its buildings, households and
residents with it. A property company spans communities: only an admin over every compound it
manages changes it (authz "scope.grant" on the company, _companies_within); a company managing
no compound yet, any admin. Something still holding rows is not deleted: a compound with
buildings, a building with households, a household with residents or resident accounts, a
company managing compounds; a place another part's rows name (a task, a need) is refused with
`place_in_use`.
"""

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from server import authz
from server.audit.service import record
from server.auth.models import RoleAssignment
from server.core import pokes
from server.core.pages import paginate
from server.errors import Forbidden, NotFound
from server.extensions import db
from server.i18n import _
from server.org.editing import refusal, within
from server.org.models import (
    CARE_FLAGS,
    Building,
    Compound,
    GridCoverage,
    Household,
    OrgUnit,
    OwnersCommittee,
    PropertyCompany,
    Resident,
)

COMPOUND_FIELDS = ("name", "address", "community_id", "property_company_id", "latitude", "longitude", "built_year")


def _outside() -> Forbidden:
    return Forbidden(_("org.outside_jurisdiction"), code="outside_jurisdiction")


def _managed_compound(user, compound_id: int) -> Compound:
    authz.require(user, "users.manage")
    compound = authz.get_visible(user, Compound, compound_id)
    if not within(user, compound.community):
        raise _outside()
    return compound


def _community(user, community_id: int) -> OrgUnit:
    unit = db.session.scalar(
        select(OrgUnit).where(OrgUnit.id == community_id, authz.visible(user, OrgUnit), OrgUnit.kind == "community")
    )
    if unit is None:
        raise refusal("community_required", "community_id")
    if not within(user, unit):
        raise _outside()
    return unit


def _company(company_id: int | None) -> None:
    if company_id is not None and db.session.get(PropertyCompany, company_id) is None:
        message = _("error.not_found")
        raise NotFound(message, {"property_company_id": [message]})


def _changes(row, data: dict) -> dict:
    return {k: {"from": getattr(row, k), "to": v} for k, v in data.items() if getattr(row, k) != v}


def _apply(row, changes: dict) -> None:
    for key, change in changes.items():
        setattr(row, key, change["to"])


def _delete(row) -> None:
    """Delete a row; one another part's rows still name is refused (place_in_use), not a 500."""
    try:
        with db.session.begin_nested():
            db.session.delete(row)
            db.session.flush()
    except IntegrityError:
        raise refusal("place_in_use") from None


def _directories_of_compound(compound_id: int) -> None:
    """Poke the grids covering the compound or any of its buildings (their directories changed)."""
    covering = or_(
        GridCoverage.compound_id == compound_id,
        GridCoverage.building_id.in_(select(Building.id).where(Building.compound_id == compound_id)),
    )
    grids = set(db.session.scalars(select(GridCoverage.grid_id).where(covering)))
    pokes.after_commit([f"grid:{g}" for g in grids], event=pokes.DIRECTORY)


# --- compounds ----------------------------------------------------------------------------------


def create_compound(user, data: dict) -> Compound:
    authz.require(user, "users.manage")
    _community(user, data["community_id"])
    _company(data.get("property_company_id"))
    compound = Compound(**{k: data.get(k) for k in COMPOUND_FIELDS})
    db.session.add(compound)
    db.session.flush()
    record("place.compound_create", actor=user, target=compound, name=compound.name, community_id=compound.community_id)
    db.session.commit()
    return compound


def update_compound(user, compound_id: int, data: dict) -> Compound:
    compound = _managed_compound(user, compound_id)
    changes = _changes(compound, data)
    if "community_id" in changes:
        _community(user, data["community_id"])
        if _covered(compound.id):
            raise refusal("compound_covered", "community_id")
    if "property_company_id" in changes:
        _company(data["property_company_id"])
    if changes:
        _apply(compound, changes)
        record("place.compound_update", actor=user, target=compound, changes=changes)
        _directories_of_compound(compound.id)
        db.session.commit()
    return compound


def _covered(compound_id: int) -> bool:
    covering = or_(
        GridCoverage.compound_id == compound_id,
        GridCoverage.building_id.in_(select(Building.id).where(Building.compound_id == compound_id)),
    )
    return db.session.scalar(select(GridCoverage.id).where(covering).limit(1)) is not None


def delete_compound(user, compound_id: int) -> None:
    compound = _managed_compound(user, compound_id)
    if db.session.scalar(select(Building.id).where(Building.compound_id == compound.id).limit(1)) is not None:
        raise refusal("compound_not_empty")
    _directories_of_compound(compound.id)
    db.session.execute(GridCoverage.__table__.delete().where(GridCoverage.compound_id == compound.id))
    if compound.owners_committee is not None:
        db.session.delete(compound.owners_committee)
    record("place.compound_delete", actor=user, target=compound, name=compound.name)
    _delete(compound)
    db.session.commit()


# --- buildings ----------------------------------------------------------------------------------


def _managed_building(user, building_id: int) -> Building:
    authz.require(user, "users.manage")
    building = authz.get_visible(user, Building, building_id)
    if not within(user, building.compound.community):
        raise _outside()
    return building


def _building_name_free(compound_id: int, name: str, building_id: int | None = None) -> None:
    taken = select(Building.id).where(Building.compound_id == compound_id, Building.name == name)
    if building_id is not None:
        taken = taken.where(Building.id != building_id)
    if db.session.scalar(taken) is not None:
        raise refusal("building_name_taken", "name")


def create_building(user, compound_id: int, data: dict) -> Building:
    compound = _managed_compound(user, compound_id)
    _building_name_free(compound.id, data["name"])
    building = Building(compound_id=compound.id, **data)
    db.session.add(building)
    db.session.flush()
    record("place.building_create", actor=user, target=building, compound_id=compound.id, name=building.name)
    _directories_of_compound(compound.id)  # a compound covered whole: its new building is in the grid
    db.session.commit()
    return building


def update_building(user, building_id: int, data: dict) -> Building:
    building = _managed_building(user, building_id)
    changes = _changes(building, data)
    if "name" in changes:
        _building_name_free(building.compound_id, data["name"], building.id)
    if changes:
        _apply(building, changes)
        record("place.building_update", actor=user, target=building, changes=changes)
        _directories_of_compound(building.compound_id)
        db.session.commit()
    return building


def delete_building(user, building_id: int) -> None:
    building = _managed_building(user, building_id)
    if db.session.scalar(select(Household.id).where(Household.building_id == building.id).limit(1)) is not None:
        raise refusal("building_not_empty")
    _directories_of_compound(building.compound_id)
    db.session.execute(GridCoverage.__table__.delete().where(GridCoverage.building_id == building.id))
    record("place.building_delete", actor=user, target=building, name=building.name)
    _delete(building)
    db.session.commit()


# --- households ---------------------------------------------------------------------------------


def _managed_household(user, household_id: int) -> Household:
    authz.require(user, "users.manage")
    household = authz.get_visible(user, Household, household_id)
    if not within(user, household.building.compound.community):
        raise _outside()
    return household


def _household_free(building_id: int, unit: str, room: str, household_id: int | None = None) -> None:
    taken = select(Household.id).where(
        Household.building_id == building_id, Household.unit == unit, Household.room == room
    )
    if household_id is not None:
        taken = taken.where(Household.id != household_id)
    if db.session.scalar(taken) is not None:
        raise refusal("household_taken", "room")


def create_household(user, building_id: int, data: dict) -> Household:
    building = _managed_building(user, building_id)
    _household_free(building.id, data["unit"], data["room"])
    household = Household(building_id=building.id, **data)
    db.session.add(household)
    db.session.flush()
    record("place.household_create", actor=user, target=household, building_id=building.id)
    _directories_of_compound(building.compound_id)
    db.session.commit()
    return household


def update_household(user, household_id: int, data: dict) -> Household:
    household = _managed_household(user, household_id)
    changes = _changes(household, data)
    if changes:
        unit, room = data.get("unit", household.unit), data.get("room", household.room)
        _household_free(household.building_id, unit, room, household.id)
        _apply(household, changes)
        record("place.household_update", actor=user, target=household, changes=changes)
        _directories_of_compound(household.building.compound_id)
        db.session.commit()
    return household


def delete_household(user, household_id: int) -> None:
    household = _managed_household(user, household_id)
    if household.residents:
        raise refusal("household_not_empty")
    accounts = select(RoleAssignment.id).where(RoleAssignment.household_id == household.id).limit(1)
    if db.session.scalar(accounts) is not None:
        raise refusal("household_has_accounts")
    _directories_of_compound(household.building.compound_id)
    record("place.household_delete", actor=user, target=household, building_id=household.building_id)
    _delete(household)
    db.session.commit()


# --- residents ----------------------------------------------------------------------------------


def _managed_resident(user, resident_id: int) -> Resident:
    authz.require(user, "users.manage")
    resident = authz.get_visible(user, Resident, resident_id)
    if not within(user, resident.household.building.compound.community):
        raise _outside()
    return resident


def _normalized(data: dict) -> dict:
    if "care_flags" in data:
        data = {**data, "care_flags": [f for f in CARE_FLAGS if f in data["care_flags"]]}
    return data


def create_resident(user, household_id: int, data: dict) -> Resident:
    household = _managed_household(user, household_id)
    resident = Resident(household_id=household.id, **_normalized(data))
    db.session.add(resident)
    db.session.flush()
    record("place.resident_create", actor=user, target=resident, household_id=household.id)
    _directories_of_compound(household.building.compound_id)
    db.session.commit()
    return resident


def update_resident(user, resident_id: int, data: dict) -> Resident:
    resident = _managed_resident(user, resident_id)
    data = _normalized(data)
    changes = _changes(resident, data)
    if changes:
        _apply(resident, changes)
        # The audit names the fields; a phone number changed is not copied into the log.
        shown = {k: ("***" if k == "phone" else v) for k, v in changes.items()}
        record("place.resident_update", actor=user, target=resident, household_id=resident.household_id, changes=shown)
        _directories_of_compound(resident.household.building.compound_id)
        db.session.commit()
    return resident


def delete_resident(user, resident_id: int) -> None:
    resident = _managed_resident(user, resident_id)
    compound_id = resident.household.building.compound_id
    record("place.resident_delete", actor=user, target=resident, household_id=resident.household_id)
    _directories_of_compound(compound_id)
    _delete(resident)
    db.session.commit()


# --- property companies -------------------------------------------------------------------------


def _company_editable(user, company: PropertyCompany) -> bool:
    """Over every compound it manages (authz: _companies_within), or it manages none yet."""
    if not authz.scopes_of(user).is_admin:
        return False
    if authz.can(user, "scope.grant", ("company", company)):
        return True
    return db.session.scalar(select(Compound.id).where(Compound.property_company_id == company.id).limit(1)) is None


def list_companies(user, q=None, page=1, per_page=50) -> dict:
    authz.require(user, "users.manage")
    query = select(PropertyCompany).order_by(PropertyCompany.name, PropertyCompany.id)
    if q:
        query = query.where(
            or_(
                PropertyCompany.name.contains(q, autoescape=True),
                PropertyCompany.credit_code.contains(q, autoescape=True),
            )
        )
    found = paginate(query, page, per_page)
    ids = [c.id for c in found["items"]]
    counts = dict(
        db.session.execute(
            select(Compound.property_company_id, func.count())
            .where(Compound.property_company_id.in_(ids))
            .group_by(Compound.property_company_id)
        ).all()
    )
    return {**found, "items": [_company_fields(user, c, counts.get(c.id, 0)) for c in found["items"]]}


def _company_fields(user, company: PropertyCompany, compounds: int | None = None) -> dict:
    if compounds is None:
        compounds = db.session.scalar(
            select(func.count()).select_from(Compound).where(Compound.property_company_id == company.id)
        )
    return {
        **{c: getattr(company, c) for c in ("id", "name", "credit_code", "contact_phone", "has_party_branch")},
        "compounds_count": compounds,
        "editable": _company_editable(user, company),
    }


def company_detail(user, company_id: int) -> dict:
    authz.require(user, "users.manage")
    company = db.session.get(PropertyCompany, company_id)
    if company is None:
        raise NotFound(_("error.not_found"))
    return _company_fields(user, company)


def _company_unique(data: dict, company_id: int | None = None) -> None:
    others = PropertyCompany.id != company_id if company_id else True
    if "name" in data and db.session.scalar(
        select(PropertyCompany.id).where(PropertyCompany.name == data["name"], others)
    ):
        raise refusal("company_name_taken", "name")
    if data.get("credit_code") and db.session.scalar(
        select(PropertyCompany.id).where(PropertyCompany.credit_code == data["credit_code"], others)
    ):
        raise refusal("credit_code_taken", "credit_code")


def create_company(user, data: dict) -> dict:
    authz.require(user, "users.manage")
    _company_unique(data)
    company = PropertyCompany(**data)
    db.session.add(company)
    db.session.flush()
    record("place.company_create", actor=user, target=company, name=company.name)
    db.session.commit()
    return _company_fields(user, company, 0)


def _editable_company(user, company_id: int) -> PropertyCompany:
    authz.require(user, "users.manage")
    company = db.session.get(PropertyCompany, company_id)
    if company is None:
        raise NotFound(_("error.not_found"))
    if not _company_editable(user, company):
        raise Forbidden(_("org.company_spans"), code="company_spans")
    return company


def update_company(user, company_id: int, data: dict) -> dict:
    company = _editable_company(user, company_id)
    changes = _changes(company, data)
    if changes:
        _company_unique({k: c["to"] for k, c in changes.items()}, company.id)
        _apply(company, changes)
        record("place.company_update", actor=user, target=company, changes=changes)
        db.session.commit()
    return _company_fields(user, company)


def delete_company(user, company_id: int) -> None:
    company = _editable_company(user, company_id)
    if db.session.scalar(select(Compound.id).where(Compound.property_company_id == company.id).limit(1)):
        raise refusal("company_in_use")
    record("place.company_delete", actor=user, target=company, name=company.name)
    _delete(company)
    db.session.commit()


# --- owners' committees -------------------------------------------------------------------------


def put_committee(user, compound_id: int, data: dict) -> OwnersCommittee:
    compound = _managed_compound(user, compound_id)
    start, end = data.get("established_on"), data.get("term_ends_on")
    if start and end and end < start:
        raise refusal("term_order", "term_ends_on")
    committee = compound.owners_committee
    if committee is None:
        committee = OwnersCommittee(compound_id=compound.id, **data)
        db.session.add(committee)
        changes = {k: {"from": None, "to": str(v) if v is not None else None} for k, v in data.items()}
    else:
        changes = {k: {"from": str(c["from"]), "to": str(c["to"])} for k, c in _changes(committee, data).items()}
        for key, value in data.items():
            setattr(committee, key, value)
    if changes:
        record("place.committee_put", actor=user, target=compound, changes=changes)
    db.session.commit()
    return committee


def delete_committee(user, compound_id: int) -> None:
    compound = _managed_compound(user, compound_id)
    if compound.owners_committee is None:
        raise NotFound(_("error.not_found"))
    record("place.committee_delete", actor=user, target=compound, name=compound.owners_committee.name)
    db.session.delete(compound.owners_committee)
    db.session.commit()
