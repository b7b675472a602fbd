"""What the December evaluation brings to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.evaluation import messages, reminders, routes, sync

PART = Part(
    "evaluation",
    blueprints=(routes.blp,),
    catalogs=(messages.entries,),
    sync_entities=(sync.ROUND, sync.BALLOT),
    periodic=(reminders.PERIODIC,),
    commands=(reminders.evaluation_command,),
)
