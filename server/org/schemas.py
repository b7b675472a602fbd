"""Shapes of the org tree and places endpoints."""

import copy

import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from server.api import PageArgsSchema, page_of
from server.core.edge import Schema
from server.org.models import CARE_FLAGS, ORG_KINDS


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
    residents = ma.fields.List(ma.fields.Nested(ResidentSchema), attribute="current_residents")


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


# --- managing the org tree and places (PROTOCOL.md §25) -----------------------------------

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015: no I, O, Z, S, V
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_LENGTH = len(CREDIT_WEIGHTS) + 1  # 17 characters and the check character


def credit_code_valid(code: str) -> bool:
    """统一社会信用代码: 18 characters of CREDIT_CHARS, the last a check character (mod 31)."""
    if len(code) != CREDIT_CODE_LENGTH or any(c not in CREDIT_CHARS for c in code):
        return False
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS))
    return CREDIT_CHARS[(31 - total % 31) % 31] == code[17]


def _credit_code(value: str) -> None:
    if not credit_code_valid(value):
        raise ma.ValidationError("field.credit_code")


def _name(most: int, **kwargs) -> ma.fields.String:
    return ma.fields.String(validate=validate.Length(min=1, max=most), **kwargs)


def _text(most: int) -> ma.fields.String:
    return ma.fields.String(allow_none=True, validate=validate.Length(max=most))


def _id(**kwargs) -> ma.fields.Integer:
    return ma.fields.Integer(strict=True, validate=validate.Range(min=1), **kwargs)


class _Trimmed(Schema):
    """Names and texts without surrounding blanks; an empty optional text is null."""

    @ma.pre_load
    def _trim(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        return {k: (v.strip() or None if isinstance(v, str) else v) for k, v in data.items()}


class OrgUnitCreateSchema(_Trimmed):
    parent_id = _id(required=True, metadata={"description": "the unit above; its kind comes just before `kind`"})
    kind = ma.fields.String(
        required=True,
        validate=validate.OneOf(("district", "street", "community", "grid", "courtyard"), error="field.kind"),
        metadata={"description": "district, street, community, grid, courtyard (ORG_KINDS order)"},
    )
    name = _name(64, required=True)
    code = _text(32)


class OrgUnitUpdateSchema(_Trimmed):
    name = _name(64)
    code = _text(32)


class OrgUnitMoveSchema(Schema):
    parent_id = _id(required=True, metadata={"description": "the new parent, of the kind just above the unit's"})


class OrgUnitMergeSchema(Schema):
    into_id = _id(required=True, metadata={"description": "the grid that takes over everything of this one"})


class OrgTreeArgsSchema(Schema):
    parent_id = ma.fields.Integer(metadata={"description": "omit for the top of your visible tree"})


class OrgTreeNodeSchema(OrgUnitSchema):
    children_count = ma.fields.Integer()
    compounds_count = ma.fields.Integer(metadata={"description": "compounds of the community (communities only)"})
    coverage_count = ma.fields.Integer(metadata={"description": "compounds and buildings covered (grids only)"})
    workers_count = ma.fields.Integer(metadata={"description": "grid workers (grids only)"})
    editable = ma.fields.Boolean(metadata={"description": "inside your jurisdiction, below its top"})
    can_add_child = ma.fields.Boolean(metadata={"description": "you may create units under it"})


class CoverageSchema(Schema):
    id = ma.fields.Integer()
    grid_id = ma.fields.Integer()
    compound_id = ma.fields.Integer(allow_none=True)
    building_id = ma.fields.Integer(allow_none=True)
    compound_name = ma.fields.String()
    building_name = ma.fields.String(allow_none=True)


class CoverageCreateSchema(Schema):
    compound_id = _id(metadata={"description": "a whole compound (or building_id)"})
    building_id = _id(metadata={"description": "a single building (or compound_id)"})
    move = ma.fields.Boolean(
        load_default=False, metadata={"description": "take it from the grid covering it now (else covered_elsewhere)"}
    )

    @ma.validates_schema
    def _one(self, data, **kwargs):
        if ("compound_id" in data) == ("building_id" in data):
            raise ma.ValidationError("field.one_place", "_schema")


class CompoundWriteSchema(_Trimmed):
    name = _name(64, required=True)
    address = _text(160)
    community_id = _id(required=True)
    property_company_id = _id(allow_none=True)
    latitude = ma.fields.Float(allow_none=True, validate=validate.Range(min=-90, max=90))
    longitude = ma.fields.Float(allow_none=True, validate=validate.Range(min=-180, max=180))
    built_year = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1900, max=2100))


def patch_of(write_schema, name: str):
    """The same fields, none required and none defaulted: a PATCH changes only what it sends."""
    fields = {}
    for field_name, field in write_schema._declared_fields.items():
        copied = copy.deepcopy(field)
        copied.required = False
        copied.load_default = ma.missing
        fields[field_name] = copied
    return type(name, (write_schema,), fields)


CompoundPatchSchema = patch_of(CompoundWriteSchema, "CompoundPatchSchema")


class BuildingWriteSchema(_Trimmed):
    name = _name(32, required=True)
    units = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=50))
    floors = ma.fields.Integer(load_default=6, validate=validate.Range(min=1, max=200))


class BuildingPatchSchema(_Trimmed):
    name = _name(32)
    units = ma.fields.Integer(validate=validate.Range(min=1, max=50))
    floors = ma.fields.Integer(validate=validate.Range(min=1, max=200))


class HouseholdWriteSchema(_Trimmed):
    unit = _name(8, required=True)
    room = _name(8, required=True)


class HouseholdPatchSchema(_Trimmed):
    unit = _name(8)
    room = _name(8)


RELATIONS = ("head", "spouse", "child", "parent", "other")


class ResidentWriteSchema(_Trimmed):
    name = _name(40, required=True)
    phone = ma.fields.String(
        allow_none=True,
        validate=validate.Regexp(r"^1[3-9]\d{9}$", error="field.phone"),
        metadata={"description": "11 digits"},
    )
    gender = ma.fields.String(allow_none=True, validate=validate.OneOf(("M", "F")))
    birth_year = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1900, max=2100))
    relation = ma.fields.String(load_default="head", validate=validate.OneOf(RELATIONS))
    care_flags = ma.fields.List(
        ma.fields.String(validate=validate.OneOf(CARE_FLAGS)),
        load_default=list,
        validate=validate.Length(max=len(CARE_FLAGS)),
    )


ResidentPatchSchema = patch_of(ResidentWriteSchema, "ResidentPatchSchema")


class ResidentAdminSchema(ResidentSchema):
    household_id = ma.fields.Integer()


class CompanyDetailSchema(CompanySchema):
    credit_code = ma.fields.String(allow_none=True)
    contact_phone = ma.fields.String(allow_none=True)
    compounds_count = ma.fields.Integer()
    editable = ma.fields.Boolean(metadata={"description": "you are over every compound it manages"})


class CompanyWriteSchema(_Trimmed):
    name = _name(80, required=True)
    credit_code = ma.fields.String(allow_none=True, validate=_credit_code, metadata={"description": "统一社会信用代码"})
    contact_phone = _text(20)
    has_party_branch = ma.fields.Boolean(load_default=False)


CompanyPatchSchema = patch_of(CompanyWriteSchema, "CompanyPatchSchema")


class CompanyListArgsSchema(PageArgsSchema):
    q = ma.fields.String(validate=validate.Length(max=40), metadata={"description": "name or credit code contains"})


class CommitteeWriteSchema(_Trimmed):
    """The whole committee (PUT): an optional field left out is cleared."""

    name = _name(80, required=True)
    chair_name = ma.fields.String(allow_none=True, load_default=None, validate=validate.Length(max=40))
    established_on = ma.fields.Date(allow_none=True, load_default=None)
    term_ends_on = ma.fields.Date(allow_none=True, load_default=None)


CompanyPageSchema = page_of(CompanyDetailSchema)


SCOPE_KINDS = (*ORG_KINDS, "compound", "company")


class ScopeSearchArgsSchema(PageArgsSchema):
    q = ma.fields.String(
        load_default="", validate=validate.Length(max=40), metadata={"description": "name contains (plain substring)"}
    )
    kinds = DelimitedList(
        ma.fields.String(validate=validate.OneOf(SCOPE_KINDS)),
        load_default=list(SCOPE_KINDS),
        validate=validate.Length(min=1, max=len(SCOPE_KINDS)),
        metadata={"description": "comma-separated kinds to answer: an org unit kind, compound or company"},
    )
    per_page = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=50))


class ScopePathStepSchema(Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    name = ma.fields.String()


class ScopeHitSchema(Schema):
    scope_type = ma.fields.String(
        metadata={"description": "org_unit, compound or company: the scope type of a role (RoleGrant.scope_id)"}
    )
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "the org unit's kind, or compound, or company"})
    name = ma.fields.String()
    path = ma.fields.List(
        ma.fields.Nested(ScopePathStepSchema),
        metadata={"description": "the org units above it, from the top down (a company: empty)"},
    )


ScopeHitPageSchema = page_of(ScopeHitSchema)
