"""The domain rules of a resident's need (PROTOCOL.md §16.1), run by the sync engine after the
per-field merge and before the record is stored (§7.5).

A need is filed by its resident (status `received`); the server stamps where it lands (the
household's grid and community) and its deadlines (server/tasks/need_models.py NEED_DEADLINES,
from the moment the server receives it). The grid's worker, or an admin above the grid, moves it
received → accepted → in_progress → resolved (with a note), or refers it (转办) to the community
or a named department with a reason; an admin may take a referred need back or reopen a resolved
one. The resident rates a resolved need 1–5; a rating at or below LOW_RATING reopens it
(in_progress) and escalates it to the community's admins, as the deadline job
(server/tasks/need_deadlines.py) does for a missed deadline. Every change appends
{from, to, by, device_at, server_at, …} to `history`, the resident's timeline.
"""

from datetime import timedelta

from server import authz
from server.core import clock
from server.core.fields import iso, parse_instant
from server.extensions import db
from server.org.models import Compound
from server.sync.actors import SYSTEM
from server.sync.review import Refusals, checked
from server.sync.writer import follow_up
from server.tasks import need_notices, places
from server.tasks.need_models import LOW_RATING, NEED_DEADLINES
from server.tasks.need_schemas import need_record_schema
from sync import Rejection, Review

MESSAGES = {  # the English of each refusal (stored with the result; shown localized)
    "not_owner": "a need is filed by its resident for themselves",
    "not_your_household": "the household is not yours",
    "no_community": "the household is in no community",
    "bad_initial_status": "a new need starts as received",
    "owner_only": "only the need's resident may do this",
    "need_taken": "the need was taken up and its words can no longer change",
    "handler_only": "only the grid's worker or an admin may handle a need",
    "admin_only": "only an admin may do this",
    "status_transition": "this status change is not allowed",
    "note_required": "say what was done, or why it is referred",
    "referral_required": "name whom the need is referred to",
    "not_resolved": "the need is not resolved yet; it cannot be rated",
    "already_rated": "this resolution was rated already",
    "rating_required": "rate the result from 1 to 5",
}

refuse = Refusals("need", MESSAGES)
RESIDENT_FIELDS = frozenset({"category", "text", "photos", "location", "filed_at"})
RATING_FIELDS = frozenset({"rating", "rating_comment"})
HANDLER_FIELDS = frozenset({"handle_note", "handle_photos", "referred_to"})
HANDLER_ROLES = frozenset({"grid_worker", "admin"})
# (from, to) a handler (the grid's worker or an admin) may make; ADMIN_MOVES only an admin.
HANDLER_MOVES = {
    ("received", "accepted"),
    ("received", "in_progress"),
    ("received", "resolved"),
    ("received", "referred"),
    ("accepted", "in_progress"),
    ("accepted", "resolved"),
    ("accepted", "referred"),
    ("in_progress", "resolved"),
    ("in_progress", "referred"),
}
ADMIN_MOVES = {("referred", "in_progress"), ("referred", "resolved"), ("resolved", "in_progress")}


def _entry(r: Review, before, after, now, **extra) -> dict:
    """One step of the timeline: the status before and after, who, when (phone and server)."""
    sent = r.mutation.fields
    device_at = r.merged.values.get("status_device_at") if "status_device_at" in sent else None
    entry = {"from": before, "to": after, "by": r.user_id, "device_at": device_at, "server_at": iso(now)}
    entry.update({k: v for k, v in extra.items() if v is not None})
    return entry


def review_need(r: Review) -> Rejection | None:
    """Need rules (PROTOCOL.md §16.1)."""
    refused = checked(need_record_schema, r)
    if refused:
        return refused
    return _create(r) if r.current is None else _update(r)


def _create(r: Review) -> Rejection | None:
    values = r.merged.values
    if values["user_id"] != r.user_id:
        return refuse("not_owner", "user_id")
    if not authz.holds_household(r.user_id, values["household_id"]):
        return refuse("not_your_household", "household_id")
    place = places.place_of("household", values["household_id"])
    compound = db.session.get(Compound, place.compound_id) if place is not None else None
    community_id = compound.community_id if compound is not None else None
    if community_id is None:
        return refuse("no_community", "household_id")
    if values.get("status", "received") != "received":
        return refuse("bad_initial_status", "status")
    grid_id = place.grid_id
    now = clock.now()
    respond_hours, resolve_hours = NEED_DEADLINES[values["category"]]
    for name, value in (
        ("status", "received"),
        ("grid_id", grid_id),
        ("community_id", community_id),
        ("respond_by", iso(now + timedelta(hours=respond_hours))),
        ("resolve_by", iso(now + timedelta(hours=resolve_hours))),
        ("escalated", False),
        ("created_at", iso(now)),
        ("history", [_entry(r, None, "received", now)]),
    ):
        r.set(name, value)
    record_id = r.mutation.record_id
    follow_up(r.mutation.id, lambda: need_notices.need_received(record_id, dict(r.merged.values)))
    return None


def _update(r: Review) -> Rejection | None:
    current, values, sent = r.current.values, r.merged.values, r.mutation.fields
    mine, handler = "self" in r.roles, bool(HANDLER_ROLES & r.roles)
    resident_edits = sorted(RESIDENT_FIELDS & sent.keys())
    if resident_edits:
        if not mine:
            return refuse("owner_only", *resident_edits)
        if current.get("status") != "received":
            return refuse("need_taken", *resident_edits)
    handler_edits = sorted(HANDLER_FIELDS & sent.keys())
    if handler_edits and not handler:
        return refuse("handler_only", *handler_edits)
    now = clock.now()
    history = list(current.get("history") or [])
    notices = []
    if RATING_FIELDS & sent.keys():
        refused = _rate(r, now, history, notices)
        if refused:
            return refused
    elif current.get("status") != values.get("status"):
        refused = _move(r, now, history, notices)
        if refused:
            return refused
    if sent.get("escalated") and SYSTEM in r.roles:
        _escalate(r, values.get("escalation") or "resolution_overdue", now, history, notices)
    if len(history) != len(current.get("history") or []):
        r.set("history", history)
    if notices:
        record_id = r.mutation.record_id
        follow_up(r.mutation.id, lambda: need_notices.need_moved(record_id, dict(r.merged.values), notices))
    return None


def _move(r: Review, now, history: list, notices: list) -> Rejection | None:
    """A handler's status change (PROTOCOL.md §16.1's table)."""
    values = r.merged.values
    before, after = r.current.values.get("status"), values.get("status")
    move = (before, after)
    if not HANDLER_ROLES & r.roles:
        return refuse("handler_only", "status")
    if move in ADMIN_MOVES:
        if "admin" not in r.roles:
            return refuse("admin_only", "status")
    elif move not in HANDLER_MOVES:
        return refuse("status_transition", "status")
    note = (values.get("handle_note") or "").strip()
    if after == "referred":
        if not (values.get("referred_to") or "").strip():
            return refuse("referral_required", "referred_to")
        if not note or "handle_note" not in r.mutation.fields:
            return refuse("note_required", "handle_note")
    if after == "resolved" and (not note or "handle_note" not in r.mutation.fields):
        return refuse("note_required", "handle_note")
    if before == "received" and not values.get("accepted_at"):
        r.set("accepted_at", iso(now))
        notices.append("accepted")
    r.set("handler_id", r.user_id)
    if after == "resolved":
        r.set("resolved_at", iso(now))
        notices.append("resolved")
    elif after == "referred":
        notices.append("referred")
    extra = {}
    if after in ("resolved", "referred"):
        extra["note"] = note
    if after == "referred":
        extra["referred_to"] = values.get("referred_to").strip()
    history.append(_entry(r, before, after, now, **extra))
    return None


def _rate(r: Review, now, history: list, notices: list) -> Rejection | None:
    """The resident rates the latest resolution; a low rating reopens the need to the admins."""
    values, current = r.merged.values, r.current.values
    fields = sorted(RATING_FIELDS & r.mutation.fields.keys())
    if "self" not in r.roles:
        return refuse("owner_only", *fields)
    if current.get("status") != "resolved" or values.get("status") != "resolved":
        return refuse("not_resolved", *fields)
    rated_at, resolved_at = parse_instant(current.get("rated_at")), parse_instant(current.get("resolved_at"))
    if rated_at is not None and resolved_at is not None and rated_at >= resolved_at:
        return refuse("already_rated", *fields)
    rating = values.get("rating")
    if rating is None:
        return refuse("rating_required", "rating")
    r.set("rated_at", iso(now))
    after = "in_progress" if rating <= LOW_RATING else "resolved"
    history.append(_entry(r, "resolved", after, now, rating=rating, comment=values.get("rating_comment")))
    if after == "in_progress":
        r.set("status", "in_progress")
        _escalate(r, "low_rating", now, history, notices)
    return None


def _escalate(r: Review, reason: str, now, history: list, notices: list) -> None:
    """Reopen the need to the community's admins: flagged, the reason kept, the admins told."""
    values = r.merged.values
    r.set("escalated", True)
    r.set("escalation", reason)
    r.set("escalations", [*(r.current.values.get("escalations") or []), {"reason": reason, "server_at": iso(now)}])
    status = values.get("status")
    # By nobody: the server reopens it (a deadline passed, or the rating just given was low).
    history.append({"from": status, "to": status, "by": None, "server_at": iso(now), "escalation": reason})
    notices.append("escalated")
