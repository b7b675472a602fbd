"""What grid work brings to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.tasks import access, messages, routes, sync

PART = Part(
    "tasks",
    blueprints=(routes.blp,),
    catalogs=(messages.entries,),
    sync_entities=(sync.TASK, sync.FIELD_REPORT),
    visibility=access.VISIBILITY,
)
