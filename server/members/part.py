"""What 双报到 brings to the app (wired by create_app, server/core/parts.py): REST, the printable
双报告, the catalog, and the roster of units and members the evaluation counts (PROTOCOL.md §17)."""

from server.core.parts import Part
from server.members import match_messages, match_routes, messages, pages, roster, routes

PART = Part(
    "members",
    blueprints=(routes.blp, match_routes.blp),
    pages=(pages.pages,),
    catalogs=(messages.entries, match_messages.entries),
    roster=roster.subjects,  # who serves a community, for the December evaluation
)
