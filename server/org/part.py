"""What the org tree and places bring to the app (wired by create_app, server/core/parts.py):
browsing them, and the admins managing them (PROTOCOL.md §25)."""

from server.core.parts import Part
from server.org import admin_routes, duplicate_messages, duplicate_routes, messages, routes

PART = Part(
    "org",
    blueprints=(routes.blp, admin_routes.blp, duplicate_routes.blp),
    catalogs=(messages.entries, duplicate_messages.entries),
)
