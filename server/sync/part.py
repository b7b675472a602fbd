"""What the sync engine's endpoints bring to the app (wired by create_app, server/core/parts.py):
a photo is readable by whoever sees a record that refers to it."""

from server.core.parts import Part
from server.sync import messages, routes, service

PART = Part(
    "sync", blueprints=(routes.blp,), catalogs=(messages.entries,), blob_readers=(service.can_see_a_referencing_record,)
)
