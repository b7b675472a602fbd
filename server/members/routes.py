"""双报到 over REST (PROTOCOL.md §17): codes, reporting, profiles, units and their resources, the
community's projects and overview, and 双报告. Thin: the service checks scope and commits."""

import io

from flask import send_file
from flask_login import current_user, login_required

from server.api import ErrorSchema
from server.core.edge import Blueprint
from server.core.xlsx import XLSX, export_route
from server.extensions import limiter
from server.i18n import _
from server.members import exports, reports, service
from server.members.schemas import (
    CodeCheckArgsSchema,
    CodeCheckSchema,
    CodeIssueSchema,
    CodeSchema,
    CommunityOverviewSchema,
    MemberEditSchema,
    MemberSchema,
    MineSchema,
    ProfileInSchema,
    ProjectEditSchema,
    ProjectInSchema,
    ProjectSchema,
    ReportArgsSchema,
    ReportInSchema,
    ReportSchema,
    ResourceEditSchema,
    ResourceInSchema,
    ResourceSchema,
    UnitEditSchema,
    UnitSchema,
)

blp = Blueprint("members", __name__, url_prefix="/api/members", description="双报到: units and members (§17)")
CODE_REFUSED = "`code_unknown`, `code_expired`, `code_used_up`, `code_revoked` (field `code`)"
CODE_LIMIT = "30 per minute"  # a code is 8 of 32 characters: guessing one is hopeless, and throttled


@blp.route("/codes", methods=["POST"])
@login_required
@blp.arguments(CodeIssueSchema)
@blp.response(201, CodeSchema)
@blp.alt_response(422, schema=ErrorSchema, description="`unit_not_in_community`, `unit_code_names_unit`")
def issue_code(data):
    """Issue a report code of a community you administer: kind unit (a unit registers with it) or
    member (joins unit_id, or the community). Random, 8 characters, expiring, use-limited; audited."""
    return service.issue_code(current_user, data)


@blp.route("/codes/<int:code_id>/revoke", methods=["POST"])
@login_required
@blp.response(200, CodeSchema)
def revoke_code(code_id):
    """Revoke a code (audited): it is refused from now on as `code_revoked`."""
    return service.revoke_code(current_user, code_id)


@blp.route("/codes/check", methods=["GET"])
@login_required
@limiter.limit(CODE_LIMIT)
@blp.arguments(CodeCheckArgsSchema, location="query")
@blp.response(200, CodeCheckSchema)
@blp.alt_response(422, schema=ErrorSchema, description=CODE_REFUSED)
def check_code(args):
    """What a code is for (unit or member, which community and unit), without using it."""
    return service.check_code(current_user, args["code"])


@blp.route("/report", methods=["POST"])
@login_required
@limiter.limit(CODE_LIMIT)
@blp.arguments(ReportInSchema)
@blp.response(201, MemberSchema)
@blp.alt_response(
    422,
    schema=ErrorSchema,
    description=f"{CODE_REFUSED}; `already_reported`; `unit_required`; `grid_not_in_community`",
)
def report(data):
    """Report to a community with a code: a unit code registers `unit` (you become its secretary),
    a member code joins its unit or the community. You hold volunteer@community afterwards."""
    return service.report(current_user, data)


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, MineSchema)
def mine():
    """My reporting, kept by the phone for offline use: my profiles, my units (their members only
    if I am the secretary), my communities' open projects, the communities I administer."""
    return service.mine(current_user)


@blp.route("/me/<int:member_id>", methods=["PATCH"])
@login_required
@blp.arguments(ProfileInSchema)
@blp.response(200, MemberSchema)
def update_profile(changes, member_id):
    """Change my own profile: branch, skills, availability, phone (private)."""
    return service.update_profile(current_user, member_id, changes)


@blp.route("/members/<int:member_id>", methods=["PATCH"])
@login_required
@blp.arguments(MemberEditSchema)
@blp.response(200, MemberSchema)
@blp.alt_response(403, schema=ErrorSchema, description="`secretary_only`")
@blp.alt_response(422, schema=ErrorSchema, description="`last_secretary`")
def edit_member(changes, member_id):
    """A unit's secretary or an admin: a member's role in the unit, or active false (leaves)."""
    return service.edit_member(current_user, member_id, changes)


@blp.route("/units/<int:unit_id>", methods=["GET"])
@login_required
@blp.response(200, UnitSchema)
def unit(unit_id):
    """A unit you belong to or administer; its members with their phones only to its secretary and admins."""
    return service.unit_detail(current_user, unit_id)


@blp.route("/units/<int:unit_id>", methods=["PATCH"])
@login_required
@blp.arguments(UnitEditSchema)
@blp.response(200, UnitSchema)
@blp.alt_response(403, schema=ErrorSchema, description="`secretary_only`")
@blp.alt_response(422, schema=ErrorSchema, description="`grid_not_in_community`")
def edit_unit(changes, unit_id):
    """Change a unit's profile and the grids it serves (its secretary, an admin)."""
    return service.edit_unit(current_user, unit_id, changes)


@blp.route("/units/<int:unit_id>/resources", methods=["POST"])
@login_required
@blp.arguments(ResourceInSchema)
@blp.response(201, ResourceSchema)
@blp.alt_response(403, schema=ErrorSchema, description="`secretary_only`")
def add_resource(data, unit_id):
    """Add a line to the unit's resources list (场地、设备、专业服务)."""
    return service.add_resource(current_user, unit_id, data)


@blp.route("/units/<int:unit_id>/resources/<int:resource_id>", methods=["PATCH"])
@login_required
@blp.arguments(ResourceEditSchema)
@blp.response(200, ResourceSchema)
@blp.alt_response(403, schema=ErrorSchema, description="`secretary_only`")
def edit_resource(changes, unit_id, resource_id):
    """Change a resource of the unit."""
    return service.edit_resource(current_user, unit_id, resource_id, changes)


@blp.route("/units/<int:unit_id>/resources/<int:resource_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.alt_response(403, schema=ErrorSchema, description="`secretary_only`")
def delete_resource(unit_id, resource_id):
    """Take a resource off the unit's list."""
    service.delete_resource(current_user, unit_id, resource_id)


@blp.route("/communities/<int:community_id>", methods=["GET"])
@login_required
@blp.response(200, CommunityOverviewSchema)
def overview(community_id):
    """报到管理 of a community you administer: its codes, units, members (with phones) and projects."""
    return service.community_overview(current_user, community_id)


@export_route(blp, "/communities/<int:community_id>/export.xlsx", capped=False)
def overview_xlsx(community_id):
    """报到管理's units and members (with phones) as an Excel workbook (§24.1; audited members.overview_export)."""
    return exports.overview_xlsx(current_user, community_id)


@blp.route("/communities/<int:community_id>/projects", methods=["POST"])
@login_required
@blp.arguments(ProjectInSchema)
@blp.response(201, ProjectSchema)
@blp.alt_response(422, schema=ErrorSchema, description="`grid_not_in_community`, `period_order`")
def create_project(data, community_id):
    """Add a service project (服务项目清单) to a community you administer."""
    return service.create_project(current_user, community_id, data)


@blp.route("/projects/<int:project_id>", methods=["PATCH"])
@login_required
@blp.arguments(ProjectEditSchema)
@blp.response(200, ProjectSchema)
@blp.alt_response(422, schema=ErrorSchema, description="`grid_not_in_community`, `period_order`")
def edit_project(changes, project_id):
    """Change a service project of a community you administer (status closed ends it)."""
    return service.edit_project(current_user, project_id, changes)


@blp.route("/reports", methods=["GET"])
@login_required
@blp.arguments(ReportArgsSchema, location="query")
@blp.response(200, ReportSchema)
@blp.alt_response(422, schema=ErrorSchema, description="`report_subject`, `period_order`, `period_too_long`")
def double_report(args):
    """双报告 of a member (member_id) or a unit (unit_id) between two days (Xuchang), at most a year:
    the profile, the service record's rows and totals (a unit's: each member's too)."""
    return reports.report(current_user, args)


@blp.route("/reports.xlsx", methods=["GET"])
@login_required
@blp.arguments(ReportArgsSchema, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX, description="The workbook")
@blp.alt_response(422, schema=ErrorSchema, description="`report_subject`, `period_order`, `period_too_long`")
def double_report_xlsx(args):
    """双报告 as an Excel workbook (audited members.report_export)."""
    data, filename = reports.report_xlsx(current_user, args, _)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=filename)
