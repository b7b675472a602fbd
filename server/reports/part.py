"""What the monthly report brings to the app (wired by create_app, server/core/parts.py): the
printable page of a community's month, made of the sections the other parts bring (PROTOCOL.md §24.3),
and the dashboards of the org units, made the same way (§26)."""

from server.core.parts import Part
from server.reports import messages, pages, routes

PART = Part("reports", blueprints=(routes.blp,), pages=(pages.pages,), catalogs=(messages.entries,))
