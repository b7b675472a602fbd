"""What the server writes itself after an activity or a sign-up changes (PROTOCOL.md §18), in the
same transaction (server.sync.writer.follow_up), as SYSTEM: the activity's key when it is
published, the seat counts the volunteers see, the waiting list moving up when a seat frees, and
the named organiser copied onto the key and the sign-ups (their buckets follow it)."""

import uuid

from sqlalchemy import func, select

from server.activities import access, notices
from server.activities.models import Activity, ActivityKey, ActivitySignup
from server.core import codes
from server.extensions import db
from server.sync.actors import system_actor
from server.sync.writer import Writer, mutation

CLIENT = "server:activities"
_KEY_NAMESPACE = uuid.UUID("5d0b7c1e-8a44-4f0e-b7f2-6a3c9e1d2b80")
SIGNUP_NAMESPACE = uuid.UUID("a61f3e52-0c7d-4b9a-8e15-3f2d7c6b9a04")


def key_id(activity_id: str) -> str:
    """An activity has one key: its id follows from the activity's."""
    return str(uuid.uuid5(_KEY_NAMESPACE, activity_id))


def signup_id(activity_id: str, user_id: int) -> str:
    """A volunteer has one sign-up per activity: its id follows from both (pwa/js/activities.js
    computes the same UUID5), so two phones of one person cannot sign up twice."""
    return str(uuid.uuid5(SIGNUP_NAMESPACE, f"{activity_id}:{user_id}"))


def _push(buckets, mutations) -> set[str]:
    writer = Writer(actor=system_actor(None, buckets), client_id=CLIENT)
    results = writer.push(mutations)
    for result in results:
        if result.status == "rejected" and result.error["code"] != "exists":
            raise RuntimeError(f"activity follow-up refused: {result.error}")
    return writer.store.touched


def make_key(activity_id: str, community_id: int, organiser_id: int | None) -> set[str]:
    fields = {"activity_id": activity_id, "community_id": community_id, "organiser_id": organiser_id}
    fields["key"] = codes.new_key()
    return _push(access.key_buckets(fields), [mutation("activity_key", key_id(activity_id), "create", fields)])


def seat_counts(activity_id: str) -> dict[str, int]:
    rows = db.session.execute(
        select(ActivitySignup.status, func.count())
        .where(ActivitySignup.activity_id == activity_id, ActivitySignup.deleted.is_(False))
        .group_by(ActivitySignup.status)
    ).all()
    counts = dict(rows)
    return {"seated_count": counts.get("seated", 0), "waiting_count": counts.get("waiting", 0)}


def recount(activity_id: str) -> set[str]:
    """The activity's seat counts, as its volunteers see them, brought up to date."""
    activity = db.session.get(Activity, activity_id)
    counts = seat_counts(activity_id)
    if activity is None or all(getattr(activity, k) == v for k, v in counts.items()):
        return set()
    buckets = access.activity_buckets({"community_id": activity.community_id})
    return _push(buckets, [mutation("activity", activity_id, "update", counts, activity.version)])


def promote(activity_id: str) -> set[str]:
    """Give free seats to the waiting list in the order its people signed up, tell each of them,
    then recount."""
    activity = db.session.get(Activity, activity_id)
    touched: set[str] = set()
    if activity is None or activity.status != "published":
        return touched
    free = activity.capacity - seat_counts(activity_id)["seated_count"]
    if free > 0:
        waiting = db.session.scalars(
            select(ActivitySignup)
            .where(ActivitySignup.activity_id == activity_id, ActivitySignup.status == "waiting")
            .order_by(ActivitySignup.queued_at, ActivitySignup.id)
            .limit(free)
        ).all()
        if waiting:
            buckets = {b for s in waiting for b in access.signup_buckets(_values(s))}
            touched |= _push(
                buckets, [mutation("activity_signup", s.id, "update", {"status": "seated"}, s.version) for s in waiting]
            )
            for signup in waiting:
                notices.promoted(signup.id, signup.user_id, activity)
    return touched | recount(activity_id)


def name_organiser(activity_id: str, organiser_id: int | None) -> set[str]:
    """The named organiser onto the key and every sign-up, so that their buckets follow."""
    rows = [db.session.get(ActivityKey, key_id(activity_id))]
    rows += db.session.scalars(select(ActivitySignup).where(ActivitySignup.activity_id == activity_id)).all()
    rows = [row for row in rows if row is not None and row.organiser_id != organiser_id]
    if not rows:
        return set()
    mutations, buckets = [], set()
    for row in rows:
        entity, place = (
            ("activity_key", access.key_buckets)
            if isinstance(row, ActivityKey)
            else ("activity_signup", access.signup_buckets)
        )
        buckets |= set(place(_values(row))) | set(place({**_values(row), "organiser_id": organiser_id}))
        mutations.append(mutation(entity, row.id, "update", {"organiser_id": organiser_id}, row.version))
    return _push(buckets, mutations)


def _values(row) -> dict:
    return {
        "activity_id": getattr(row, "activity_id", None),
        "user_id": getattr(row, "user_id", None),
        "community_id": row.community_id,
        "organiser_id": row.organiser_id,
    }
