"""Micro-wishes over HTTP: the records themselves travel by sync (PROTOCOL.md §14); this is the
admins' workbook of them."""

from flask_login import current_user, login_required

from server.api import ErrorSchema
from server.core.edge import Blueprint
from server.core.xlsx import XLSX
from server.wishes.exports import wishes_xlsx
from server.wishes.schemas import WishExportArgsSchema

blp = Blueprint("wishes", __name__, url_prefix="/api/wishes", description="Micro-wishes (微心愿): export")


@blp.route("/export.xlsx", methods=["GET"])
@login_required
@blp.arguments(WishExportArgsSchema, location="query")
@blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX, description="The workbook")
@blp.alt_response(422, schema=ErrorSchema, description="`export_too_large`: more rows than EXPORT_MAX_ROWS")
def export(args):
    """The wishes of your jurisdiction with their review and their card on the wall (who claimed
    it, when it was fulfilled, the hours, the rating), as an Excel workbook (admins; PROTOCOL.md §24.1)."""
    return wishes_xlsx(current_user, args["status"])
