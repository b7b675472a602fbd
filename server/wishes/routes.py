"""Micro-wishes over HTTP: the records themselves travel by sync (PROTOCOL.md §14); this is the
admins' workbook of them."""

from flask_login import current_user

from server.core.edge import Blueprint
from server.core.xlsx import export_route
from server.wishes.exports import wishes_xlsx
from server.wishes.schemas import WishExportArgsSchema

blp = Blueprint("wishes", __name__, url_prefix="/api/wishes", description="Micro-wishes (微心愿): export")


@export_route(blp, "/export.xlsx", WishExportArgsSchema)
def export(args):
    """The wishes of your jurisdiction with their review and their card on the wall (who claimed
    it, when it was fulfilled, the hours, the rating), as an Excel workbook (admins; PROTOCOL.md §24.1)."""
    return wishes_xlsx(current_user, args["status"])
