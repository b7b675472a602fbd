"""The domain rules of activities (PROTOCOL.md §18.1), run by the sync engine after the per-field
merge and before the record is stored (§7.5). The sign-up's rules are server/activities/signups.py.

An admin of (or above) the community publishes an activity — status `published`, its key made in
the same transaction — and may change it while it is published (the people signed up hear of a new
time, place or wording), cancel it, or close it; the organiser the admin named (a volunteer of the
community) may close it too. `cancelled` and `closed` are final. A larger capacity seats the
waiting list at once; a smaller one takes no seat from anybody (the next seats are the waiting
list's only when enough people cancel).

Field messages are catalog keys ("activity.<code>"); the rejection's message comes from
"sync.rejected.<entity>.<code>" (server/activities/messages.py).
"""

from datetime import timedelta

from sqlalchemy import select

from server.activities import followups, notices
from server.activities.models import LONGEST_HOURS, Activity
from server.activities.schemas import activity_key_record_schema, activity_record_schema
from server.auth.models import RoleAssignment
from server.core import clock
from server.core.fields import iso, parse_instant
from server.extensions import db
from server.org.models import OrgUnit
from server.sync.actors import SYSTEM
from server.sync.review import Refusals, checked
from server.sync.writer import follow_up
from sync import Rejection, Review

MESSAGES = {  # the English of each refusal (stored with the result; shown localized)
    "admin_only": "only an admin of the community may do this",
    "not_a_community": "activities belong to a community",
    "bad_initial_status": "a new record starts in its first status",
    "ends_before_start": "an activity ends after it starts",
    "too_long": "an activity lasts at most a day",
    "activity_over": "the activity is over",
    "organiser_not_volunteer": "the organiser must be a volunteer of the community",
    "activity_closed": "the activity was cancelled or closed",
    "organiser_only": "only the activity's organiser may do this",
    "status_transition": "this status change is not allowed",
    "signup_id": "a sign-up's id follows from the activity and the volunteer",
    "not_owner": "a volunteer signs up for themselves",
    "volunteer_only": "only a volunteer reporting to the community may sign up",
    "owner_only": "only the volunteer who signed up may do this",
    "not_seated": "the volunteer has no seat at this activity",
    "code_required": "a check-in by the volunteer needs the organiser's code",
    "code_invalid": "this is not a check-in code of this activity",
    "code_wrong_direction": "this code is for the other direction (check-in or check-out)",
    "code_outside_activity": "this code was shown outside the activity's time",
    "code_expired": "the code was read long after it was shown",
    "code_replayed": "this code was already used",
    "already_checked_in": "already checked in",
    "not_checked_in": "not checked in yet",
    "already_checked_out": "already checked out",
    "checkout_before_checkin": "check-out comes after check-in",
    "hours_over_cap": "the hours are more than the activity credits",
}

refuse = Refusals("activity", MESSAGES)
DETAILS = ("title", "description", "place", "starts_at", "ends_at")


def _entry(r: Review, before, after, now) -> dict:
    return {"from": before, "to": after, "by": r.user_id, "server_at": iso(now)}


def is_volunteer(user_id, community_id) -> bool:
    return (
        db.session.scalar(
            select(RoleAssignment.id).where(
                RoleAssignment.user_id == user_id,
                RoleAssignment.role == "volunteer",
                RoleAssignment.org_unit_id == community_id,
            )
        )
        is not None
    )


def review_activity(r: Review) -> Rejection | None:
    """Activity rules (PROTOCOL.md §18.1)."""
    refused = checked(activity_record_schema, r)
    if refused:
        return refused
    if SYSTEM in r.roles:  # the server's own writes: the seat counts
        return None
    return _create(r) if r.current is None else _update(r)


def _times(r: Review) -> Rejection | None:
    values = r.merged.values
    starts, ends = parse_instant(values["starts_at"]), parse_instant(values["ends_at"])
    if ends <= starts:
        return refuse("ends_before_start", "ends_at")
    if ends - starts > timedelta(hours=LONGEST_HOURS):
        return refuse("too_long", "ends_at")
    if ends <= clock.now() and r.merged.changed & {"starts_at", "ends_at"}:
        return refuse("activity_over", "ends_at")
    return None


def _organiser(r: Review) -> Rejection | None:
    organiser = r.merged.values.get("organiser_id")
    if organiser is not None and not is_volunteer(organiser, r.merged.values["community_id"]):
        return refuse("organiser_not_volunteer", "organiser_id")
    return None


def _create(r: Review) -> Rejection | None:
    values = r.merged.values
    kind = db.session.scalar(select(OrgUnit.kind).where(OrgUnit.id == values["community_id"]))
    if kind != "community":
        return refuse("not_a_community", "community_id")
    if values.get("status", "published") != "published":
        return refuse("bad_initial_status", "status")
    refused = _times(r) or _organiser(r)
    if refused:
        return refused
    now = clock.now()
    r.set("status", "published")
    r.set("seated_count", 0)
    r.set("waiting_count", 0)
    r.set("created_by_id", r.user_id)
    r.set("created_at", iso(now))
    r.set("history", [_entry(r, None, "published", now)])
    activity_id, community_id, organiser = r.mutation.record_id, values["community_id"], values.get("organiser_id")
    follow_up(r.mutation.id, lambda: followups.make_key(activity_id, community_id, organiser))
    return None


def _update(r: Review) -> Rejection | None:
    current, values, sent = r.current.values, r.merged.values, r.mutation.fields
    before, after = current.get("status"), values.get("status")
    if before in ("cancelled", "closed"):
        return refuse("activity_closed", *sent)
    if "admin" not in r.roles:
        # A named organiser (a volunteer: `status` is the one field they write) may only close it.
        if current.get("organiser_id") != r.user_id:
            return refuse("organiser_only", *sent)
        if after != "closed":
            return refuse("status_transition", "status")
    if after != before and (before, after) not in (("published", "cancelled"), ("published", "closed")):
        return refuse("status_transition", "status")
    refused = (_times(r) if r.merged.changed & {"starts_at", "ends_at"} else None) or (
        _organiser(r) if "organiser_id" in r.merged.changed else None
    )
    if refused:
        return refused
    now = clock.now()
    if after != before:
        r.set("history", [*(current.get("history") or []), _entry(r, before, after, now)])
    _after_update(r, before, after)
    return None


def _after_update(r: Review, before, after) -> None:
    """What follows a change: the key and sign-ups follow a new organiser, a larger capacity seats
    the waiting list, and the people signed up hear of a cancellation or of new details."""
    activity_id, changed = r.mutation.record_id, set(r.merged.changed)
    organiser = r.merged.values.get("organiser_id")

    def then() -> set[str]:
        touched: set[str] = set()
        activity = db.session.get(Activity, activity_id)
        if "organiser_id" in changed:
            touched |= followups.name_organiser(activity_id, organiser)
        if after == "cancelled" and before != after:
            notices.cancelled(activity)
        elif after == "published":
            if "capacity" in changed:
                touched |= followups.promote(activity_id)
            if changed & set(DETAILS):
                notices.changed(activity, activity.version)
        return touched

    follow_up(r.mutation.id, then)


def review_key(r: Review) -> Rejection | None:
    """Only the server writes a key (create roles and field roles: system)."""
    return checked(activity_key_record_schema, r)
