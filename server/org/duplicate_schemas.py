"""The duplicate finder's and the merge's requests and answers (server/org/duplicates.py)."""

import marshmallow as ma
from marshmallow import validate

from server.api import PageArgsSchema, page_of
from server.core.edge import Schema
from server.core.fields import row_id
from server.org.duplicates import RULES


class DuplicateArgsSchema(PageArgsSchema):
    per_page = ma.fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class MergeEntrySchema(Schema):
    """A resident entry as the admin compares and merges it."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    gender = ma.fields.String(allow_none=True)
    birth_year = ma.fields.Integer(allow_none=True)
    relation = ma.fields.String()
    household_id = ma.fields.Integer()
    care_flags = ma.fields.List(ma.fields.String())


class DuplicateEntrySchema(MergeEntrySchema):
    phone_masked = ma.fields.String(allow_none=True, metadata={"description": "138****0001"})
    address = ma.fields.String(metadata={"description": "小区 楼栋 单元 房号"})


class DuplicatePairSchema(Schema):
    rule = ma.fields.String(metadata={"description": " | ".join(RULES) + " (strongest first)"})
    reason = ma.fields.String(metadata={"description": "the rule in the reader's language"})
    confidence = ma.fields.String(metadata={"description": "high | medium (birth years apart: medium)"})
    a = ma.fields.Nested(DuplicateEntrySchema, metadata={"description": "the entry with the smaller id"})
    b = ma.fields.Nested(DuplicateEntrySchema)


DuplicatePageSchema = page_of(DuplicatePairSchema)

_SIDE = validate.OneOf(("keep", "merge"), error="duplicates.choose_one")


class MergeChoiceSchema(Schema):
    """Whose value the kept entry takes, field by field ("keep" unless said)."""

    name = ma.fields.String(validate=_SIDE)
    phone = ma.fields.String(validate=_SIDE)
    gender = ma.fields.String(validate=_SIDE)
    birth_year = ma.fields.String(validate=_SIDE)
    relation = ma.fields.String(validate=_SIDE)
    household_id = ma.fields.String(validate=_SIDE, metadata={"description": "where the person lives"})


class MergeSchema(Schema):
    keep_id = row_id(required=True, metadata={"description": "the entry kept"})
    merge_id = row_id(required=True, metadata={"description": "the entry merged into it (marked merged_into)"})
    choose = ma.fields.Nested(MergeChoiceSchema, load_default=dict)
    care_flags = ma.fields.String(
        load_default="union",
        validate=validate.OneOf(("union", "keep", "merge")),
        metadata={"description": "union (default) of both entries' flags, or one side's"},
    )


class MergeResultSchema(Schema):
    kept = ma.fields.Nested(MergeEntrySchema)
    merged_id = ma.fields.Integer()
    already = ma.fields.Boolean(
        metadata={"description": "true: this pair was merged before (a retry); nothing changed"}
    )
