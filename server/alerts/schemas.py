"""Alerts' schemas: an alert's input with per-field messages (the catalog keys alerts.error.*,
translated by the API's error handler) and its views."""

import re

import marshmallow as ma
from marshmallow import validate

from server.alerts.limits import BODY_MAX, TITLE_MAX
from server.core.edge import Schema
from server.core.fields import UtcDateTime
from server.notices.limits import CATEGORIES, LINK_MAX, NOTICE_LEVELS

# A notice's link opens a screen of the app ("#/tasks/…"), a page of this site ("/inspections/…")
# or a web page (http, https); nothing else: javascript:, data:, vbscript: and other schemes would
# run or show what the author wrote when a phone opens the notice. No whitespace or control
# character anywhere (browsers drop tabs and newlines inside "java\tscript:").
SAFE_LINK = re.compile(r"^(#/|/(?!/)|https?://[^/?#]+)[^\x00-\x20\x7f]*$", re.IGNORECASE)


def _ids():
    return ma.fields.List(ma.fields.Integer(strict=True), load_default=list, validate=validate.Length(max=500))


class TargetingSchema(Schema):
    """Who an alert reaches: any mix of places, narrowed to roles (none: every role)."""

    org_unit_ids = _ids()
    grid_ids = _ids()
    compound_ids = _ids()
    building_ids = _ids()
    roles = ma.fields.List(
        ma.fields.String(
            validate=validate.OneOf(("admin", "grid_worker", "red_steward", "property_staff", "resident", "volunteer"))
        ),
        load_default=list,
    )


class AlertInputSchema(Schema):
    """A new alert (a draft, or sent now or at send_at)."""

    title = ma.fields.String(
        required=True, validate=validate.Length(min=1, max=TITLE_MAX, error="alerts.error.title_length")
    )
    body = ma.fields.String(
        required=True, validate=validate.Length(min=1, max=BODY_MAX, error="alerts.error.body_length")
    )
    level = ma.fields.String(load_default="notice", validate=validate.OneOf(NOTICE_LEVELS))
    category = ma.fields.String(load_default="other", validate=validate.OneOf(CATEGORIES))
    link = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(max=LINK_MAX), validate.Regexp(SAFE_LINK, error="alerts.error.link_scheme")],
    )
    targeting = ma.fields.Nested(TargetingSchema, required=True)
    send_at = UtcDateTime(load_default=None, allow_none=True)
    expires_at = UtcDateTime(load_default=None, allow_none=True)
    draft = ma.fields.Boolean(load_default=False, load_only=True)


class AlertReachInputSchema(Schema):
    """What decides whom an alert reaches: its targeting, and its category for the devices (none:
    any category). Other fields of an alert are ignored, so a form may send all it holds."""

    class Meta:
        unknown = ma.EXCLUDE

    targeting = ma.fields.Nested(TargetingSchema, required=True)
    category = ma.fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CATEGORIES))


class AlertReachSchema(Schema):
    """Whom an alert would reach if it were sent now (the same resolution as sending)."""

    people = ma.fields.Integer(metadata={"description": "the active users the targeting reaches"})
    devices = ma.fields.Integer(
        metadata={"description": "their push subscriptions that take the category (none given: any)"}
    )
    needs_approval = ma.fields.Boolean(metadata={"description": "a whole street, district or city is targeted"})
    whole_jurisdiction = ma.fields.Boolean(
        metadata={"description": "a whole street, district or city, or no place at all (the author's jurisdiction)"}
    )


class AlertSchema(Schema):
    """An alert as its author and approvers see it."""

    id = ma.fields.Integer()
    title = ma.fields.String()
    body = ma.fields.String()
    level = ma.fields.String()
    category = ma.fields.String()
    link = ma.fields.String(allow_none=True)
    targeting = ma.fields.Dict()
    send_at = UtcDateTime(allow_none=True)
    expires_at = UtcDateTime(allow_none=True)
    status = ma.fields.String()
    needs_approval = ma.fields.Boolean()
    author_id = ma.fields.Integer()
    approver_id = ma.fields.Integer(allow_none=True)
    approved_at = UtcDateTime(allow_none=True)
    recipients = ma.fields.Integer()
    created_at = UtcDateTime()
    sent_at = UtcDateTime(allow_none=True)
    cancelled_at = UtcDateTime(allow_none=True)


class AckSchema(Schema):
    """A service worker's ack of a push (no session: the delivery's token authenticates it)."""

    token = ma.fields.String(required=True, validate=validate.Length(min=16, max=64))
    state = ma.fields.String(required=True, validate=validate.OneOf(("delivered", "clicked")))
    endpoint = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1024))
    # When it happened on the phone: an ack kept offline is sent later (PROTOCOL.md §13.3).
    at = UtcDateTime(load_default=None, allow_none=True)


alert_input_schema = AlertInputSchema()
alert_reach_input_schema = AlertReachInputSchema()
alert_schema = AlertSchema()
alerts_schema = AlertSchema(many=True)
ack_schema = AckSchema()
