"""Envelopes of the sync endpoints (PROTOCOL.md §5.2, §6.1). The mutations inside are checked
by the sync library, their fields by each entity's schema."""

import marshmallow as ma
from marshmallow import validate

from server.api import ErrorBodySchema, PageArgsSchema, page_of
from server.core.edge import BigInteger, Schema
from server.core.instants import UtcDateTime
from sync import MAX_BATCH, MAX_PAGE, PAGE_FORMATS


class PullSchema(Schema):
    protocol = ma.fields.String(required=True, metadata={"description": "redgrid-sync/1"})
    cursor = ma.fields.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=20000),
        metadata={"description": "opaque; null or absent for the first pull"},
    )
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=MAX_PAGE))
    format = ma.fields.Integer(
        load_default=1,
        strict=True,
        validate=validate.OneOf(PAGE_FORMATS),
        metadata={"description": "1 (default): `changes`, one object a change (§5.2); 2: `groups` (§5.2.2)"},
    )


class Mutations(ma.fields.Field):
    """The list of mutations as sent. Only the list is the envelope's: each mutation is checked
    on its own, and a malformed one is refused alone (PROTOCOL.md §6.1), so no edge check of
    the whole list (a NUL in one mutation's fields must not refuse the batch)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise ma.ValidationError("Not a valid list.")
        return value


class PushSchema(Schema):
    protocol = ma.fields.String(required=True)
    client_id = ma.fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "one id per installed app (device)"},
    )
    mutations = Mutations(
        required=True,
        validate=validate.Length(min=1, max=MAX_BATCH),
        metadata={
            "type": "array",
            "minItems": 1,
            "maxItems": MAX_BATCH,
            "items": {"type": "object"},
            "description": "PROTOCOL.md §6.1; each checked on its own",
        },
    )


class ChangeSchema(Schema):
    bucket = ma.fields.String()
    entity = ma.fields.String()
    id = ma.fields.String()
    op = ma.fields.String(metadata={"description": "put or delete"})
    version = BigInteger()
    data = ma.fields.Dict(allow_none=True)


class ChangeGroupSchema(Schema):
    """A run of changes with the same bucket, entity and op (PROTOCOL.md §5.2.2)."""

    bucket = ma.fields.String()
    entity = ma.fields.String()
    op = ma.fields.String(metadata={"description": "put or delete"})
    ids = ma.fields.Raw(
        metadata={
            "description": "the record ids in order: base64 of 16 bytes per id when all are lowercase UUIDs, "
            "else the list of ids",
            "oneOf": [{"type": "string", "format": "byte"}, {"type": "array", "items": {"type": "string"}}],
        }
    )
    versions = ma.fields.List(
        BigInteger(),
        metadata={"description": "the first change's version, then each one's increase over the one before"},
    )
    fields = ma.fields.List(
        ma.fields.String(), metadata={"description": "put only: every key of the group's data, in the order first met"}
    )
    columns = ma.fields.List(
        ma.fields.List(ma.fields.Raw(allow_none=True)),
        metadata={"description": "put only: one array a field, its value in each change's data (null where absent)"},
    )
    absent = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.Integer()),
        metadata={"description": "put only: per field, the changes (0-based, in order) whose data lacks that key"},
    )
    nulls = ma.fields.List(
        ma.fields.Integer(), metadata={"description": "put only: the changes (0-based) whose data is null"}
    )


class PullPageSchema(Schema):
    protocol = ma.fields.String()
    epoch = ma.fields.String(
        metadata={"description": "the server's epoch: send it with each mutation made on this data (§7.1)"}
    )
    changes = ma.fields.List(ma.fields.Nested(ChangeSchema), metadata={"description": "format 1 (§5.2)"})
    groups = ma.fields.List(ma.fields.Nested(ChangeGroupSchema), metadata={"description": "format 2 (§5.2.2)"})
    cursor = ma.fields.String(
        metadata={
            "description": "opaque: send it with the next pull. Nothing new since the cursor sent: the same "
            "cursor comes back, with no changes (PROTOCOL.md §5.3.1)"
        }
    )
    has_more = ma.fields.Boolean()
    buckets = ma.fields.List(ma.fields.String())
    removed_buckets = ma.fields.List(ma.fields.String())
    reset_buckets = ma.fields.List(ma.fields.String())


class FieldConflictSchema(Schema):
    field = ma.fields.String()
    base_version = BigInteger()
    server_value = ma.fields.Raw(allow_none=True)
    client_value = ma.fields.Raw(allow_none=True)
    winner = ma.fields.String()
    rule = ma.fields.String()


class ResultSchema(Schema):
    mutation_id = ma.fields.String(
        allow_none=True, metadata={"description": "null only for a malformed mutation without a usable id"}
    )
    entity = ma.fields.String(allow_none=True)
    record_id = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"description": "applied, conflict or rejected"})
    version = BigInteger(allow_none=True)
    record = ma.fields.Dict(allow_none=True)
    conflicts = ma.fields.List(ma.fields.Nested(FieldConflictSchema))
    error = ma.fields.Nested(ErrorBodySchema, allow_none=True)


class PushResultSchema(Schema):
    protocol = ma.fields.String()
    results = ma.fields.List(ma.fields.Nested(ResultSchema))


class ConflictRecordSchema(FieldConflictSchema):
    id = ma.fields.Integer()
    entity = ma.fields.String()
    record_id = ma.fields.String()
    mutation_id = ma.fields.String()
    user_id = ma.fields.Integer(metadata={"description": "who sent the losing edit"})
    user_name = ma.fields.String(allow_none=True)
    created_at = UtcDateTime()
    resolved_at = UtcDateTime(allow_none=True)
    resolved_by_id = ma.fields.Integer(allow_none=True)
    resolved_by_name = ma.fields.String(allow_none=True)
    resolution = ma.fields.String(allow_none=True)
    losing_value = ma.fields.Raw(allow_none=True)
    current_value = ma.fields.Raw(allow_none=True)
    current_version = BigInteger(allow_none=True)
    value_names = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={
            "description": "for a field holding a user (assignee_id): the names of the users its values name, by id"
        },
    )


class ConflictListArgsSchema(PageArgsSchema):
    status = ma.fields.String(load_default="open", validate=validate.OneOf(["open", "resolved", "all"]))
    entity = ma.fields.String(validate=validate.Length(max=32))
    record_id = ma.fields.String(validate=validate.Length(max=64))


class ResolveSchema(Schema):
    resolution = ma.fields.String(
        required=True,
        validate=validate.OneOf(["keep", "use_losing"]),
        metadata={"description": "keep the record as is, or write the losing value into it"},
    )


ConflictPageSchema = page_of(ConflictRecordSchema)
