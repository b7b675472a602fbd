"""The dashboards over HTTP (PROTOCOL.md §26): GET /api/dashboard (your own unit's) and
GET /api/dashboard/<unit id>, each over a period."""

import marshmallow as ma
from flask_login import current_user, login_required

from server.core.edge import Blueprint, Schema
from server.core.instants import UtcDateTime
from server.reports import dashboard

blp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/api/dashboard",
    description="Dashboards (看板) of streets, communities and grids",
)


class DashboardArgsSchema(Schema):
    period = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=10),
        metadata={"description": '"30d" (default), "7d", "month" (this month so far) or a month "2026-11"'},
    )


class PlaceSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()


class PeriodSchema(Schema):
    text = ma.fields.String()
    start = UtcDateTime()
    end = UtcDateTime()


class DashboardSchema(Schema):
    unit = ma.fields.Nested(PlaceSchema)
    path = ma.fields.List(ma.fields.Nested(PlaceSchema), metadata={"description": "the units above you may open"})
    children = ma.fields.List(ma.fields.Nested(PlaceSchema))
    period = ma.fields.Nested(PeriodSchema)
    generated_at = UtcDateTime()
    sections = ma.fields.List(
        ma.fields.Dict(),
        metadata={"description": "{key, figures, total, units: {child id: figures}, links, groups} (PROTOCOL.md §26)"},
    )


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(DashboardArgsSchema, location="query")
@blp.response(200, DashboardSchema)
def own(args):
    """The dashboard of your unit: an admin's outermost unit, a grid worker's grid."""
    return dashboard.read(current_user, None, args["period"])


@blp.route("/<int:unit_id>", methods=["GET"])
@login_required
@blp.arguments(DashboardArgsSchema, location="query")
@blp.response(200, DashboardSchema)
def unit(args, unit_id):
    """An org unit's figures per child unit and in total, over the period (admins over the unit; a
    grid worker for their grid). 404 for a unit you may not read; 422 for a bad period."""
    return dashboard.read(current_user, unit_id, args["period"])
