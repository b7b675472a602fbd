"""What serving the PWA brings to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.web.routes import register_web

PART = Part("web", init=register_web)
