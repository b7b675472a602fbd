"""Alerts over HTTP (DESIGN.md S3): write, approve, cancel, follow the deliveries of an alert;
the service worker's acks. The inbox itself is read through sync (entity `inbox`, PROTOCOL.md §13)."""

import marshmallow as ma
from flask_login import current_user, login_required

from server import authz
from server.alerts import exports, publishing
from server.alerts.schemas import (
    AlertReachSchema,
    AlertSchema,
    ack_schema,
    alert_input_schema,
    alert_reach_input_schema,
)
from server.api import ErrorSchema
from server.core.edge import Blueprint, Schema
from server.core.xlsx import export_route
from server.extensions import csrf, limiter
from server.notices import deliveries

blp = Blueprint(
    "alerts", __name__, url_prefix="/api/alerts", description="Alerts (通知公告): publish, approve, delivery counts"
)


class ListArgsSchema(Schema):
    view = ma.fields.String(load_default="mine", validate=ma.validate.OneOf(("mine", "to_approve")))


class AlertWithCountsSchema(AlertSchema):
    counts = ma.fields.Dict()


class AlertListSchema(Schema):
    items = ma.fields.List(ma.fields.Nested(AlertSchema))


class ResentSchema(Schema):
    queued = ma.fields.Integer()


class AckResultSchema(Schema):
    state = ma.fields.String()


def _with_counts(alert):
    """The alert with its delivery counts, for AlertWithCountsSchema."""
    alert.counts = deliveries.counts(alert.id)
    return alert


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(alert_input_schema)
@blp.response(201, AlertWithCountsSchema)
def create(data):
    """Write an alert: a draft ("draft": true), or sent now, or at send_at (admins, in their jurisdiction)."""
    authz.require(current_user, "alerts.publish")
    return _with_counts(publishing.create(current_user, data))


@blp.route("/preview", methods=["POST"])
@login_required
@blp.arguments(alert_reach_input_schema)
@blp.response(200, AlertReachSchema)
def preview(data):
    """Whom an alert would reach if sent now: people and their devices with push for its category, counted
    as sending counts them (the body of POST /api/alerts, of which only targeting and category matter);
    refused (422, per field) outside your jurisdiction, as sending is."""
    authz.require(current_user, "alerts.publish")
    return publishing.reach(current_user, data)


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(ListArgsSchema, location="query")
@blp.response(200, AlertListSchema)
def list_alerts(args):
    """My alerts, newest first; or (view=to_approve) those waiting for my approval."""
    authz.require(current_user, "alerts.publish")
    return {"items": publishing.list_alerts(current_user, args["view"])}


@export_route(blp, "/export.xlsx", ListArgsSchema)
def export_alerts(args):
    """GET /api/alerts's rows for the same view as an Excel workbook, all of mine (§24.1)."""
    authz.require(current_user, "alerts.publish")
    return exports.alerts_xlsx(current_user, args["view"])


@blp.route("/<int:alert_id>", methods=["GET"])
@login_required
@blp.response(200, AlertWithCountsSchema)
def get(alert_id):
    """One of my alerts (or one I may approve), with its delivery counts."""
    return _with_counts(publishing.visible_alert(current_user, alert_id))


@blp.route("/<int:alert_id>/publish", methods=["POST"])
@login_required
@blp.response(200, AlertWithCountsSchema)
def publish(alert_id):
    """Send my draft on its way (approval, schedule or now)."""
    return _with_counts(publishing.publish(current_user, alert_id))


@blp.route("/<int:alert_id>/approve", methods=["POST"])
@login_required
@blp.response(200, AlertWithCountsSchema)
def approve(alert_id):
    """Approve an alert to a whole street or district (an admin above it)."""
    return _with_counts(publishing.approve(current_user, alert_id))


@blp.route("/<int:alert_id>/cancel", methods=["POST"])
@login_required
@blp.response(200, AlertWithCountsSchema)
def cancel(alert_id):
    """Cancel an alert not sent yet (its author, or an approver)."""
    return _with_counts(publishing.cancel(current_user, alert_id))


@blp.route("/<int:alert_id>/resend", methods=["POST"])
@login_required
@blp.response(200, ResentSchema)
def resend(alert_id):
    """Push again to the devices that failed (my alert)."""
    return {"queued": publishing.resend(current_user, alert_id)}


@blp.route("/ack", methods=["POST"])
@csrf.exempt
@limiter.limit("120 per minute")
@blp.arguments(ack_schema)
@blp.response(200, AckResultSchema)
@blp.alt_response(404, schema=ErrorSchema, description="`not_found`: no push with this ack token")
def ack(data):
    """The service worker's receipt ("delivered") or click of a push; authenticated by the ack
    token of the push payload, not a session; a late ack carries its phone time (PROTOCOL.md §13.3)."""
    return {"state": deliveries.ack(data["token"], data["state"], data.get("endpoint"), data.get("at")).state}
