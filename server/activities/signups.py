"""The domain rules of a sign-up and its attendance (PROTOCOL.md §18.3, §18.4), run by the sync
engine after the per-field merge and before the record is stored (§7.5).

A volunteer of the community signs up for a published activity that is not over; the server
gives a seat while there is one (the first pushes to reach it win) and puts the rest on the
waiting list in the order they arrived. The volunteer may cancel (then the first waiting is
seated) and sign up again (at the end of the list). Seated, they check in and out by the
organiser's code (server/activities/checkin.py), or the organiser does it for them by hand. The
hours are check-out − check-in, capped at the activity's; the organiser confirms them (at most the
activity's), and the confirmation credits the volunteer's service record. A cancelled or closed
activity's sign-ups no longer change.
"""

from datetime import timedelta

from sqlalchemy import select

from server.activities import access, checkin, followups, notices
from server.activities.checkin import aware
from server.activities.models import ActivityKey
from server.activities.rules import is_volunteer, refuse
from server.activities.schemas import activity_signup_record_schema
from server.auth.models import User
from server.core import clock
from server.core.fields import iso, parse_instant
from server.extensions import db
from server.ledger import service as ledger
from server.sync.actors import SYSTEM
from server.sync.review import checked
from server.sync.writer import follow_up
from sync import Rejection, Review

MEMBER_MOVES = {("seated", "cancelled"), ("waiting", "cancelled"), ("cancelled", "seated")}


def _entry(r: Review, before, after, now, note=None) -> dict:
    return {"from": before, "to": after, "by": r.user_id, "server_at": iso(now), "note": note}


def review_signup(r: Review) -> Rejection | None:
    """Sign-up rules (PROTOCOL.md §18.3)."""
    refused = checked(activity_signup_record_schema, r)
    if refused:
        return refused
    activity = access.activity_of(r.merged.values.get("activity_id"))
    if SYSTEM in r.roles:  # the server's own writes: a promotion, a named organiser
        if r.mutation.fields.get("status") == "seated":
            now = clock.now()
            r.set("history", [*(r.current.values.get("history") or []), _entry(r, "waiting", "seated", now)])
        return None
    if activity.status != "published":
        return refuse("activity_closed", *r.mutation.fields)
    return _create(r, activity) if r.current is None else _update(r, activity)


def _seat_or_wait(activity) -> str:
    return "seated" if followups.seat_counts(activity.id)["seated_count"] < activity.capacity else "waiting"


def _create(r: Review, activity) -> Rejection | None:
    values = r.merged.values
    if values["user_id"] != r.user_id:
        return refuse("not_owner", "user_id")
    if r.mutation.record_id != followups.signup_id(activity.id, r.user_id):
        return refuse("signup_id", "activity_id")
    if not is_volunteer(r.user_id, activity.community_id):
        return refuse("volunteer_only", "activity_id")
    now = clock.now()
    if aware(activity.ends_at) <= now:
        return refuse("activity_over", "activity_id")
    if values.get("status", "seated") != "seated":
        return refuse("bad_initial_status", "status")
    sent = set(r.mutation.fields) - {"activity_id", "user_id", "status"}
    if sent:
        return refuse("owner_only", *sorted(sent))  # a new sign-up is just a name on the list
    status = _seat_or_wait(activity)
    r.set("status", status)
    r.set("user_name", db.session.scalar(select(User.display_name).where(User.id == r.user_id)))
    r.set("community_id", activity.community_id)
    r.set("organiser_id", activity.organiser_id)
    r.set("queued_at", iso(now))
    r.set("used_windows", [])
    r.set("created_at", iso(now))
    r.set("history", [_entry(r, None, status, now)])
    _then(r, activity, status, now)
    return None


def _then(r: Review, activity, status: str, now) -> None:
    record_id, user_id, activity_id = r.mutation.record_id, r.merged.values["user_id"], activity.id

    def then() -> set[str]:
        notices.signed_up(record_id, user_id, activity, status, now)
        return followups.recount(activity_id)

    follow_up(r.mutation.id, then)


def _update(r: Review, activity) -> Rejection | None:
    current, values, sent = r.current.values, r.merged.values, r.mutation.fields
    mine = r.user_id == current["user_id"]
    organiser = "admin" in r.roles or r.user_id == activity.organiser_id
    refused = _status(r, activity, mine) if "status" in sent else None
    refused = refused or _attendance(r, activity, mine, organiser, "in")
    refused = refused or _attendance(r, activity, mine, organiser, "out")
    if refused:
        return refused
    if values.get("checkin_at") and values.get("checkout_at"):
        spent = parse_instant(values["checkout_at"]) - parse_instant(values["checkin_at"])
        r.set("hours", round(min(spent / timedelta(hours=1), activity.hours), 2))
    if "confirmed_hours" in sent:
        return _confirm(r, activity, organiser)
    return None


def _status(r: Review, activity, mine: bool) -> Rejection | None:
    before, after = r.current.values.get("status"), r.merged.values.get("status")
    if before == after:
        return None
    if not mine:
        return refuse("owner_only", "status")
    if (before, after) not in MEMBER_MOVES:
        return refuse("status_transition", "status")
    now = clock.now()
    if after == "cancelled" and r.merged.values.get("checkin_at"):
        return refuse("already_checked_in", "status")
    if after == "seated":  # signing up again: at the end of the list
        if aware(activity.ends_at) <= now:
            return refuse("activity_over", "status")
        after = _seat_or_wait(activity)
        r.set("status", after)
        r.set("queued_at", iso(now))
    r.set("history", [*(r.current.values.get("history") or []), _entry(r, before, after, now)])
    activity_id = activity.id
    if after == "cancelled":
        follow_up(r.mutation.id, lambda: followups.promote(activity_id))
    else:
        _then(r, activity, after, now)
    return None


def _attendance(r: Review, activity, mine: bool, organiser: bool, direction: str) -> Rejection | None:
    """A check-in or check-out (PROTOCOL.md §18.4): by the volunteer with the organiser's code, or
    by the organiser by hand."""
    prefix = "checkin" if direction == "in" else "checkout"
    at, window, mac = f"{prefix}_at", f"{prefix}_window", f"{prefix}_mac"
    sent = r.mutation.fields.keys() & {at, window, mac}
    if not sent:
        return None
    values = r.merged.values
    if values.get("status") != "seated":
        return refuse("not_seated", *sorted(sent))
    by_code = bool(sent & {window, mac})
    if by_code:
        if not mine:
            return refuse("owner_only", *sorted(sent))
        if not (values.get(at) and values.get(window) is not None and values.get(mac)):
            return refuse("code_required", *sorted(sent))
        key = db.session.scalar(select(ActivityKey.key).where(ActivityKey.activity_id == activity.id))
        reading = checkin.Reading(direction, values[window], values[mac], parse_instant(values[at]))
        used = list(values.get("used_windows") or [])
        code = checkin.verdict(key, activity.id, aware(activity.starts_at), aware(activity.ends_at), reading, used)
        if code:
            return refuse(code, mac)
    elif not organiser:
        return refuse("code_required" if mine else "organiser_only", *sorted(sent))
    elif at not in r.merged.changed:
        return None  # by hand, but the volunteer's reading got there first: kept (a conflict record)
    refused = _order(r, direction, prefix)
    if refused:
        return refused
    if by_code:
        r.set("used_windows", [*used, checkin.used_mark(direction, values[window])])
    else:  # by hand: the organiser's time, no code
        r.set(window, None)
        r.set(mac, None)
    r.set(f"{prefix}_method", "code" if by_code else "manual")
    return None


def _order(r: Review, direction: str, prefix: str) -> Rejection | None:
    """One code reading each way (the organiser may still set either by hand, to mend it), and
    check-out after check-in."""
    current, values = r.current.values, r.merged.values
    if r.mutation.fields.keys() & {f"{prefix}_window", f"{prefix}_mac"} and current.get(f"{prefix}_at"):
        return refuse("already_checked_in" if direction == "in" else "already_checked_out", f"{prefix}_mac")
    if direction == "out" and values.get("checkout_at") and not values.get("checkin_at"):
        return refuse("not_checked_in", "checkout_at")
    if values.get("checkout_at") and values.get("checkin_at"):
        if parse_instant(values["checkout_at"]) <= parse_instant(values["checkin_at"]):
            return refuse("checkout_before_checkin", f"{prefix}_at")
    return None


def _confirm(r: Review, activity, organiser: bool) -> Rejection | None:
    values = r.merged.values
    if not organiser:
        return refuse("organiser_only", "confirmed_hours")
    if not values.get("checkin_at"):
        return refuse("not_checked_in", "confirmed_hours")
    hours = values.get("confirmed_hours")
    if hours is not None and hours > activity.hours:
        return refuse("hours_over_cap", "confirmed_hours")
    now = clock.now()
    r.set("confirmed_at", iso(now))
    r.set("confirmed_by_id", r.user_id)
    record_id, user_id = r.mutation.record_id, values["user_id"]
    occurred = values.get("checkin_at")
    follow_up(r.mutation.id, lambda: credit(record_id, user_id, activity, hours, occurred))
    return None


def credit(signup_id: str, user_id: int, activity, hours: float | None, occurred_at: str) -> set[str]:
    """The confirmed hours into the volunteer's service record (PROTOCOL.md §15.2; a second
    confirmation corrects the entry, none at all voids it), and a word to them."""
    if hours:
        ledger.credit(
            user_id,
            activity.community_id,
            "activity",
            signup_id,
            activity.title,
            hours,
            parse_instant(occurred_at),
        )
        notices.hours_confirmed(signup_id, user_id, activity, hours, notices.signup_version(signup_id))
    else:
        ledger.void("activity", signup_id, user_id)
    return set()  # the entry's buckets are poked after the commit by the ledger itself
