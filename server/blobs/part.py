"""What photos (blobs) bring to the app (wired by create_app, server/core/parts.py)."""

from server.blobs import access, routes
from server.core.parts import Part

PART = Part("blobs", blueprints=(routes.blp,), actions=access.ACTIONS)
