"""What the sync engine's endpoints bring to the app (wired by create_app, server/core/parts.py):
a photo is readable by whoever sees a record that refers to it; a sign-in may carry the first
pull page (PROTOCOL.md §5.2.1: sign-in, in a lower layer, calls what is registered here)."""

from server.auth.routes import FIRST_PULL
from server.core import regrid
from server.core.parts import Part
from server.sync import messages, relog, routes, service


def _init(app) -> None:
    app.extensions[FIRST_PULL] = service.first_page_json
    regrid.register_cache(relog.CACHE)


PART = Part(
    "sync",
    blueprints=(routes.blp,),
    catalogs=(messages.entries,),
    blob_readers=(service.can_see_a_referencing_record,),
    regrid=(relog.relog_moved,),  # records follow a moved unit to its new org buckets (§25)
    init=_init,
)
