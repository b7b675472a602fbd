"""What the audit log brings to the app (wired by create_app, server/core/parts.py)."""

from server.audit import routes
from server.core.parts import Part

PART = Part("audit", blueprints=(routes.blp,))
