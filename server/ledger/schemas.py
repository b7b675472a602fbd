"""A service record entry as it syncs (PROTOCOL.md §15.2)."""

import marshmallow as ma
from marshmallow import validate

from server.core.fields import RecordSchema, UtcDateTime
from server.ledger.models import HOURS_MAX, KINDS, SOURCE_MAX, STATUSES, TITLE_MAX


class ServiceEntryRecordSchema(RecordSchema):
    """What someone served, for how long (服务记录)."""

    account_id = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    community_id = ma.fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS))
    source_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=SOURCE_MAX))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    hours = ma.fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=HOURS_MAX))
    rating = ma.fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=5))
    occurred_at = UtcDateTime(required=True)
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    credited_at = UtcDateTime(allow_none=True)


service_entry_record_schema = ServiceEntryRecordSchema()
