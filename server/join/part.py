"""What joining brings to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.join import messages, routes, sync

PART = Part("join", blueprints=(routes.blp,), catalogs=(messages.entries,), sync_entities=(sync.INVITE_KEY,))
