"""The domain rules of tasks and field problem reports, run by the sync engine after the
per-field merge and before the record is stored (PROTOCOL.md §7.5; the rules are listed in §11).

They refuse what breaks the lifecycle, stamp the server-only fields (who created a record and
when, the places derived from a task's target, every status transition in `history`) and raise
the domain conflict of a task reassigned while its worker, offline, did the work.

Field messages are catalog keys ("task.not_assignee"); server.sync.service translates them, and
the rejection's message comes from "sync.rejected.<code>" (server/i18n.py).
"""

from server.auth.models import ROLES
from server.core import clock
from server.core.fields import iso, parse_instant
from server.extensions import db
from server.sync.review import Refusals, checked
from server.sync.writer import server_made
from server.tasks import places, templates
from server.tasks.models import Task
from server.tasks.schemas import field_report_record_schema, task_record_schema
from sync import Conflict, Rejection, Review

# (from, to) → who may make the move. Everything else is refused.
ADMIN_MOVES = {
    ("assigned", "cancelled"),
    ("in_progress", "cancelled"),
    ("unable", "cancelled"),  # 取消
    ("cancelled", "assigned"),
    ("unable", "assigned"),
    ("done", "assigned"),  # 重新派发 (reopen)
}
WORKER_MOVES = {
    ("assigned", "in_progress"),
    ("assigned", "done"),
    ("assigned", "unable"),
    ("in_progress", "done"),
    ("in_progress", "unable"),
}
# What only the task's worker writes: the report, and the when and where of a status change.
REPORT_FIELDS = frozenset(
    {
        "outcome",
        "notes",
        "checklist_answers",
        "photos",
        "location",
        "location_status",
        "started_at",
        "finished_at",
        "unable_reason",
    }
)
WORKER_STATUSES = ("in_progress", "done", "unable")
# What a reporter may still change in a field report of theirs while it is new.
REPORTER_FIELDS = frozenset(
    {"category", "description", "photos", "location", "location_status", "building_id", "household_id", "reported_at"}
)
# A conflict resolution (server.sync.service._write_losing_value) acts with every role in the
# record's buckets; no user holds red_steward or resident in grid and org buckets.
RESOLVER_ROLES = frozenset(ROLES)

MESSAGES = {  # the English of each refusal (stored with the result; shown localized)
    "target_missing": "the task's target does not exist",
    "target_no_grid": "the target is in no grid",
    "due_in_past": "the due time is in the past",
    "bad_initial_status": "a new task starts as assigned",
    "assignee_not_in_grid": "the assignee is not a grid worker of the task's grid",
    "not_assignee": "the task is not assigned to you",
    "task_cancelled": "the task was cancelled",
    "task_closed": "the task is finished",
    "cancel_admin_only": "only an admin may cancel a task",
    "worker_only": "only the task's grid worker may do this",
    "transition": "this status change is not allowed",
    "unable_reason_required": "a task marked unable needs a reason",
    "not_reporter": "only the reporter may change this report",
    "report_handled": "the report was handled",
    "report_converted": "the report was turned into a task",
    "report_task_required": "a converted report names its task",
    "dismiss_reason_required": "a dismissed report needs a reason",
    "place_not_in_grid": "the building or household is not in this grid",
    "place_mismatch": "the household is not in this building",
}

refuse = Refusals("task", MESSAGES)


def _is_resolution(r: Review) -> bool:
    return r.roles >= RESOLVER_ROLES


# The keys of a history entry that hold a user id (the views add each one's "<key>_name").
HISTORY_PEOPLE = ("by", "assignee_from", "assignee_to")


def _history_entry(r: Review, before, after, now, reason=None) -> dict:
    """One change of the task: its status before and after (the same for a reassignment alone),
    who made it, when (the phone's clock, the server's) and where."""
    sent = r.mutation.fields
    return {
        "from": before,
        "to": after,
        "by": r.user_id,
        "device_at": r.merged.values.get("status_device_at") if "status_device_at" in sent else None,
        "server_at": iso(now),
        "location": sent.get("status_location"),
        "reason": reason,
    }


# --- tasks --------------------------------------------------------------------------------------


def review_task(r: Review) -> Rejection | None:
    """Task rules (PROTOCOL.md §11.1)."""
    refused = checked(task_record_schema, r)
    if refused:
        return refused
    if r.current is None:
        return _create_task(r)
    return _update_task(r)


def _create_task(r: Review) -> Rejection | None:
    values = r.merged.values
    place = places.place_of(values["target_kind"], values["target_id"])
    if place is None:
        return refuse("target_missing", "target_id")
    if place.grid_id is None:
        return refuse("target_no_grid", "target_id")
    now = clock.now()
    due = parse_instant(values.get("due_at"))
    if due is not None and due < now:
        return refuse("due_in_past", "due_at")
    if values.get("status", "assigned") != "assigned":
        return refuse("bad_initial_status", "status")
    assignee = values.get("assignee_id")
    if assignee is not None and assignee not in places.grid_workers(place.grid_id):
        return refuse("assignee_not_in_grid", "assignee_id")
    for name, value in place.derived().items():
        if value is not None:
            r.set(name, value)
    r.set("status", "assigned")
    r.set("priority", values.get("priority") or "normal")
    if "checklist" not in values:
        items = templates.default_items(values["type"], place.org_path)
        if items:
            r.set("checklist", items)
    extra = server_made(r.mutation.record_id) or {}
    for name in ("batch_id", "source_report_id"):
        if extra.get(name):
            r.set(name, extra[name])
    r.set("created_by_id", r.user_id)
    r.set("created_at", iso(now))
    r.set("history", [_history_entry(r, None, "assigned", now, extra.get("reason"))])
    return None


def _update_task(r: Review) -> Rejection | None:
    values = r.merged.values
    resolution = _is_resolution(r)
    now = clock.now()
    changed = r.merged.changed
    if "assignee_id" in changed and values.get("assignee_id") is not None:
        if values["assignee_id"] not in places.grid_workers(values.get("grid_id")):
            return refuse("assignee_not_in_grid", "assignee_id")
    if "due_at" in changed and not resolution:
        due = parse_instant(values.get("due_at"))
        if due is not None and due < now:
            return refuse("due_in_past", "due_at")
    if not resolution:
        refused = _check_transition(r) or _check_work(r)
        if refused:
            return refused
    if "status" in changed or "assignee_id" in changed:
        r.set("history", [*(values.get("history") or []), _transition(r, resolution, now)])
    return None


def _transition(r: Review, resolution: bool, now) -> dict:
    """The history entry of a status change, a reassignment (from whom, to whom), or both at
    once (a task reopened for someone else)."""
    values, changed = r.merged.values, r.merged.changed
    before, after = r.current.values.get("status"), values.get("status")
    extra = server_made(r.mutation.record_id) or {}
    reason = values.get("unable_reason") if after == "unable" and "status" in changed else extra.get("reason")
    entry = _history_entry(r, before, after, now, reason)
    if "assignee_id" in changed:
        entry.update(assignee_from=r.current.values.get("assignee_id"), assignee_to=values.get("assignee_id"))
    if resolution:
        entry["via"] = "conflict_resolution"
        if "status" in changed:
            # The losing status of a worker, written by an admin: when and where the worker set it.
            entry.update(device_at=values.get("status_device_at"), location=values.get("status_location"))
    return entry


def _does_work(r: Review) -> list[str]:
    """The fields of this mutation that are the worker's work (the report, a working status)."""
    sent = r.mutation.fields
    work = sorted(REPORT_FIELDS & set(sent))
    if sent.get("status") in WORKER_STATUSES:
        work.append("status")
    return work


def _check_work(r: Review) -> Rejection | None:
    """Only the assignee works a task. A worker reassigned (or a task cancelled) after the
    worker's base version keeps the work: the reassignment is raised as a conflict (§11.1)."""
    work = _does_work(r)
    if not work:
        return None
    current = r.current.values
    if current.get("assignee_id") != r.user_id:
        if not r.changed_by_others("assignee_id"):
            return refuse("not_assignee", *work)
        if not _wrote_since_reassigned(r):  # one conflict per phone, not one per offline edit
            r.merged.conflicts.append(
                Conflict(
                    "assignee_id",
                    r.mutation.base_version,
                    current.get("assignee_id"),
                    r.user_id,
                    "server",
                    "reassigned",
                )
            )
    if current.get("status") == "cancelled" and not r.changed_by_others("status"):
        return refuse("task_cancelled", *work)
    return None


def _wrote_since_reassigned(r: Review) -> bool:
    """This phone's work was already kept after the reassignment (an earlier mutation of its
    outbox, all made on the same old base version): the conflict was raised then."""
    record = r.current
    reassigned_at = record.field_versions.get("assignee_id", 0)
    return any(
        version > reassigned_at and record.field_writers.get(name) == r.client_id
        for name, version in record.field_versions.items()
    )


def _check_transition(r: Review) -> Rejection | None:
    if "status" not in r.merged.changed:
        return None  # unchanged, or the worker's status lost a same-field conflict (kept there)
    before, after = r.current.values.get("status"), r.merged.values["status"]
    move = (before, after)
    if move in ADMIN_MOVES:
        if "admin" in r.roles:
            return None
        if after == "cancelled":
            return refuse("cancel_admin_only", "status")
        return refuse("task_cancelled" if before == "cancelled" else "task_closed", "status")
    if move in WORKER_MOVES:
        if "grid_worker" not in r.roles:
            return refuse("worker_only", "status")
        if after == "unable" and not (r.merged.values.get("unable_reason") or "").strip():
            return refuse("unable_reason_required", "unable_reason")
        return None
    if before == "cancelled":
        return refuse("task_cancelled", "status")
    if before in ("done", "unable"):
        return refuse("task_closed", "status")
    if after == "cancelled":
        return refuse("cancel_admin_only", "status")
    return refuse("transition", "status")


# --- field problem reports --------------------------------------------------------------------


def review_field_report(r: Review) -> Rejection | None:
    """Field report rules (PROTOCOL.md §11.2)."""
    refused = checked(field_report_record_schema, r)
    if refused:
        return refused
    now = clock.now()
    if r.current is None:
        refused = _check_report_place(r.merged.values)
        if refused:
            return refused
        r.set("status", "new")
        r.set("created_by_id", r.user_id)
        r.set("created_at", iso(now))
        return None
    if not _is_resolution(r):
        refused = _check_reporter(r) or _check_handling(r)
        if refused:
            return refused
    if "status" in r.merged.changed:
        handled = r.merged.values["status"] != "new"
        r.set("handled_by_id", r.user_id if handled else None)
        r.set("handled_at", iso(now) if handled else None)
    return None


def _check_report_place(values) -> Rejection | None:
    household = places.place_of("household", values.get("household_id")) if values.get("household_id") else None
    building = places.place_of("building", values.get("building_id")) if values.get("building_id") else None
    if values.get("household_id") and household is None:
        return refuse("place_not_in_grid", "household_id")
    if values.get("building_id") and building is None:
        return refuse("place_not_in_grid", "building_id")
    if household and building and household.building_id != building.building_id:
        return refuse("place_mismatch", "household_id")
    for name, place in (("household_id", household), ("building_id", building)):
        if place is not None and place.grid_id != values.get("grid_id"):
            return refuse("place_not_in_grid", name)
    return None


def _check_reporter(r: Review) -> Rejection | None:
    """The reporter edits a report while it is new; an edit made offline while an admin handled
    it is kept (photos are never dropped), one made after seeing it handled is refused."""
    fields = sorted(REPORTER_FIELDS & set(r.mutation.fields))
    if not fields:
        return None
    current = r.current.values
    if current.get("created_by_id") != r.user_id:
        return refuse("not_reporter", *fields)
    if current.get("status") != "new" and not r.changed_by_others("status"):
        return refuse("report_handled", *fields)
    if {"building_id", "household_id"} & set(fields):
        return _check_report_place(r.merged.values)
    return None


def _check_handling(r: Review) -> Rejection | None:
    values = r.merged.values
    if "status" not in r.merged.changed:
        if "task_id" in r.merged.changed and values.get("status") != "converted":
            return refuse("report_task_required", "status")
        return None
    before, after = r.current.values.get("status"), values["status"]
    if before == "converted":
        return refuse("report_converted", "status")
    if after == "converted" and not (values.get("task_id") and _task_exists(values["task_id"])):
        return refuse("report_task_required", "task_id")
    if after == "dismissed" and not (values.get("dismiss_reason") or "").strip():
        return refuse("dismiss_reason_required", "dismiss_reason")
    return None  # new → converted or dismissed, dismissed → new (reopened) or converted


def _task_exists(task_id: str) -> bool:
    task = db.session.get(Task, task_id)
    return task is not None and not task.deleted
