"""What accounts and sessions bring to the app (wired by create_app, server/core/parts.py)."""

from server.auth import loader, routes
from server.core.parts import Part

PART = Part("auth", blueprints=(routes.blp,), init=lambda app: loader.init_login())
