"""The inbox record as it syncs (PROTOCOL.md §13.1)."""

import marshmallow as ma
from marshmallow import validate

from server.core.fields import RecordSchema, UtcDateTime
from server.notices.limits import DEDUPE_KEY_MAX, INBOX_BODY_MAX, INBOX_TITLE_MAX, KIND_MAX, LINK_MAX, NOTICE_LEVELS


class InboxRecordSchema(RecordSchema):
    """One notice to one user (收件箱), as it syncs."""

    user_id = ma.fields.Integer(required=True, strict=True)
    alert_id = ma.fields.Integer(allow_none=True, strict=True)
    kind = ma.fields.String(required=True, validate=validate.Length(min=1, max=KIND_MAX))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=INBOX_TITLE_MAX))
    body = ma.fields.String(allow_none=True, validate=validate.Length(max=INBOX_BODY_MAX))
    level = ma.fields.String(validate=validate.OneOf(NOTICE_LEVELS))
    category = ma.fields.String(validate=validate.Length(max=16))
    link = ma.fields.String(allow_none=True, validate=validate.Length(max=LINK_MAX))
    data = ma.fields.Dict(allow_none=True)
    dedupe_key = ma.fields.String(allow_none=True, validate=validate.Length(max=DEDUPE_KEY_MAX))
    created_at = UtcDateTime(allow_none=True)
    read_at = UtcDateTime(allow_none=True)
    clicked_at = UtcDateTime(allow_none=True)


inbox_record_schema = InboxRecordSchema()
