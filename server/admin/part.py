"""What account administration brings to the app (wired by create_app, server/core/parts.py)."""

from server.admin import routes
from server.core.parts import Part

PART = Part("admin", blueprints=(routes.blp,))
