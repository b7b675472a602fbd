"""What the service record brings to the app (wired by create_app, server/core/parts.py)."""

from server.core.parts import Part
from server.ledger import sync, vocab

PART = Part("ledger", catalogs=(vocab.entries,), sync_entities=(sync.SERVICE_ENTRY,))
