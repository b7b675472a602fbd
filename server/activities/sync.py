"""Activities, their keys and sign-ups as synced entities (PROTOCOL.md §18): who writes which
field; the buckets are server/activities/access.py's, the rules rules.py's and signups.py's.
Registered with the engine by create_app (server/activities/part.py)."""

from server.activities.access import activity_buckets, key_buckets, signup_buckets
from server.activities.models import Activity, ActivityKey, ActivitySignup
from server.activities.rules import review_activity, review_key
from server.activities.schemas import (
    activity_key_record_schema,
    activity_record_schema,
    activity_signup_record_schema,
)
from server.activities.signups import review_signup
from server.sync import registry
from server.sync.review import ADMIN, BY_SERVER, SELF, SERVER, VOLUNTEER
from sync import Field

ACTIVITY_FIELDS = (
    Field("community_id", ADMIN, create_only=True),
    *(
        Field(name, ADMIN)
        for name in (
            "title",
            "description",
            "place",
            "starts_at",
            "ends_at",
            "capacity",
            "skills",
            "hours",
            "organiser_id",
        )
    ),
    Field("status", ADMIN | VOLUNTEER),  # a volunteer: only the named organiser, only to close it
    Field("seated_count", BY_SERVER),
    Field("waiting_count", BY_SERVER),
    Field("created_by_id", SERVER),
    Field("created_at", SERVER),
    Field("history", SERVER),
)

KEY_FIELDS = (
    Field("activity_id", BY_SERVER, create_only=True),
    Field("community_id", BY_SERVER, create_only=True),
    Field("organiser_id", BY_SERVER),
    Field("key", BY_SERVER),
)

# The organiser a community's admin names holds `self` in user:<organiser>, where the sign-ups of
# their activity live: the rules tell them from the volunteer by account (signups.py).
SIGNUP_FIELDS = (
    Field("activity_id", SELF, create_only=True),
    Field("user_id", SELF, create_only=True),
    Field("status", SELF | BY_SERVER),
    Field("checkin_window", SELF),
    Field("checkin_mac", SELF),
    Field("checkin_at", SELF | ADMIN),
    Field("checkout_window", SELF),
    Field("checkout_mac", SELF),
    Field("checkout_at", SELF | ADMIN),
    Field("confirmed_hours", SELF | ADMIN),
    Field("organiser_id", BY_SERVER),
    *(
        Field(name, SERVER)
        for name in (
            "user_name",
            "community_id",
            "queued_at",
            "checkin_method",
            "checkout_method",
            "used_windows",
            "hours",
            "confirmed_at",
            "confirmed_by_id",
            "created_at",
            "history",
        )
    ),
)

ACTIVITY = registry.EntityBinding(
    "activity",
    ACTIVITY_FIELDS,
    ADMIN,
    frozenset(),
    Activity,
    activity_record_schema,
    activity_buckets,
    review=review_activity,
)
ACTIVITY_KEY = registry.EntityBinding(
    "activity_key",
    KEY_FIELDS,
    BY_SERVER,
    frozenset(),
    ActivityKey,
    activity_key_record_schema,
    key_buckets,
    review=review_key,
)
ACTIVITY_SIGNUP = registry.EntityBinding(
    "activity_signup",
    SIGNUP_FIELDS,
    SELF,
    frozenset(),
    ActivitySignup,
    activity_signup_record_schema,
    signup_buckets,
    review=review_signup,
)
