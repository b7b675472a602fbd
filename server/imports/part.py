"""What bulk import brings to the app (wired by create_app, server/core/parts.py): its API, its
catalog, and the action "imports.run" (admins)."""

from server.core.parts import Part
from server.imports import messages, routes, service

PART = Part(
    "imports",
    blueprints=(routes.blp,),
    catalogs=(messages.entries,),
    actions={"imports.run": service.can_import},
    init=routes.bound_uploads,
)
