"""What inspections and rectification bring to the app (wired by create_app, server/core/parts.py)."""
from server.core.parts import Part
from server.inspections import access, escalation, management, management_messages, messages, routes, sync

PART = Part(
    "inspections", blueprints=(routes.blp, management.blp), pages=(management.pages,),
    catalogs=(messages.entries, management_messages.entries), sync_entities=(sync.INSPECTION, sync.ORDER),
    visibility=access.VISIBILITY, periodic=(escalation.PERIODIC,), commands=(management.inspections_command,),
)
