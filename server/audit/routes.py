"""Reading the audit log: every admin the entries of their jurisdiction."""

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
    """Sensitive actions of your jurisdiction, newest first: those about something inside your
    subtrees (each entry keeps the org path of what it changed) and your own; a city-level admin
    reads them all. Filter by actions, actor (name or phone), target and days."""
    return service.list_entries(current_user, **args)
