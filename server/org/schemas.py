"""Shapes of the org tree and places endpoints."""

import marshmallow as ma
from marshmallow import validate

from server.api import PageArgsSchema, page_of
from server.core.edge import Schema
from server.org.models import CARE_FLAGS


def mask_phone(phone: str | None) -> str | None:
    """138****0001: lists never show a resident's full number."""
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


class OrgUnitSchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "city, district, street, community, grid, courtyard"})
    name = ma.fields.String()
    code = ma.fields.String(allow_none=True)
    parent_id = ma.fields.Integer(allow_none=True)
    depth = ma.fields.Integer()


class OrgUnitDetailSchema(OrgUnitSchema):
    ancestors = ma.fields.List(ma.fields.Nested(OrgUnitSchema), metadata={"description": "from the city down"})
    children_count = ma.fields.Integer()
    compounds_count = ma.fields.Integer()


class OrgChildrenArgsSchema(Schema):
    parent_id = ma.fields.Integer(metadata={"description": "omit for the top of your visible tree"})


class CompanySchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    has_party_branch = ma.fields.Boolean()


class OwnersCommitteeSchema(Schema):
    name = ma.fields.String()
    chair_name = ma.fields.String(allow_none=True)
    established_on = ma.fields.Date(allow_none=True)
    term_ends_on = ma.fields.Date(allow_none=True)


class CompoundSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    address = ma.fields.String(allow_none=True)
    community_id = ma.fields.Integer()
    property_company = ma.fields.Nested(CompanySchema, allow_none=True)


class CompoundDetailSchema(CompoundSchema):
    latitude = ma.fields.Float(allow_none=True)
    longitude = ma.fields.Float(allow_none=True)
    built_year = ma.fields.Integer(allow_none=True)
    owners_committee = ma.fields.Nested(OwnersCommitteeSchema, allow_none=True)
    community_path = ma.fields.List(ma.fields.String())
    buildings_count = ma.fields.Integer()


class CompoundListArgsSchema(PageArgsSchema):
    org_unit_id = ma.fields.Integer(metadata={"description": "only compounds inside this org subtree"})
    q = ma.fields.String(validate=validate.Length(max=40), metadata={"description": "name contains"})


class BuildingSchema(Schema):
    id = ma.fields.Integer()
    compound_id = ma.fields.Integer()
    name = ma.fields.String()
    units = ma.fields.Integer()
    floors = ma.fields.Integer()


class HouseholdSchema(Schema):
    id = ma.fields.Integer()
    building_id = ma.fields.Integer()
    unit = ma.fields.String()
    room = ma.fields.String()


class ResidentSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    phone_masked = ma.fields.Function(lambda r: mask_phone(r.phone))
    gender = ma.fields.String(allow_none=True)
    birth_year = ma.fields.Integer(allow_none=True)
    relation = ma.fields.String()
    care_flags = ma.fields.Function(
        lambda r: list(r.care_flags or []),
        metadata={"description": "special care: elderly_alone 独居老人, low_income 低保, disability 残疾"},
    )


class HouseholdDetailSchema(HouseholdSchema):
    building = ma.fields.Nested(BuildingSchema)
    compound = ma.fields.Nested(CompoundSchema, attribute="building.compound")
    residents = ma.fields.List(ma.fields.Nested(ResidentSchema))


CompoundPageSchema = page_of(CompoundSchema)
HouseholdPageSchema = page_of(HouseholdSchema)


# --- the grid directory (one grid, whole, for a phone to keep offline) -------------------


class DirectoryGridSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    path = ma.fields.List(ma.fields.String(), metadata={"description": "names from the city down to the grid"})


class DirectoryCompoundSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    address = ma.fields.String(allow_none=True)
    latitude = ma.fields.Float(allow_none=True, metadata={"description": "WGS-84 degrees; null when not surveyed"})
    longitude = ma.fields.Float(allow_none=True, metadata={"description": "WGS-84 degrees; null when not surveyed"})


class DirectoryResidentSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    phone_masked = ma.fields.String(
        allow_none=True, metadata={"description": "138****0001; the full number: /api/residents/<id>/phone"}
    )
    gender = ma.fields.String(allow_none=True)
    birth_year = ma.fields.Integer(allow_none=True)
    relation = ma.fields.String()
    care_flags = ma.fields.List(ma.fields.String(), metadata={"description": "elderly_alone, low_income, disability"})


class DirectoryHouseholdSchema(Schema):
    id = ma.fields.Integer()
    building_id = ma.fields.Integer()
    unit = ma.fields.String()
    room = ma.fields.String()
    residents = ma.fields.List(ma.fields.Nested(DirectoryResidentSchema))


class GridDirectorySchema(Schema):
    grid = ma.fields.Nested(DirectoryGridSchema)
    compounds = ma.fields.List(ma.fields.Nested(DirectoryCompoundSchema))
    buildings = ma.fields.List(
        ma.fields.Nested(BuildingSchema), metadata={"description": "by compound, then name (3号楼 before 10号楼)"}
    )
    households = ma.fields.List(
        ma.fields.Nested(DirectoryHouseholdSchema), metadata={"description": "by building, unit, room"}
    )


class ResidentUpdateSchema(Schema):
    """What a resident's directory entry may be changed in: the special-care flags."""

    care_flags = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(CARE_FLAGS)),
        required=True,
        validate=validate.Length(max=len(CARE_FLAGS)),
        metadata={"description": "the whole set: elderly_alone 独居老人, low_income 低保, disability 残疾 ([]: none)"},
    )


class ResidentPhoneSchema(Schema):
    id = ma.fields.Integer()
    phone = ma.fields.String(allow_none=True, metadata={"description": "the full number (null: none on record)"})
