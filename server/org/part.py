"""What the org tree and places bring to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.org import routes

PART = Part("org", blueprints=(routes.blp,))
