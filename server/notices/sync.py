"""The inbox as a synced entity `inbox` (PROTOCOL.md §13): the server writes every entry (as
SYSTEM, server/notices/service.py); its user may only stamp read_at and clicked_at, from the
phone, offline too. An entry lives in the bucket user:<id> of its user alone."""

from server.notices.deliveries import counts_changed
from server.notices.models import InboxEntry
from server.notices.schemas import inbox_record_schema
from server.sync import registry
from server.sync.review import BY_SERVER, SELF, checked
from sync import Field, Rejection, Review

INBOX_FIELDS = (
    Field("user_id", BY_SERVER, create_only=True),
    Field("alert_id", BY_SERVER, create_only=True),
    Field("kind", BY_SERVER, create_only=True),
    Field("title", BY_SERVER),
    Field("body", BY_SERVER),
    Field("level", BY_SERVER),
    Field("category", BY_SERVER),
    Field("link", BY_SERVER),
    Field("data", BY_SERVER),
    Field("dedupe_key", BY_SERVER, create_only=True),
    Field("created_at", BY_SERVER, create_only=True),
    # The user's own stamps (marking read syncs); the server stamps them too (an ack, the API).
    Field("read_at", SELF | BY_SERVER),
    Field("clicked_at", SELF | BY_SERVER),
)


def inbox_buckets(values) -> list[str]:
    """user:<id> of the entry's user; none for a malformed user id."""
    user_id = values.get("user_id")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return []
    return [f"user:{user_id}"]


def review_inbox(r: Review) -> Rejection | None:
    """Whole-record validation (the field roles already keep users to read_at and clicked_at);
    an alert's entry read: its author's counts change (emitted after the commit, service.py)."""
    refused = checked(inbox_record_schema, r)
    if refused is None and "read_at" in r.merged.changed and r.merged.values.get("alert_id") is not None:
        counts_changed(r.merged.values["alert_id"])
    return refused


INBOX = registry.EntityBinding(
    "inbox",
    INBOX_FIELDS,
    BY_SERVER,
    BY_SERVER,
    InboxEntry,
    inbox_record_schema,
    inbox_buckets,
    review=review_inbox,
)
