"""What inspections and rectification bring to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.inspections import (
    access,
    commands,
    dashboard,
    escalation,
    management,
    management_messages,
    messages,
    monthly,
    pages,
    routes,
    sync,
)

PART = Part(
    "inspections",
    blueprints=(routes.blp, management.blp),
    pages=(pages.pages,),
    catalogs=(messages.entries, management_messages.entries),
    sync_entities=(sync.INSPECTION, sync.ORDER),
    visibility=access.VISIBILITY,
    periodic=(escalation.PERIODIC,),
    commands=(commands.inspections_command,),
    monthly=(monthly.inspections_section,),
    dashboard=(dashboard.inspections_section,),
)
