"""What Web Push brings to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.push import messages, routes

PART = Part("push", blueprints=(routes.blp,), catalogs=(messages.entries,))
