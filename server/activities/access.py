"""Who sees an activity, its key and a sign-up, as the sync buckets they live in (PROTOCOL.md §18):
an activity in community:<its community> (the volunteers reporting there) and org:<unit> of every
unit from the city down to the community (its admins); its key only in those org buckets and
user:<the organiser the admins named>; a sign-up in user:<its volunteer>, the org buckets and
user:<the organiser> — so a volunteer pulls their own sign-ups, never anyone else's, and no
volunteer but a named organiser ever pulls a key."""

from flask import g, has_app_context

from server.activities.models import Activity
from server.core.fields import is_row_id
from server.extensions import db
from server.sync.buckets import org_buckets


def _user(user_id) -> list[str]:
    return [f"user:{user_id}"] if is_row_id(user_id) else []


def activity_buckets(values) -> list[str]:
    community_id = values.get("community_id")
    org = org_buckets(community_id)
    return [f"community:{community_id}", *org] if org else []


def key_buckets(values) -> list[str]:
    org = org_buckets(values.get("community_id"))
    return [*org, *_user(values.get("organiser_id"))] if org else []


def activity_of(activity_id) -> Activity | None:
    """The activity a sign-up names (looked up once per request)."""
    if not isinstance(activity_id, str) or not 0 < len(activity_id) <= 36 or "\x00" in activity_id:
        return None
    cache = g.setdefault("_redgrid_activities", {}) if has_app_context() else {}
    if activity_id not in cache:
        found = db.session.get(Activity, activity_id)
        if found is None:
            return None  # not cached: it may be made later in this request
        cache[activity_id] = found
    return cache[activity_id]


def signup_buckets(values) -> list[str]:
    """The volunteer's own bucket, the admins' above the community and the named organiser's. A
    new sign-up names only its activity: the community is the activity's."""
    community_id = values.get("community_id")
    if community_id is None:
        activity = activity_of(values.get("activity_id"))
        community_id = activity.community_id if activity is not None else None
    org = org_buckets(community_id)
    if not org or not is_row_id(values.get("user_id")):
        return []
    return [*_user(values["user_id"]), *org, *_user(values.get("organiser_id"))]
