"""Checklist templates, inspections and rectification orders over HTTP (the sync endpoints carry
the records themselves; these are the admins' desk and the printable report)."""

import hashlib
import json

from flask import Response, request
from flask_login import current_user, login_required

from server.core.edge import Blueprint
from server.inspections import (
    models,  # noqa: F401  (the tables, for the app and Alembic)
    service,
    templates,
)
from server.inspections import sync as _entities  # noqa: F401  (registers "inspection" and "rectification_order")
from server.inspections.schemas import (
    InspectionCreateSchema,
    InspectionListArgsSchema,
    InspectionPageSchema,
    InspectionReportSchema,
    InspectionTemplateEditSchema,
    InspectionTemplateInSchema,
    InspectionTemplateListArgsSchema,
    InspectionTemplateSchema,
    InspectionViewSchema,
    OrderListArgsSchema,
    OrderPageSchema,
    OrderViewSchema,
)

blp = Blueprint(
    "inspections",
    __name__,
    url_prefix="/api",
    description="Red steward inspections: checklists, inspections, rectification orders",
)


@blp.route("/inspection-templates", methods=["GET"])
@login_required
@blp.arguments(InspectionTemplateListArgsSchema, location="query")
@blp.response(200, InspectionTemplateSchema(many=True))
def list_templates(args):
    """Checklist templates, newest version first (admins: all; others: the published ones)."""
    return templates.list_templates(current_user, **args)


@blp.route("/inspection-templates/<int:template_id>", methods=["GET"])
@login_required
@blp.response(200, InspectionTemplateSchema)
@blp.alt_response(304, description="Not Modified: the If-None-Match tag is still current")
def get_template(template_id):
    """One template version; phones keep it offline and revalidate it with If-None-Match."""
    body = json.dumps(
        InspectionTemplateSchema().dump(templates.view(templates.get_template(current_user, template_id))),
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    etag = hashlib.sha256(body).hexdigest()[:32]
    headers = {"ETag": f'W/"{etag}"', "Cache-Control": "private, no-cache"}
    if request.if_none_match.contains_weak(etag):
        return Response(status=304, headers=headers)
    return Response(body, mimetype="application/json", headers=headers)


@blp.route("/inspection-templates", methods=["POST"])
@login_required
@blp.arguments(InspectionTemplateInSchema)
@blp.response(201, InspectionTemplateSchema)
def create_template(data):
    """A new checklist template, version 1, as a draft (admins)."""
    return templates.view(templates.create_template(current_user, data))


@blp.route("/inspection-templates/<int:template_id>", methods=["PATCH"])
@login_required
@blp.arguments(InspectionTemplateEditSchema)
@blp.response(200, InspectionTemplateSchema)
def edit_template(data, template_id):
    """Edit a draft in place, or make the next version of a published one (admins)."""
    return templates.view(templates.edit_template(current_user, template_id, data))


@blp.route("/inspection-templates/<int:template_id>/publish", methods=["POST"])
@login_required
@blp.response(200, InspectionTemplateSchema)
def publish_template(template_id):
    """Publish a draft; the code's earlier published version is retired (admins)."""
    return templates.view(templates.publish_template(current_user, template_id))


@blp.route("/inspection-templates/<int:template_id>/retire", methods=["POST"])
@login_required
@blp.response(200, InspectionTemplateSchema)
def retire_template(template_id):
    """Retire a version: no new inspections with it (admins)."""
    return templates.view(templates.retire_template(current_user, template_id))


@blp.route("/inspections", methods=["GET"])
@login_required
@blp.arguments(InspectionListArgsSchema, location="query")
@blp.response(200, InspectionPageSchema)
def list_inspections(args):
    """Inspections in your scope, newest first."""
    return service.list_inspections(current_user, **args)


@blp.route("/inspections", methods=["POST"])
@login_required
@blp.arguments(InspectionCreateSchema)
@blp.response(201, InspectionViewSchema)
def create_inspection(data):
    """Create an inspection of a compound for its red steward (admins)."""
    return service.get_inspection(current_user, service.create_inspection(current_user, data))


@blp.route("/inspections/<inspection_id>", methods=["GET"])
@login_required
@blp.response(200, InspectionViewSchema)
def get_inspection(inspection_id):
    """One inspection in your scope."""
    return service.get_inspection(current_user, inspection_id)


@blp.route("/inspections/<inspection_id>/report", methods=["GET"])
@login_required
@blp.response(200, InspectionReportSchema)
def inspection_report(inspection_id):
    """The printable report: checklist with answers and photos, score, rectification orders."""
    return service.report(current_user, inspection_id)


@blp.route("/rectification-orders", methods=["GET"])
@login_required
@blp.arguments(OrderListArgsSchema, location="query")
@blp.response(200, OrderPageSchema)
def list_orders(args):
    """Rectification orders in your scope (property staff: your company's), nearest deadline first."""
    return service.list_orders(current_user, **args)


@blp.route("/rectification-orders/<order_id>", methods=["GET"])
@login_required
@blp.response(200, OrderViewSchema)
def get_order(order_id):
    """One rectification order in your scope."""
    return service.get_order(current_user, order_id)
