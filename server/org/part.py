"""What the org tree and places bring to the app (wired by create_app, server/core/parts.py):
browsing them, and the admins managing them (PROTOCOL.md §25)."""

from server.core.parts import Part
from server.org import admin_routes, messages, routes

PART = Part("org", blueprints=(routes.blp, admin_routes.blp), catalogs=(messages.entries,))
