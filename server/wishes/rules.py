"""The domain rules of wishes and their cards, run by the sync engine after the per-field merge
and before the record is stored (PROTOCOL.md §7.5; listed in §14).

A wish moves submitted → approved | rejected | merged (an admin of its community's jurisdiction)
or submitted → withdrawn (its resident); every other state is final. Approval needs words for
the wall that do not name the resident (`private_details`), and makes the wall's card in the
same transaction (server.sync.writer.follow_up). A card moves open → claimed (a volunteer of the
community; one claimant at a time: a second claim, even one made offline before the first
reached the server, is refused `already_claimed` and stays on that phone) → fulfilled (the
claimant, with photo evidence) → confirmed (the resident, with a rating 1–5); the claimant or
an admin may release a claim (claimed → open); an admin may close a card.

Field messages are catalog keys ("wish.private_details"); the rejection's message comes from
"sync.rejected.<code>" (server/wishes/messages.py).
"""

import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from server import authz
from server.auth.models import User
from server.core import clock
from server.core.fields import iso, parse_instant
from server.extensions import db
from server.ledger import roster
from server.ledger import service as ledger
from server.org.models import Building, Household, Resident
from server.sync.actors import SYSTEM
from server.sync.review import Refusals, checked
from server.sync.writer import Writer, follow_up, mutation, server_made
from server.wishes import access, notices
from server.wishes.models import CLAIM_DAYS, DEFAULT_HOURS, Wish
from server.wishes.schemas import wish_card_record_schema, wish_record_schema
from sync import Actor, Rejection, Review

MESSAGES = {  # the English of each refusal (stored with the result; shown localized)
    "not_owner": "a wish is made by its resident for themselves",
    "not_your_household": "the household is not yours",
    "no_community": "the household is in no community",
    "bad_initial_status": "a new wish starts as submitted",
    "wanted_by_past": "the date wished for is in the past",
    "wish_closed": "the wish was rejected, merged or withdrawn",
    "wish_reviewed": "the wish was reviewed and can no longer change",
    "status_transition": "this status change is not allowed",
    "owner_only": "only the wish's resident may do this",
    "admin_only": "only an admin of the community may do this",
    "public_title_required": "a published wish needs a title for the wall",
    "private_details": "the wall's words must not name the resident, their phone or door number",
    "photo_not_in_wish": "the wall shows only photos of the wish",
    "reason_required": "say why",
    "merge_target": "a wish merges into a published wish of the same community",
    "card_closed": "the wish was confirmed or closed",
    "volunteer_only": "only a volunteer reporting to the community may claim a wish",
    "already_claimed": "another volunteer claimed this wish first",
    "not_claimant": "the wish is claimed by someone else",
    "evidence_required": "a fulfilled wish needs a photo",
    "not_fulfilled": "the wish is not fulfilled yet",
    "rating_required": "rate the help from 1 to 5",
    "not_unit_member": "a claim for a unit is made by one of its members",
    "unit_at_claim": "a claim names its unit when it is made",
}

refuse = Refusals("wish", MESSAGES)
CARD_CLIENT = "server:wishes"
_CARD_NAMESPACE = uuid.UUID("0c7ab3a4-5d1e-4f7e-9d62-2f1b8e9a4c31")
RESIDENT_FIELDS = frozenset({"title", "reason", "photos", "wanted_by"})
CLAIMANT_FIELDS = frozenset({"fulfil_note", "evidence_photos", "fulfilled_at", "hours"})
OWNER_FIELDS = frozenset({"rating", "rating_comment", "confirmed_at"})
PUBLIC_FIELDS = ("public_title", "public_text")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def card_id(wish_id: str) -> str:
    """A card's id follows from its wish: publishing twice makes one card."""
    return str(uuid.uuid5(_CARD_NAMESPACE, wish_id))


def _entry(r: Review, before, after, now, note=None) -> dict:
    return {"from": before, "to": after, "by": r.user_id, "server_at": iso(now), "note": note}


# --- the wish -----------------------------------------------------------------------------------


def review_wish(r: Review) -> Rejection | None:
    """Wish rules (PROTOCOL.md §14.1)."""
    refused = checked(wish_record_schema, r)
    if refused:
        return refused
    return _create_wish(r) if r.current is None else _update_wish(r)


def _create_wish(r: Review) -> Rejection | None:
    values = r.merged.values
    if values["user_id"] != r.user_id:
        return refuse("not_owner", "user_id")
    if not authz.holds_household(r.user_id, values["household_id"]):
        return refuse("not_your_household", "household_id")
    community_id = access.community_of_household(values["household_id"])
    if community_id is None:
        return refuse("no_community", "household_id")
    if values.get("status", "submitted") != "submitted":
        return refuse("bad_initial_status", "status")
    now = clock.now()
    wanted_by = parse_instant(values.get("wanted_by"))
    if wanted_by is not None and wanted_by < now:
        return refuse("wanted_by_past", "wanted_by")
    r.set("status", "submitted")
    r.set("community_id", community_id)
    r.set("created_at", iso(now))
    r.set("history", [_entry(r, None, "submitted", now)])
    follow_up(r.mutation.id, lambda: notices.wish_submitted(r.mutation.record_id, community_id, values["title"]))
    return None


def _update_wish(r: Review) -> Rejection | None:
    current, values, sent = r.current.values, r.merged.values, r.mutation.fields
    before, after = current.get("status"), values.get("status")
    if before in ("rejected", "merged", "withdrawn"):
        return refuse("wish_closed", *sent)
    if before == "approved":
        return refuse("wish_reviewed", *sent)
    mine = "self" in r.roles
    admin = "admin" in r.roles
    resident_edits = RESIDENT_FIELDS & sent.keys()
    if resident_edits and not mine:
        return refuse("owner_only", *sorted(resident_edits))
    if "public_photos" in sent and not set(values.get("public_photos") or []) <= set(values.get("photos") or []):
        return refuse("photo_not_in_wish", "public_photos")
    if any(name in r.merged.changed for name in PUBLIC_FIELDS):
        named = _private_details(values)
        if named:
            return refuse("private_details", *named)
    if before == after:
        return None
    now = clock.now()
    if after == "withdrawn":
        if not mine:
            return refuse("owner_only", "status")
    elif after in ("approved", "rejected", "merged"):
        if not admin:
            return refuse("admin_only", "status")
        refused = _review(r, after)
        if refused:
            return refused
        r.set("reviewed_by_id", r.user_id)
        r.set("reviewed_at", iso(now))
    else:
        return refuse("status_transition", "status")
    r.set("history", [*(current.get("history") or []), _entry(r, before, after, now, values.get("review_note"))])
    record_id = r.mutation.record_id
    follow_up(r.mutation.id, lambda: _after_review(r.user_id, record_id, dict(values), after, now))
    return None


def _review(r: Review, after: str) -> Rejection | None:
    values = r.merged.values
    if after == "approved":
        if not (values.get("public_title") or "").strip():
            return refuse("public_title_required", "public_title")
        r.set("card_id", card_id(r.mutation.record_id))
    elif after == "rejected":
        if not (values.get("review_note") or "").strip():
            return refuse("reason_required", "review_note")
    else:  # merged
        target = db.session.get(Wish, values.get("merged_into")) if values.get("merged_into") else None
        if (
            target is None
            or target.id == r.mutation.record_id
            or target.status != "approved"
            or target.community_id != values.get("community_id")
        ):
            return refuse("merge_target", "merged_into")
    return None


def _private_details(values: dict) -> list[str]:
    """The public fields that name the resident: their account's name or phone, a name in the
    household's register, its room, or any mobile number."""
    owner = db.session.get(User, values["user_id"])
    household = db.session.get(Household, values["household_id"])
    words = {owner.display_name, owner.phone} if owner else set()
    if household is not None:
        words |= set(db.session.scalars(select(Resident.name).where(Resident.household_id == household.id)))
        building = db.session.get(Building, household.building_id)
        rooms = {household.room, f"{building.name}{household.unit}{household.room}" if building else None}
        words |= rooms
    words = {w for w in words if w and len(w) >= 2}
    named = []
    for name in PUBLIC_FIELDS:
        text = values.get(name) or ""
        if MOBILE.search(text) or any(_mentions(text, word) for word in words):
            named.append(name)
    return named


def _mentions(text: str, word: str) -> bool:
    """A word in the text; a number only where it stands alone ("301", not "2301")."""
    if word.isdigit():
        return re.search(rf"(?<!\d){re.escape(word)}(?!\d)", text) is not None
    return word in text


def _after_review(user_id: int, wish_id: str, values: dict, status: str, now) -> set[str]:
    """Publish the card of an approved wish (as the server, in the card's buckets), then tell
    the resident how the review went."""
    touched: set[str] = set()
    if status == "approved":
        fields = {
            "wish_id": wish_id,
            "community_id": values["community_id"],
            "title": values["public_title"].strip(),
            "text": values.get("public_text"),
            "photos": values.get("public_photos") or [],
            "wanted_by": values.get("wanted_by"),
            "status": "open",
        }
        buckets = access.card_buckets(fields)
        writer = Writer(actor=Actor(user_id, {b: frozenset({SYSTEM}) for b in buckets}), client_id=CARD_CLIENT)
        with clock.at(now):
            (result,) = writer.push([mutation("wish_card", card_id(wish_id), "create", fields)])
        if result.status == "rejected" and result.error["code"] != "exists":
            raise RuntimeError(f"wish card refused: {result.error}")
        touched |= writer.store.touched
    notices.wish_reviewed(wish_id, values, status)
    return touched


# --- the card on the wall -----------------------------------------------------------------------


def review_card(r: Review) -> Rejection | None:
    """Card rules (PROTOCOL.md §14.2)."""
    refused = checked(wish_card_record_schema, r)
    if refused:
        return refused
    now = clock.now()
    if r.current is None:  # only the server creates cards (create roles)
        r.set("status", "open")
        r.set("created_at", iso(now))
        r.set("history", [_entry(r, None, "open", now)])
        return None
    current, values, sent = r.current.values, r.merged.values, r.mutation.fields
    before, after = current.get("status"), values.get("status")
    if before in ("confirmed", "closed"):
        return refuse("card_closed", *sent)
    claimant = current.get("claimant_id")
    if sent.get("status") == "claimed" and claimant not in (None, r.user_id):
        return refuse("already_claimed", "status")  # a claim that lost the race, however it merged
    if "claimed_for" in sent and not (before == "open" and after == "claimed"):
        return refuse("unit_at_claim", "claimed_for")
    if CLAIMANT_FIELDS & sent.keys() and claimant != r.user_id:
        return refuse("not_claimant", *sorted(CLAIMANT_FIELDS & sent.keys()))
    if OWNER_FIELDS & sent.keys():
        if "self" not in r.roles:
            return refuse("owner_only", *sorted(OWNER_FIELDS & sent.keys()))
        if after not in ("fulfilled", "confirmed"):
            return refuse("not_fulfilled", *sorted(OWNER_FIELDS & sent.keys()))
    if before == after:
        return None
    refused = _move_card(r, before, after, now)
    if refused:
        return refused
    r.set("history", [*(current.get("history") or []), _entry(r, before, after, now)])
    record_id = r.mutation.record_id
    released = claimant if (before, after) == ("claimed", "open") and claimant != r.user_id else None
    follow_up(r.mutation.id, lambda: notices.card_moved(record_id, dict(values), after, released))
    if after == "confirmed":
        follow_up(r.mutation.id, lambda: _credit(record_id, dict(values)))
    return None


def _credit(card_id: str, values: dict) -> set[str]:
    """A confirmed wish counts in its claimant's service record (PROTOCOL.md §15.2): the hours they
    said it took (DEFAULT_HOURS when they did not), on the day it was fulfilled, with the
    resident's rating."""
    ledger.credit(
        values["claimant_id"],
        values["community_id"],
        "wish",
        card_id,
        values["title"],
        values.get("hours") or DEFAULT_HOURS,
        parse_instant(values.get("fulfilled_at") or values["confirmed_at"]),
        values.get("rating"),
    )
    return set()  # the entry's buckets are poked after the commit by the ledger itself


def _unit_of(community_id: int, unit_key: str, user_id: int) -> str | None:
    """The name of the unit `unit_key` of the community's roster (双报到) if the user is one of its
    members; else None."""
    for subject in roster.subjects(community_id):
        if subject.key == unit_key and subject.kind == "unit":
            return subject.name if user_id in subject.account_ids else None
    return None


def _move_card(r: Review, before: str, after: str, now) -> Rejection | None:
    values = r.merged.values
    claimant = r.current.values.get("claimant_id")
    if (before, after) == ("open", "claimed"):
        # 供需对接 (§21): an admin of the community claims it for a unit, naming the unit and its
        # member out of band (server-only values: no phone can send them).
        made = server_made(r.mutation.record_id) or {}
        assigned = made.get("claimant_id")
        if assigned is not None:
            if "admin" not in r.roles:
                return refuse("admin_only", "status")
            r.set("claimed_for", made.get("claimed_for"))
        elif "volunteer" not in r.roles:
            return refuse("volunteer_only", "status")
        claimant = assigned if assigned is not None else r.user_id
        r.set("claimant_id", claimant)
        r.set("claimed_at", iso(now))
        unit = made.get("claimed_for") if assigned is not None else values.get("claimed_for")
        if unit is not None:
            name = _unit_of(values["community_id"], unit, claimant)
            if name is None:
                return refuse("not_unit_member", "claimed_for")
            r.set("claimant_unit", name)
        r.set("claim_deadline", iso(now + timedelta(days=CLAIM_DAYS)))
    elif (before, after) == ("claimed", "open"):
        if claimant != r.user_id and "admin" not in r.roles and SYSTEM not in r.roles:
            return refuse("not_claimant", "status")
        for name in ("claimant_id", "claimed_at", "claim_deadline", "claimed_for", "claimant_unit"):
            r.set(name, None)
    elif (before, after) == ("claimed", "fulfilled"):
        if claimant != r.user_id:
            return refuse("not_claimant", "status")
        if not values.get("evidence_photos"):
            return refuse("evidence_required", "evidence_photos")
        if not values.get("fulfilled_at"):
            r.set("fulfilled_at", iso(now))
    elif (before, after) == ("fulfilled", "confirmed"):
        if "self" not in r.roles:
            return refuse("owner_only", "status")
        if values.get("rating") is None:
            return refuse("rating_required", "rating")
        if not values.get("confirmed_at"):
            r.set("confirmed_at", iso(now))
    elif after == "closed":
        if "admin" not in r.roles:
            return refuse("admin_only", "status")
    else:
        return refuse("status_transition", "status")
    return None
