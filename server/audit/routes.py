"""Reading the audit log (city-level admins only)."""

from flask_login import current_user, login_required

from server.audit import service
from server.audit.schemas import AuditListArgsSchema, AuditPageSchema
from server.core.edge import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/admin", description="Audit log")


@blp.route("/audit", methods=["GET"])
@login_required
@blp.arguments(AuditListArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
def audit_log(args):
    """Sensitive actions, newest first, filterable by action, actor and target."""
    return service.list_entries(current_user, **args)
