"""The invitation key as a synced entity `invite_key` (PROTOCOL.md §19.1): the server writes it
(made on first ask, replaced on rotation); its grid worker pulls it, alone, in user:<id>."""

from server.join.access import key_buckets
from server.join.models import InviteKey
from server.join.schemas import invite_key_record_schema
from server.sync import registry
from server.sync.review import BY_SERVER, checked
from sync import Field, Rejection, Review

KEY_FIELDS = (
    Field("user_id", BY_SERVER, create_only=True),
    Field("key", BY_SERVER),
    Field("created_at", BY_SERVER, create_only=True),
    Field("rotated_at", BY_SERVER),
)


def review_key(r: Review) -> Rejection | None:
    return checked(invite_key_record_schema, r)


INVITE_KEY = registry.EntityBinding(
    "invite_key",
    KEY_FIELDS,
    BY_SERVER,
    BY_SERVER,
    InviteKey,
    invite_key_record_schema,
    key_buckets,
    review=review_key,
)
