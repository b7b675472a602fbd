"""Shapes of the audit log listing."""

import marshmallow as ma
from marshmallow import validate

from server.api import PageArgsSchema, page_of
from server.core.edge import Schema
from server.core.fields import UtcDateTime


class AuditEntrySchema(Schema):
    id = ma.fields.Integer()
    at = UtcDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    action = ma.fields.String()
    target_type = ma.fields.String(allow_none=True)
    target_id = ma.fields.Integer(allow_none=True)
    ip = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()


class AuditListArgsSchema(PageArgsSchema):
    action = ma.fields.String(validate=validate.Length(max=48))
    actor_id = ma.fields.Integer()
    target_id = ma.fields.Integer()


AuditPageSchema = page_of(AuditEntrySchema)
