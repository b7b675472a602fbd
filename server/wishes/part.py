"""What micro-wishes bring to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.wishes import claims, lists, messages, routes, sync

PART = Part(
    "wishes",
    blueprints=(routes.blp,),
    catalogs=(messages.entries,),
    sync_entities=(sync.WISH, sync.WISH_CARD),
    periodic=(claims.PERIODIC,),
    commands=(claims.wishes_command,),
    open_needs=lists.open_wishes,  # the wall's open wishes, for matching (供需对接)
)
