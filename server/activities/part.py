"""What activities bring to the app (wired by create_app, server/core/parts.py)."""

from server.activities import messages, sync
from server.core.parts import Part

PART = Part(
    "activities",
    catalogs=(messages.entries,),
    sync_entities=(sync.ACTIVITY, sync.ACTIVITY_KEY, sync.ACTIVITY_SIGNUP),
)
