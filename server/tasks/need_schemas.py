"""The need as it syncs (PROTOCOL.md §16) and the figures endpoint's question and answer."""

import marshmallow as ma
from marshmallow import ValidationError, validate, validates_schema

from server.api import PageArgsSchema, page_of
from server.core import dashboard
from server.core.edge import Schema
from server.core.fields import LocationSchema, RecordSchema, UtcDateTime, photo_list, row_id, text_or_none
from server.tasks.need_models import (
    COMMENT_MAX,
    ESCALATION_REASONS,
    MAX_PHOTOS,
    NEED_CATEGORIES,
    NEED_STATUSES,
    NOTE_MAX,
    REFERRED_TO_MAX,
    TEXT_MAX,
)


class NeedRecordSchema(RecordSchema):
    """A resident's need (诉求): theirs, their grid worker's and the admins above the grid."""

    user_id = row_id(required=True)
    household_id = row_id(required=True)
    category = ma.fields.String(required=True, validate=validate.OneOf(NEED_CATEGORIES))
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=TEXT_MAX))
    photos = photo_list(MAX_PHOTOS)
    location = ma.fields.Nested(LocationSchema, allow_none=True)
    filed_at = UtcDateTime(allow_none=True)
    rating = ma.fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=5))
    rating_comment = text_or_none(COMMENT_MAX)
    status = ma.fields.String(validate=validate.OneOf(NEED_STATUSES))
    status_device_at = UtcDateTime(allow_none=True)
    handle_note = text_or_none(NOTE_MAX)
    handle_photos = photo_list(MAX_PHOTOS)
    referred_to = text_or_none(REFERRED_TO_MAX)
    grid_id = row_id(allow_none=True)
    community_id = row_id(allow_none=True)
    respond_by = UtcDateTime(allow_none=True)
    resolve_by = UtcDateTime(allow_none=True)
    accepted_at = UtcDateTime(allow_none=True)
    resolved_at = UtcDateTime(allow_none=True)
    rated_at = UtcDateTime(allow_none=True)
    handler_id = row_id(allow_none=True)
    escalated = ma.fields.Boolean(allow_none=True)
    escalation = ma.fields.String(allow_none=True, validate=validate.OneOf(ESCALATION_REASONS))
    escalations = ma.fields.List(ma.fields.Dict(), allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)
    created_at = UtcDateTime(allow_none=True)


need_record_schema = NeedRecordSchema()


# --- the figures (GET /api/needs/stats) ---------------------------------------------------------


class NeedStatsArgsSchema(Schema):
    unit = ma.fields.Integer(
        validate=validate.Range(min=1),
        metadata={"description": "an org unit of your jurisdiction (default: all of it)"},
    )
    _from = UtcDateTime(data_key="from", attribute="start", metadata={"description": "needs received from (inclusive)"})
    to = UtcDateTime(attribute="end", metadata={"description": "needs received before (exclusive); default now"})

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] >= data["end"]:
            raise ValidationError({"to": ["need.period_empty"]})


class NeedExportArgsSchema(NeedStatsArgsSchema):
    """GET /api/needs/export.xlsx: the figures' unit and period, and which needs."""

    status = ma.fields.String(
        load_default="open",
        validate=validate.OneOf(("open", "all", *NEED_STATUSES)),
        metadata={"description": "open (received, accepted, in_progress; the default), all, or one status"},
    )
    period = dashboard.period_arg("received")


class NeedListArgsSchema(PageArgsSchema, NeedExportArgsSchema):
    """GET /api/needs: the export's filters, a page at a time, and a dashboard's period."""

    status = ma.fields.String(
        load_default="all",
        validate=validate.OneOf(("open", "all", *NEED_STATUSES)),
        metadata={"description": "all (the default), open (received, accepted, in_progress) or one status"},
    )


class NeedListItemSchema(Schema):
    """A need as the admins' filtered list shows it: the record's fields that list reads, with names."""

    id = ma.fields.String()
    user_id = ma.fields.Integer()
    category = ma.fields.String()
    text = ma.fields.String()
    status = ma.fields.String()
    grid_id = ma.fields.Integer(allow_none=True)
    community_id = ma.fields.Integer(allow_none=True)
    place = ma.fields.String(allow_none=True, metadata={"description": "the household: 小区 楼栋 单元 房号"})
    respond_by = UtcDateTime(allow_none=True)
    resolve_by = UtcDateTime(allow_none=True)
    accepted_at = UtcDateTime(allow_none=True)
    resolved_at = UtcDateTime(allow_none=True)
    escalated = ma.fields.Boolean(allow_none=True)
    rating = ma.fields.Integer(allow_none=True)
    created_at = UtcDateTime()


NeedPageSchema = page_of(NeedListItemSchema)


class NeedFiguresSchema(Schema):
    """响应率, 解决率, 满意率 of one grid or community (PROTOCOL.md §16.3); a rate is null when
    nothing was due (or rated)."""

    count = ma.fields.Integer()
    response_due = ma.fields.Integer()
    responded_on_time = ma.fields.Integer()
    response_rate = ma.fields.Float(allow_none=True)
    resolution_due = ma.fields.Integer()
    resolved_on_time = ma.fields.Integer()
    resolution_rate = ma.fields.Float(allow_none=True)
    rated = ma.fields.Integer()
    satisfied = ma.fields.Integer()
    satisfaction_rate = ma.fields.Float(allow_none=True)
    escalated = ma.fields.Integer()


class NeedGridFiguresSchema(NeedFiguresSchema):
    grid_id = ma.fields.Integer(allow_none=True, metadata={"description": "null: the community's needs in no grid"})
    grid_name = ma.fields.String(allow_none=True)
    community_id = ma.fields.Integer()


class NeedCommunityFiguresSchema(NeedFiguresSchema):
    community_id = ma.fields.Integer()
    community_name = ma.fields.String()


class NeedStatsSchema(Schema):
    start = UtcDateTime(data_key="from", allow_none=True)
    end = UtcDateTime(data_key="to")
    grids = ma.fields.List(ma.fields.Nested(NeedGridFiguresSchema))
    communities = ma.fields.List(ma.fields.Nested(NeedCommunityFiguresSchema))
    total = ma.fields.Nested(NeedFiguresSchema)
