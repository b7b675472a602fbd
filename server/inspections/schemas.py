"""Shapes of inspections: checklist templates (API), the synced inspection and rectification order
records (validated whole after every merge, PROTOCOL.md §12), and the desk endpoints' input and
output. Field messages are catalog keys (server/inspections/messages.py)."""

import marshmallow as ma
from marshmallow import ValidationError, validate, validates_schema

from server.api import PageArgsSchema, page_of
from server.core.edge import BigInteger, Schema
from server.core.fields import SHA256, LocationSchema, RecordSchema, UtcDateTime
from server.inspections.models import (
    INSPECTION_KINDS,
    INSPECTION_STATUSES,
    ITEM_RESULTS,
    LOCATION_STATUSES,
    ORDER_STATUSES,
    SEVERITIES,
    TEMPLATE_STATUSES,
)

MAX_ITEM_PHOTOS = 10
MAX_ORDER_PHOTOS = 30
MAX_ITEMS = 200
CODE = validate.Regexp(r"^[A-Za-z0-9_.-]{1,40}$", error="inspection.bad_code")
MAX_DEADLINE_HOURS = 24 * 90


def _ids(strict: bool = True, **kwargs):
    return ma.fields.Integer(strict=strict, validate=validate.Range(min=1), **kwargs)


def _photos(most: int, **kwargs):
    return ma.fields.List(
        ma.fields.String(validate=SHA256), allow_none=True, validate=validate.Length(max=most), **kwargs
    )


# --- templates --------------------------------------------------------------------------------


class InspectionTemplateItemSchema(Schema):
    code = ma.fields.String(required=True, validate=CODE)
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    weight = ma.fields.Float(
        required=True, validate=validate.Range(min=0, min_inclusive=False, error="inspection.weight_positive")
    )
    severity = ma.fields.String(
        required=True,
        validate=validate.OneOf(SEVERITIES),
        metadata={"description": "critical 严重, major 较重, minor 一般"},
    )
    photo_required_on_fail = ma.fields.Boolean(load_default=True)
    guidance = ma.fields.String(
        allow_none=True, validate=validate.Length(max=500), metadata={"description": "what to look at (检查要点)"}
    )


class InspectionTemplateCategorySchema(Schema):
    code = ma.fields.String(required=True, validate=CODE)
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    items = ma.fields.List(
        ma.fields.Nested(InspectionTemplateItemSchema), required=True, validate=validate.Length(min=1, max=MAX_ITEMS)
    )


class InspectionSeverityDeadlinesSchema(Schema):
    """Hours to fix a failed item, per severity."""

    critical = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=MAX_DEADLINE_HOURS))
    major = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=MAX_DEADLINE_HOURS))
    minor = ma.fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=MAX_DEADLINE_HOURS))


class InspectionTemplateInSchema(Schema):
    """A template as an admin writes it (a new draft, or the next version of one)."""

    code = ma.fields.String(required=True, validate=CODE, metadata={"description": "the same code across versions"})
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    description = ma.fields.String(allow_none=True, validate=validate.Length(max=1000))
    max_score = ma.fields.Float(
        load_default=100.0, validate=validate.Range(min=0, min_inclusive=False, error="inspection.weight_positive")
    )
    severity_deadlines = ma.fields.Nested(
        InspectionSeverityDeadlinesSchema, metadata={"description": "default: critical 24, major 72, minor 168 hours"}
    )
    categories = ma.fields.List(
        ma.fields.Nested(InspectionTemplateCategorySchema), required=True, validate=validate.Length(min=1, max=40)
    )
    org_unit_id = _ids(
        allow_none=True, metadata={"description": "where it applies (its subtree); null: city-wide (city admins)"}
    )


class InspectionTemplateEditSchema(InspectionTemplateInSchema):
    """An edit: a draft changes in place; a published version makes the next version."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)

    @validates_schema
    def _something(self, data, **kwargs):
        if not data:
            raise ValidationError("task.nothing_to_change", "_schema")


class InspectionTemplateListArgsSchema(Schema):
    status = ma.fields.String(validate=validate.OneOf(TEMPLATE_STATUSES))
    code = ma.fields.String(validate=CODE)


class InspectionTemplateSchema(Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    version = ma.fields.Integer()
    name = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    max_score = ma.fields.Float()
    severity_deadlines = ma.fields.Dict()
    categories = ma.fields.List(ma.fields.Dict())
    item_count = ma.fields.Integer()
    org_unit_id = ma.fields.Integer(allow_none=True)
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = UtcDateTime()
    published_at = UtcDateTime(allow_none=True)


# --- the synced records -------------------------------------------------------------------------


class InspectionAnswerSchema(Schema):
    """One item's answer: its result (none yet while the steward looks), note and photos."""

    result = ma.fields.String(allow_none=True, validate=validate.OneOf(ITEM_RESULTS))
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=1000))
    photos = _photos(MAX_ITEM_PHOTOS)


class InspectionRecordSchema(RecordSchema):
    """An inspection as it syncs (PROTOCOL.md §12.1)."""

    compound_id = _ids(required=True)
    template_id = _ids(required=True)
    kind = ma.fields.String(validate=validate.OneOf(INSPECTION_KINDS))
    period = ma.fields.String(allow_none=True, validate=validate.Length(max=8))
    plan_id = _ids(allow_none=True)
    draw_id = _ids(allow_none=True)
    steward_id = _ids(allow_none=True)
    due_at = UtcDateTime(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(INSPECTION_STATUSES))
    answers = ma.fields.Dict(
        keys=ma.fields.String(validate=CODE), values=ma.fields.Nested(InspectionAnswerSchema), allow_none=True
    )
    notes = ma.fields.String(allow_none=True, validate=validate.Length(max=4000))
    started_at = UtcDateTime(allow_none=True)
    start_location = ma.fields.Nested(LocationSchema, allow_none=True)
    start_location_status = ma.fields.String(allow_none=True, validate=validate.OneOf(LOCATION_STATUSES))
    finished_at = UtcDateTime(allow_none=True)
    finish_location = ma.fields.Nested(LocationSchema, allow_none=True)
    finish_location_status = ma.fields.String(allow_none=True, validate=validate.OneOf(LOCATION_STATUSES))
    company_id = _ids(allow_none=True)
    submitted_at = UtcDateTime(allow_none=True)
    submitted_by_id = _ids(allow_none=True)
    score = ma.fields.Float(allow_none=True)
    max_score = ma.fields.Float(allow_none=True)
    failed_count = ma.fields.Integer(allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)
    created_by_id = _ids(allow_none=True)
    created_at = UtcDateTime(allow_none=True)

    def check_whole(self, data) -> None:
        for prefix in ("start", "finish"):
            status, location = data.get(f"{prefix}_location_status"), data.get(f"{prefix}_location")
            if status in ("denied", "unavailable") and location is not None:
                raise ValidationError({f"{prefix}_location_status": ["task.location_status_mismatch"]})
            if status == "ok" and location is None:
                raise ValidationError({f"{prefix}_location": ["task.location_required"]})


class OrderRecordSchema(RecordSchema):
    """A rectification order (整改单) as it syncs (PROTOCOL.md §12.2)."""

    inspection_id = ma.fields.String(required=True, validate=validate.Length(min=1, max=36))
    compound_id = _ids(required=True)
    company_id = _ids(allow_none=True)
    item_code = ma.fields.String(required=True, validate=CODE)
    item_text = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    category_name = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    severity = ma.fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    evidence_note = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    evidence_photos = _photos(MAX_ITEM_PHOTOS)
    deadline_at = UtcDateTime(required=True)
    status = ma.fields.String(validate=validate.OneOf(ORDER_STATUSES))
    response_text = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    response_photos = _photos(MAX_ORDER_PHOTOS)
    responded_at = UtcDateTime(allow_none=True)
    review_note = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    review_photos = _photos(MAX_ORDER_PHOTOS)
    reviewed_at = UtcDateTime(allow_none=True)
    responded_by_id = _ids(allow_none=True)
    reviewed_by_id = _ids(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)
    reopen_count = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0))
    overdue_at = UtcDateTime(allow_none=True)
    escalation_level = ma.fields.Integer(allow_none=True, validate=validate.Range(min=0, max=2))
    escalated_at = UtcDateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Dict(), allow_none=True)
    created_at = UtcDateTime(allow_none=True)


inspection_record_schema = InspectionRecordSchema()
order_record_schema = OrderRecordSchema()


# --- desk endpoints ---------------------------------------------------------------------------


class InspectionCreateSchema(Schema):
    compound_id = _ids(required=True)
    template_id = _ids(required=True, metadata={"description": "a published template version"})
    kind = ma.fields.String(load_default="adhoc", validate=validate.OneOf(INSPECTION_KINDS))
    steward_id = _ids(
        allow_none=True, metadata={"description": "a red steward of the compound; omitted: the compound's first"}
    )
    due_at = UtcDateTime(allow_none=True)


class InspectionListArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=validate.OneOf(INSPECTION_STATUSES))
    kind = ma.fields.String(validate=validate.OneOf(INSPECTION_KINDS))
    compound_id = _ids(strict=False)
    steward_id = _ids(strict=False)
    period = ma.fields.String(validate=validate.Length(max=8))


class OrderListArgsSchema(PageArgsSchema):
    status = ma.fields.String(
        validate=validate.OneOf((*ORDER_STATUSES, "unresolved")),
        metadata={"description": "unresolved: open, responded or reopened"},
    )
    compound_id = _ids(strict=False)
    company_id = _ids(strict=False)
    inspection_id = ma.fields.String(validate=validate.Length(max=36))
    severity = ma.fields.String(validate=validate.OneOf(SEVERITIES))
    overdue = ma.fields.Boolean()


class InspectionViewSchema(Schema):
    """An inspection as the desk shows it: the synced record plus names."""

    id = ma.fields.String()
    version = BigInteger()
    data = ma.fields.Dict()
    compound_name = ma.fields.String(allow_none=True)
    steward_name = ma.fields.String(allow_none=True)
    template_name = ma.fields.String(allow_none=True)
    template_version = ma.fields.Integer(allow_none=True)


class OrderViewSchema(Schema):
    id = ma.fields.String()
    version = BigInteger()
    data = ma.fields.Dict()
    compound_name = ma.fields.String(allow_none=True)
    company_name = ma.fields.String(allow_none=True)
    overdue = ma.fields.Boolean()


InspectionPageSchema = page_of(InspectionViewSchema)
OrderPageSchema = page_of(OrderViewSchema)


class InspectionReportSchema(Schema):
    """The printable report of one inspection."""

    inspection = ma.fields.Nested(InspectionViewSchema)
    template = ma.fields.Nested(InspectionTemplateSchema)
    categories = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "each item with its answer (result, note, photos) and order"}
    )
    orders = ma.fields.List(ma.fields.Nested(OrderViewSchema))
    summary = ma.fields.Dict()
