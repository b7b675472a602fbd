"""Wishes and their cards as synced entities (PROTOCOL.md §14): who writes which field, how
same-field conflicts end; the buckets are server/wishes/access.py's. Registered with the engine
by create_app (server/wishes/part.py)."""

from server.sync import registry
from server.sync.review import ADMIN, BY_SERVER, SELF, SERVER, VOLUNTEER
from server.wishes.access import card_buckets, wish_buckets
from server.wishes.models import Wish, WishCard
from server.wishes.rules import review_card, review_wish
from server.wishes.schemas import wish_card_record_schema, wish_record_schema
from sync import Field

WISH_FIELDS = (
    Field("user_id", SELF, create_only=True),
    Field("household_id", SELF, create_only=True),
    Field("title", SELF),
    Field("reason", SELF),
    Field("photos", SELF, on_conflict="union"),
    Field("wanted_by", SELF),
    Field("status", SELF | ADMIN),
    Field("public_title", ADMIN),
    Field("public_text", ADMIN),
    Field("public_photos", ADMIN),
    Field("review_note", ADMIN),
    Field("merged_into", ADMIN),
    Field("community_id", SERVER),
    Field("card_id", SERVER),
    Field("reviewed_by_id", SERVER),
    Field("reviewed_at", SERVER),
    Field("history", SERVER),
    Field("created_at", SERVER),
)

CARD_FIELDS = (
    Field("wish_id", BY_SERVER, create_only=True),
    Field("community_id", BY_SERVER, create_only=True),
    Field("title", BY_SERVER),
    Field("text", BY_SERVER),
    Field("photos", BY_SERVER),
    Field("wanted_by", BY_SERVER),
    Field("status", VOLUNTEER | SELF | ADMIN | BY_SERVER),
    Field("fulfil_note", VOLUNTEER),
    Field("hours", VOLUNTEER),
    Field("evidence_photos", VOLUNTEER, on_conflict="union"),
    Field("fulfilled_at", VOLUNTEER),
    Field("rating", SELF),
    Field("rating_comment", SELF),
    Field("confirmed_at", SELF),
    Field("claimant_id", SERVER),
    Field("claimed_for", VOLUNTEER),  # with the claim: for the claimant's unit (PROTOCOL.md §14.2)
    Field("claimant_unit", SERVER),
    Field("claimed_at", SERVER),
    Field("claim_deadline", SERVER),
    Field("history", SERVER),
    Field("created_at", SERVER),
)

WISH = registry.EntityBinding(
    "wish",
    WISH_FIELDS,
    SELF,
    frozenset(),
    Wish,
    wish_record_schema,
    wish_buckets,
    blob_fields=("photos",),
    review=review_wish,
)
WISH_CARD = registry.EntityBinding(
    "wish_card",
    CARD_FIELDS,
    BY_SERVER,
    frozenset(),
    WishCard,
    wish_card_record_schema,
    card_buckets,
    blob_fields=("photos", "evidence_photos"),
    review=review_card,
)
