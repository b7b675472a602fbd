"""What the service record brings to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.ledger import dashboard, messages, monthly, sync, vocab

PART = Part(
    "ledger",
    catalogs=(vocab.entries, messages.entries),
    sync_entities=(sync.SERVICE_ENTRY,),
    monthly=(monthly.service_section,),
    dashboard=(dashboard.service_section,),
)
