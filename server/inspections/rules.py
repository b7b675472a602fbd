"""The domain rules of inspections and rectification orders, run by the sync engine after the
per-field merge and before the record is stored (PROTOCOL.md §7.5; listed in §12).

An inspection moves planned → in_progress → submitted; submitted is final. On submission the
answers are checked against the template version the inspection uses, the score is computed
(scoring.py) and, once the push is applied, one rectification order per failed item is made by
the server in the same transaction (server.sync.writer.follow_up).

Field messages are catalog keys ("inspection.photo_required"); server.sync.service translates
them, and the rejection's message comes from "sync.rejected.<code>" (messages.py).
"""

import uuid
from datetime import timedelta

from server.core import clock
from server.core.fields import iso
from server.extensions import db
from server.inspections import notices, scoring
from server.inspections.access import compound_place, order_buckets
from server.inspections.models import DEFAULT_SEVERITY_DEADLINES, InspectionTemplate
from server.inspections.periods import local_minute
from server.inspections.schemas import inspection_record_schema, order_record_schema
from server.sync.actors import SYSTEM
from server.sync.review import Refusals, checked
from server.sync.writer import Writer, follow_up, mutation, server_made
from sync import Actor, Rejection, Review

MESSAGES = {  # the English of each refusal (stored with the result; shown localized)
    "steward_adhoc_only": "stewards create ad-hoc inspections only",
    "template_not_published": "the template is not a published version",
    "template_elsewhere": "the template is for another part of the city",
    "steward_not_of_compound": "the steward is not a red steward of this compound",
    "bad_initial_status": "a new inspection starts as planned or in progress",
    "not_inspection_steward": "this inspection is another steward's",
    "inspection_submitted": "the inspection was submitted and can no longer change",
    "status_transition": "this status change is not allowed",
    "unknown_item": "an answer names an item that is not in the template",
    "answers_incomplete": "every item needs a result before submitting",
    "photo_required": "a failed item needs a photo",
    "order_closed": "the rectification order is closed",
    "staff_only": "only the property company's staff may answer an order",
    "steward_only": "only a red steward may re-inspect an order",
    "response_required": "an answer needs a text or a photo",
    "reopen_note_required": "reopening needs a note saying what is still wrong",
}
STEWARD_FIELDS = frozenset(
    {
        "status",
        "answers",
        "notes",
        "started_at",
        "start_location",
        "start_location_status",
        "finished_at",
        "finish_location",
        "finish_location_status",
    }
)
STEWARD_MOVES = {("planned", "in_progress"), ("planned", "submitted"), ("in_progress", "submitted")}
RESPONSE_FIELDS = frozenset({"response_text", "response_photos", "responded_at"})
REVIEW_FIELDS = frozenset({"review_note", "review_photos", "reviewed_at"})
ORDER_CLIENT = "server:inspection"  # the client id of the orders the server makes


refuse = Refusals("inspection", MESSAGES)


def template_of(template_id) -> InspectionTemplate | None:
    return db.session.get(InspectionTemplate, template_id) if isinstance(template_id, int) else None


def _entry(r: Review, before, after, now, device_at=None, note=None) -> dict:
    """One transition: from, to, who, the phone's time, the server's, and a note."""
    return {"from": before, "to": after, "by": r.user_id, "device_at": device_at, "server_at": iso(now), "note": note}


# --- inspections -------------------------------------------------------------------------------


def review_inspection(r: Review) -> Rejection | None:
    """Inspection rules (PROTOCOL.md §12.1)."""
    refused = checked(inspection_record_schema, r)
    if refused:
        return refused
    template = template_of(r.merged.values.get("template_id"))
    if r.current is None:
        refused = _create_inspection(r, template)
    else:
        refused = _update_inspection(r, template)
    if refused is None and "status" in r.merged.changed and r.merged.values["status"] == "submitted":
        refused = _submit(r, template)
    return refused


def _create_inspection(r: Review, template) -> Rejection | None:
    values = r.merged.values
    extra = server_made(r.mutation.record_id) or {}
    if template is None or template.status != "published":
        return refuse("template_not_published", "template_id")
    place = _compound_place(values["compound_id"])
    if template.org_unit_id is not None and (place is None or f"/{template.org_unit_id}/" not in place[0]):
        return refuse("template_elsewhere", "template_id")
    steward = "red_steward" in r.roles and "admin" not in r.roles
    if steward and values.get("kind", "adhoc") != "adhoc":
        return refuse("steward_adhoc_only", "kind")
    status = values.get("status", "planned")
    if status not in ("planned", "in_progress", "submitted") or (not steward and status != "planned"):
        return refuse("bad_initial_status", "status")
    if steward:
        r.set("steward_id", r.user_id)
    elif values.get("steward_id") is not None and values["steward_id"] not in notices.stewards_of(
        values["compound_id"]
    ):
        return refuse("steward_not_of_compound", "steward_id")
    refused = _check_answers(r, template)
    if refused:
        return refused
    now = clock.now()
    r.set("kind", values.get("kind", "adhoc"))
    r.set("status", status)
    for name in ("period", "plan_id", "draw_id"):
        if extra.get(name) is not None:
            r.set(name, extra[name])
    r.set("created_by_id", r.user_id)
    r.set("created_at", iso(now))
    r.set("history", [_entry(r, None, status, now)])
    return None


def _update_inspection(r: Review, template) -> Rejection | None:
    current, values, sent = r.current.values, r.merged.values, r.mutation.fields
    steward_work = sorted(STEWARD_FIELDS & set(sent))
    if current.get("status") == "submitted":
        # Final: nothing of the capture or the planning changes after submission.
        return refuse("inspection_submitted", *sorted(sent)) if sent else None
    if "steward_id" in r.merged.changed and values.get("steward_id") is not None:
        if values["steward_id"] not in notices.stewards_of(values["compound_id"]):
            return refuse("steward_not_of_compound", "steward_id")
    if steward_work:
        owner = current.get("steward_id")
        if owner is not None and owner != r.user_id:
            return refuse("not_inspection_steward", *steward_work)
        if owner is None:
            r.set("steward_id", r.user_id)  # a planned inspection for the compound's stewards: the first takes it
    _merge_answers(r)
    refused = _check_answers(r, template)
    if refused:
        return refused
    if "status" in r.merged.changed:
        move = (current.get("status"), values["status"])
        if move not in STEWARD_MOVES:
            return refuse("status_transition", "status")
        device_at = values.get("finished_at") if values["status"] == "submitted" else values.get("started_at")
        r.set("history", [*(current.get("history") or []), _entry(r, move[0], move[1], clock.now(), device_at)])
    return None


def _merge_answers(r: Review) -> None:
    """Two phones of one steward answered offline: the answers lost a same-field conflict
    (server_wins; the conflict record keeps the other phone's whole value). Items only the
    other phone answered are added, and the photos of an item both answered are merged:
    no answer and no photo is dropped."""
    lost = [c for c in r.merged.conflicts if c.field == "answers"]
    if not lost:
        return
    merged = {code: dict(answer) for code, answer in (r.merged.values.get("answers") or {}).items()}
    for code, answer in (lost[-1].client_value or {}).items():
        if code not in merged:
            merged[code] = answer
            continue
        photos = list(merged[code].get("photos") or [])
        photos += [p for p in answer.get("photos") or [] if p not in photos]
        if photos:
            merged[code]["photos"] = photos
    r.set("answers", merged)


def _check_answers(r: Review, template) -> Rejection | None:
    """Every answered item is one of the template's."""
    answers = r.merged.values.get("answers") or {}
    if "answers" not in r.merged.changed or template is None:
        return None
    items = scoring.items_of(template.categories)
    unknown = sorted(code for code in answers if code not in items)
    if unknown:
        return refuse("unknown_item", messages={f"answers.{code}": ["inspection.unknown_item"] for code in unknown})
    return None


def _submit(r: Review, template) -> Rejection | None:
    """Everything answered, photos on failed items that need them; then the score and stamps,
    and the orders (made once the push is applied)."""
    values = r.merged.values
    items = scoring.items_of(template.categories)
    answers = values.get("answers") or {}
    missing = [code for code in items if (answers.get(code) or {}).get("result") is None]
    if missing:
        return refuse(
            "answers_incomplete", messages={f"answers.{code}": ["inspection.answer_missing"] for code in missing}
        )
    no_photo = [
        code
        for code, item in items.items()
        if answers[code]["result"] == "fail" and item.get("photo_required_on_fail") and not answers[code].get("photos")
    ]
    if no_photo:
        return refuse(
            "photo_required", messages={f"answers.{code}": ["inspection.photo_required"] for code in no_photo}
        )
    result = scoring.score(template.categories, template.max_score, answers)
    now = clock.now()
    place = _compound_place(values["compound_id"])
    r.set("score", result.score)
    r.set("max_score", template.max_score)
    r.set("failed_count", len(result.failed))
    r.set("submitted_at", iso(now))
    r.set("submitted_by_id", r.user_id)
    r.set("company_id", place[1] if place else None)
    if result.failed:
        record = dict(values)
        follow_up(r.mutation.id, lambda: make_orders(r.user_id, r.mutation.record_id, record, template, now))
    return None


def _compound_place(compound_id):
    return compound_place(compound_id)


def order_id(inspection_id: str, item_code: str) -> str:
    """An order's id follows from its inspection and item: making it twice is refused (`exists`)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"redgrid:inspection:{inspection_id}:{item_code}"))


def make_orders(user_id: int, inspection_id: str, inspection: dict, template, now) -> set[str]:
    """One rectification order per failed item, pushed by the server (SYSTEM) in the order's
    buckets: deadline = submission + the template's hours for the item's severity."""
    deadlines = {**DEFAULT_SEVERITY_DEADLINES, **(template.severity_deadlines or {})}
    items = scoring.items_of(template.categories)
    mutations = []
    for code, item in items.items():
        answer = inspection["answers"][code]
        if answer["result"] != "fail":
            continue
        fields = {
            "inspection_id": inspection_id,
            "compound_id": inspection["compound_id"],
            "item_code": code,
            "item_text": item["text"][:300],
            "category_name": item["category_name"][:80],
            "severity": item["severity"],
            "evidence_note": (answer.get("note") or None),
            "evidence_photos": list(answer.get("photos") or []),
            "deadline_at": iso(now + timedelta(hours=deadlines[item["severity"]])),
        }
        if inspection.get("company_id"):
            fields["company_id"] = inspection["company_id"]
        mutations.append(mutation("rectification_order", order_id(inspection_id, code), "create", fields))
    buckets = {b for m in mutations for b in order_buckets(m.fields)}
    writer = Writer(actor=Actor(user_id, {b: frozenset({SYSTEM}) for b in buckets}), client_id=ORDER_CLIENT)
    with clock.at(now):
        results = writer.push(mutations)
    refused = [res.error for res in results if res.status == "rejected"]
    if refused:
        raise RuntimeError(f"rectification orders refused: {refused}")
    first = min(now + timedelta(hours=deadlines[items[m.fields["item_code"]]["severity"]]) for m in mutations)
    notices.orders_made(
        inspection_id,
        inspection["compound_id"],
        inspection.get("company_id"),
        [m.record_id for m in mutations],
        local_minute(first),
    )
    return writer.store.touched


# --- rectification orders -----------------------------------------------------------------------


def review_order(r: Review) -> Rejection | None:
    """Rectification order rules (PROTOCOL.md §12.2)."""
    refused = checked(order_record_schema, r)
    if refused:
        return refused
    now = clock.now()
    if r.current is None:
        r.set("status", "open")
        r.set("reopen_count", 0)
        r.set("created_at", iso(now))
        r.set("history", [_entry(r, None, "open", now)])
        return None
    if SYSTEM in r.roles:
        return None  # the server's escalation stamps
    return _order_change(r, now)


def _order_change(r: Review, now) -> Rejection | None:
    current, values, sent = r.current.values, r.merged.values, set(r.mutation.fields)
    if current.get("status") == "closed" and sent:
        return refuse("order_closed", *sorted(sent))
    if RESPONSE_FIELDS & sent and "property_staff" not in r.roles:
        return refuse("staff_only", *sorted(RESPONSE_FIELDS & sent))
    if REVIEW_FIELDS & sent and "red_steward" not in r.roles:
        return refuse("steward_only", *sorted(REVIEW_FIELDS & sent))
    if "status" not in r.merged.changed:
        return None
    before, after = current.get("status"), values["status"]
    if (before, after) in (("open", "responded"), ("reopened", "responded")):
        if "property_staff" not in r.roles:
            return refuse("staff_only", "status")
        if not ((values.get("response_text") or "").strip() or values.get("response_photos")):
            return refuse("response_required", "response_text")
        r.set("responded_by_id", r.user_id)
        entry = _entry(r, before, after, now, values.get("responded_at"), values.get("response_text"))
    elif (before, after) in (("responded", "closed"), ("responded", "reopened")):
        if "red_steward" not in r.roles:
            return refuse("steward_only", "status")
        if after == "reopened" and not (values.get("review_note") or "").strip():
            return refuse("reopen_note_required", "review_note")
        r.set("reviewed_by_id", r.user_id)
        if after == "closed":
            r.set("closed_at", iso(now))
        else:
            r.set("reopen_count", (current.get("reopen_count") or 0) + 1)
        entry = _entry(r, before, after, now, values.get("reviewed_at"), values.get("review_note"))
    else:
        return refuse("status_transition", "status")
    history = [*(current.get("history") or []), entry]
    r.set("history", history)
    order = dict(values)
    follow_up(r.mutation.id, lambda: notices.order_moved(r.mutation.record_id, order, after, len(history)))
    return None
