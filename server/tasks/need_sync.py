"""The need as a synced entity (PROTOCOL.md §16): who writes which field and the buckets it lives
in — user:<its resident>, and grid:<its grid> with org:<unit> of every unit above (a need in no
grid: the org buckets of its community), as a task on the household would. Registered with the
engine by create_app (server/tasks/part.py)."""

from server.core.fields import is_row_id
from server.sync import registry
from server.sync.review import ADMIN, BY_SERVER, SELF, SERVER, WORKER
from server.tasks import places
from server.tasks.need_models import Need
from server.tasks.need_rules import review_need
from server.tasks.need_schemas import need_record_schema
from sync import Field

HANDLER = WORKER | ADMIN

NEED_FIELDS = (
    # The resident's words, while the need is still only received; the rating, once resolved.
    Field("user_id", SELF, create_only=True),
    Field("household_id", SELF, create_only=True),
    Field("category", SELF),
    Field("text", SELF),
    Field("photos", SELF, on_conflict="union"),
    Field("location", SELF),
    Field("filed_at", SELF),
    Field("rating", SELF),
    Field("rating_comment", SELF),
    # Its lifecycle: the handler's moves (the server's when a rating reopens it).
    Field("status", HANDLER),
    Field("status_device_at", HANDLER),
    Field("handle_note", HANDLER),
    Field("handle_photos", HANDLER, on_conflict="union"),
    Field("referred_to", HANDLER),
    # The deadline job's.
    Field("escalated", BY_SERVER),
    Field("escalation", BY_SERVER),
    # Stamps.
    Field("grid_id", SERVER),
    Field("community_id", SERVER),
    Field("respond_by", SERVER),
    Field("resolve_by", SERVER),
    Field("accepted_at", SERVER),
    Field("resolved_at", SERVER),
    Field("rated_at", SERVER),
    Field("handler_id", SERVER),
    Field("escalations", SERVER),
    Field("history", SERVER),
    Field("created_at", SERVER),
)


def need_buckets(values) -> list[str]:
    """user:<resident>, then its grid's buckets (the household's while it is being filed)."""
    user_id = values.get("user_id")
    if not is_row_id(user_id):
        return []
    grid_id = values.get("grid_id")
    where = (
        places.buckets_of("grid", grid_id) if grid_id else places.buckets_of("household", values.get("household_id"))
    )
    return [f"user:{user_id}", *where]


NEED = registry.EntityBinding(
    "need",
    NEED_FIELDS,
    SELF,
    frozenset(),
    Need,
    need_record_schema,
    need_buckets,
    blob_fields=("photos", "handle_photos"),
    review=review_need,
)
