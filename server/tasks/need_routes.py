"""Residents' needs over HTTP: the records themselves travel by sync (PROTOCOL.md §16); this is
the admins' list and figures of 接诉即办 and the needs as a workbook."""

from flask_login import current_user, login_required

from server.core.edge import Blueprint
from server.core.xlsx import export_route
from server.tasks import need_models  # noqa: F401  (the table, for the app and Alembic)
from server.tasks.need_exports import list_needs, needs_xlsx
from server.tasks.need_schemas import (
    NeedExportArgsSchema,
    NeedListArgsSchema,
    NeedPageSchema,
    NeedStatsArgsSchema,
    NeedStatsSchema,
)
from server.tasks.need_stats import need_stats

blp = Blueprint("needs", __name__, url_prefix="/api", description="Residents' needs (诉求): figures and export")


@blp.route("/needs", methods=["GET"])
@login_required
@blp.arguments(NeedListArgsSchema, location="query")
@blp.response(200, NeedPageSchema)
def needs(args):
    """The needs of your jurisdiction (or of `unit`: 404 outside it), oldest first, a page at a time:
    what a dashboard's needs figure counted (`unit`, `period`), for the admins' desk (PROTOCOL.md §26)."""
    return list_needs(current_user, **args)


@blp.route("/needs/stats", methods=["GET"])
@login_required
@blp.arguments(NeedStatsArgsSchema, location="query")
@blp.response(200, NeedStatsSchema)
def stats(args):
    """响应率, 解决率 and 满意率 per grid and community of your jurisdiction for needs received in a period (admins)."""
    return need_stats(current_user, **args)


@export_route(blp, "/needs/export.xlsx", NeedExportArgsSchema)
def export(args):
    """The needs of your jurisdiction (or of `unit`) received in a period, open ones or all, as an
    Excel workbook (admins; PROTOCOL.md §24.1)."""
    return needs_xlsx(current_user, args)
