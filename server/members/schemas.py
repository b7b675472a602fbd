"""The shapes of 双报到 over REST (PROTOCOL.md §17): what comes in is bounded here, per field."""

import copy

import marshmallow as ma
from marshmallow import validate

from server.auth.schemas import PhoneField
from server.core.edge import Schema
from server.core.fields import UtcDateTime
from server.ledger.vocab import SKILLS, SLOTS
from server.members.models import (
    CODE_KINDS,
    CODE_MAX_DAYS,
    CODE_MAX_USES,
    MAX_GRIDS,
    NAME_MAX,
    NOTE_MAX,
    PERSON_MAX,
    PROJECT_STATUSES,
    RESOURCE_KINDS,
    TEXT_MAX,
    UNIT_KINDS,
    UNIT_ROLES,
)


def _id(strict=True, **kwargs):
    return ma.fields.Integer(strict=strict, validate=validate.Range(min=1, max=2**31 - 1), **kwargs)


def _name(most: int = NAME_MAX, **kwargs):
    return ma.fields.String(validate=validate.Length(min=1, max=most), **kwargs)


def _text(most: int, **kwargs):
    return ma.fields.String(allow_none=True, validate=validate.Length(max=most), **kwargs)


def _codes(choices, **kwargs):
    """A list of vocabulary codes, each at most once (order kept)."""
    return ma.fields.List(
        ma.fields.String(validate=validate.OneOf(choices)), validate=validate.Length(max=len(choices)), **kwargs
    )


def _edit_of(schema: type[Schema], name: str) -> type[Schema]:
    """The same fields, none required and none filled in: an edit changes what it sends only."""
    fields = {}
    for key, field in schema._declared_fields.items():
        fields[key] = copy.deepcopy(field)
        fields[key].required = False
        fields[key].load_default = ma.missing
    return type(name, (Schema,), {**fields, "__doc__": f"{schema.__doc__ or name}: only the fields sent change."})


# --- codes --------------------------------------------------------------------------------------


class CodeIssueSchema(Schema):
    community_id = _id(required=True)
    kind = ma.fields.String(required=True, validate=validate.OneOf(CODE_KINDS))
    unit_id = _id(
        allow_none=True, metadata={"description": "a member code: the unit its members join (none: the community)"}
    )
    max_uses = ma.fields.Integer(strict=True, load_default=1, validate=validate.Range(min=1, max=CODE_MAX_USES))
    days = ma.fields.Integer(strict=True, load_default=14, validate=validate.Range(min=1, max=CODE_MAX_DAYS))
    note = _text(NOTE_MAX)


class CodeSchema(Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    community_id = ma.fields.Integer()
    kind = ma.fields.String()
    unit_id = ma.fields.Integer(allow_none=True)
    unit_name = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)
    max_uses = ma.fields.Integer()
    uses = ma.fields.Integer()
    expires_at = UtcDateTime()
    revoked_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()
    state = ma.fields.String(metadata={"description": "usable, expired, used_up or revoked"})


class CodeCheckArgsSchema(Schema):
    code = ma.fields.String(required=True, validate=validate.Length(min=1, max=20))


class CodeCheckSchema(Schema):
    kind = ma.fields.String()
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    unit_id = ma.fields.Integer(allow_none=True)
    unit_name = ma.fields.String(allow_none=True)
    grids = ma.fields.List(ma.fields.Dict(), metadata={"description": "the community's grids: [{id, name}]"})


# --- the profile and the unit ---------------------------------------------------------------------


class ProfileInSchema(Schema):
    """What a member says of themselves (all optional on an edit)."""

    branch = _text(NAME_MAX)
    skills = _codes(SKILLS)
    skills_note = _text(NOTE_MAX)
    availability = _codes(SLOTS)
    phone = PhoneField(allow_none=True, metadata={"description": "private: you, your unit's secretary, the admins"})


class UnitInSchema(Schema):
    name = _name(required=True)
    kind = ma.fields.String(required=True, validate=validate.OneOf(UNIT_KINDS))
    party_org = _name(required=True)
    contact_name = _name(PERSON_MAX, required=True)
    contact_phone = PhoneField(required=True)
    about = _text(TEXT_MAX)
    grid_ids = ma.fields.List(_id(), load_default=list, validate=validate.Length(max=MAX_GRIDS))


UnitEditSchema = _edit_of(UnitInSchema, "UnitEditSchema")


class ReportInSchema(Schema):
    code = ma.fields.String(required=True, validate=validate.Length(min=1, max=20))
    unit = ma.fields.Nested(UnitInSchema, metadata={"description": "with a unit code: the unit that registers"})
    profile = ma.fields.Nested(ProfileInSchema, load_default=dict)


class MemberSchema(Schema):
    id = ma.fields.Integer()
    user_id = ma.fields.Integer()
    display_name = ma.fields.String()
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    unit_id = ma.fields.Integer(allow_none=True)
    unit_name = ma.fields.String(allow_none=True)
    unit_role = ma.fields.String()
    branch = ma.fields.String(allow_none=True)
    skills = ma.fields.List(ma.fields.String())
    skills_note = ma.fields.String(allow_none=True)
    availability = ma.fields.List(ma.fields.String())
    phone = ma.fields.String(allow_none=True, metadata={"description": "only to the member, their secretary, admins"})
    active = ma.fields.Boolean()
    created_at = UtcDateTime()


class MemberEditSchema(Schema):
    """What a unit's secretary or an admin changes of a member."""

    unit_role = ma.fields.String(validate=validate.OneOf(UNIT_ROLES))
    active = ma.fields.Boolean(truthy={True}, falsy={False})


class ResourceInSchema(Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(RESOURCE_KINDS))
    name = _name(required=True)
    description = _text(TEXT_MAX)
    skills = _codes(SKILLS, load_default=list)
    availability = _codes(SLOTS, load_default=list)
    availability_note = _text(NOTE_MAX)
    capacity = ma.fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=100000))


ResourceEditSchema = _edit_of(ResourceInSchema, "ResourceEditSchema")


class ResourceSchema(Schema):
    id = ma.fields.Integer()
    unit_id = ma.fields.Integer()
    kind = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    skills = ma.fields.List(ma.fields.String())
    availability = ma.fields.List(ma.fields.String())
    availability_note = ma.fields.String(allow_none=True)
    capacity = ma.fields.Integer(allow_none=True)
    updated_at = UtcDateTime()


class GridSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class UnitSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    party_org = ma.fields.String()
    contact_name = ma.fields.String()
    contact_phone = ma.fields.String()
    about = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean()
    grids = ma.fields.List(ma.fields.Nested(GridSchema))
    member_count = ma.fields.Integer()
    resources = ma.fields.List(ma.fields.Nested(ResourceSchema))
    members = ma.fields.List(
        ma.fields.Nested(MemberSchema), metadata={"description": "only to the unit's secretary and the admins"}
    )
    community_grids = ma.fields.List(
        ma.fields.Nested(GridSchema), metadata={"description": "the grids it may serve (secretary, admins)"}
    )
    created_at = UtcDateTime()


# --- the community's projects --------------------------------------------------------------------


class ProjectInSchema(Schema):
    title = _name(required=True)
    description = _text(TEXT_MAX)
    skills = _codes(SKILLS, load_default=list)
    grid_ids = ma.fields.List(_id(), load_default=list, validate=validate.Length(max=MAX_GRIDS))
    availability = _codes(SLOTS, load_default=list)
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    status = ma.fields.String(load_default="open", validate=validate.OneOf(PROJECT_STATUSES))


ProjectEditSchema = _edit_of(ProjectInSchema, "ProjectEditSchema")


class ProjectSchema(Schema):
    id = ma.fields.Integer()
    community_id = ma.fields.Integer()
    title = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    skills = ma.fields.List(ma.fields.String())
    grid_ids = ma.fields.List(ma.fields.Integer())
    grids = ma.fields.List(ma.fields.Nested(GridSchema))
    availability = ma.fields.List(ma.fields.String())
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    status = ma.fields.String()
    need_id = ma.fields.String(allow_none=True, metadata={"description": "the need it was matched to (§21)"})
    resource_id = ma.fields.Integer(allow_none=True)
    unit_id = ma.fields.Integer(allow_none=True)
    updated_at = UtcDateTime()


# --- what one user reads (kept on the phone for offline use) ---------------------------------------


class MineSchema(Schema):
    members = ma.fields.List(ma.fields.Nested(MemberSchema), metadata={"description": "my reporting, one a community"})
    units = ma.fields.List(ma.fields.Nested(UnitSchema), metadata={"description": "my units, with their resources"})
    projects = ma.fields.List(
        ma.fields.Nested(ProjectSchema), metadata={"description": "the open projects of my communities"}
    )
    communities = ma.fields.List(ma.fields.Dict(), metadata={"description": "communities I administer: [{id, name}]"})


class CommunityOverviewSchema(Schema):
    community = ma.fields.Dict()
    grids = ma.fields.List(ma.fields.Nested(GridSchema))
    codes = ma.fields.List(ma.fields.Nested(CodeSchema))
    units = ma.fields.List(ma.fields.Nested(UnitSchema))
    members = ma.fields.List(ma.fields.Nested(MemberSchema))
    projects = ma.fields.List(ma.fields.Nested(ProjectSchema))


# --- 双报告 ----------------------------------------------------------------------------------------


class ReportArgsSchema(Schema):
    member_id = _id(strict=False)  # from a query string
    unit_id = _id(strict=False)
    since = ma.fields.Date(required=True)
    until = ma.fields.Date(required=True)


class ReportSchema(Schema):
    subject = ma.fields.Dict(metadata={"description": "who: {kind: member|unit, name, unit, community, …}"})
    since = ma.fields.Date()
    until = ma.fields.Date()
    totals = ma.fields.Dict(metadata={"description": "{hours, activities, rated, rating_mean}"})
    rows = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "service record rows: kind, title, hours, occurred_at, …"}
    )
    people = ma.fields.List(ma.fields.Dict(), metadata={"description": "a unit's report: each member's totals"})
