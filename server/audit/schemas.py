"""Shapes of the audit log listing."""

from datetime import date

import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from server.api import PageArgsSchema, page_of
from server.core.edge import INT_MAX, Schema
from server.core.fields import UtcDateTime


class AuditEntrySchema(Schema):
    id = ma.fields.Integer()
    at = UtcDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_name = ma.fields.String(allow_none=True, metadata={"description": "who did it (null: nobody signed in)"})
    action = ma.fields.String(metadata={"description": "e.g. user.create, role.grant (the PWA names each in Chinese)"})
    target_type = ma.fields.String(allow_none=True, metadata={"description": "the table of what it was done to"})
    target_id = ma.fields.Integer(allow_none=True)
    target_name = ma.fields.String(
        allow_none=True, metadata={"description": "the name of a user, org unit or compound it was done to"}
    )
    place = ma.fields.List(
        ma.fields.String(), metadata={"description": "names of the org units it lies in, from the city down"}
    )
    ip = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()


DAYS = validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31))  # a day the log may hold


class AuditListArgsSchema(PageArgsSchema):
    action = DelimitedList(
        ma.fields.String(validate=validate.Length(min=1, max=48)),
        validate=validate.Length(max=40),
        metadata={"description": "comma-separated actions, any of them"},
    )
    actor = ma.fields.String(
        validate=validate.Length(min=1, max=40), metadata={"description": "the actor's name or phone contains"}
    )
    actor_id = ma.fields.Integer(validate=validate.Range(min=1, max=INT_MAX))
    target_type = ma.fields.String(validate=validate.Length(min=1, max=32))
    target_id = ma.fields.Integer(validate=validate.Range(min=1, max=INT_MAX))
    since = ma.fields.Date(validate=DAYS, metadata={"description": "from this day on (days in Beijing time)"})
    until = ma.fields.Date(validate=DAYS, metadata={"description": "up to and including this day (Beijing time)"})


AuditPageSchema = page_of(AuditEntrySchema)
