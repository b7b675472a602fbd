"""The admins' handling of field problem reports (问题上报): a prefilled task, conversion into
that task, dismissal with a reason. Writes go through the sync engine (server.tasks.service)."""

import uuid

from server import authz
from server.audit.service import record as audit
from server.errors import Forbidden, Invalid
from server.extensions import db
from server.i18n import _
from server.org.models import OrgUnit
from server.sync.writer import Writer, mutation, raise_refusal
from server.tasks import places
from server.tasks.models import FieldReport
from server.tasks.service import checklist_of, invalid, target_place, task_fields
from server.tasks.views import visible_report

# The task a report of each category usually becomes.
TASK_TYPE_OF = {
    "sanitation": "follow_up",
    "safety": "hazard",
    "facility": "follow_up",
    "dispute": "visit",
    "illegal_building": "verify",
    "hardship": "visit",
    "other": "other",
}
TITLE_CHARS = 40


def _handled_report(user, report_id: str) -> FieldReport:
    authz.require(user, "tasks.manage")
    report = visible_report(user, report_id)
    if not authz.can(user, "tasks.manage_in", db.session.get(OrgUnit, report.grid_id)):
        raise Forbidden(_("error.forbidden"))
    return report


def draft(user, report_id: str) -> dict:
    """The task an admin would make of a report: its place, its text, the reporter as worker."""
    report = _handled_report(user, report_id)
    if report.household_id:
        kind, target_id = "household", report.household_id
    elif report.building_id:
        kind, target_id = "building", report.building_id
    else:
        kind, target_id = "grid", report.grid_id
    place = places.place_of(kind, target_id)
    workers = places.grid_workers(report.grid_id)
    assignee = report.created_by_id if report.created_by_id in workers else (workers[0] if workers else None)
    summary = report.description.strip().splitlines()[0] if report.description.strip() else ""
    if len(summary) > TITLE_CHARS:
        summary = summary[:TITLE_CHARS] + "…"
    return {
        "type": TASK_TYPE_OF[report.category],
        "title": f"{_('report.category.' + report.category)}：{summary}"[:120],
        "description": report.description,
        "target_kind": kind,
        "target_id": target_id,
        "target_name": place.name if place else "",
        "assignee_id": assignee,
        "priority": "high" if report.category == "safety" else "normal",
        "source_report_id": report.id,
    }


def convert(user, report_id: str, overrides: dict) -> tuple[str, str]:
    """Make the task (the draft with the admin's changes) and mark the report converted, in one
    push; returns (report id, task id)."""
    report = _handled_report(user, report_id)
    if report.status == "converted":
        raise Invalid(
            _("sync.rejected.report_converted"), {"status": [_("task.report_converted")]}, code="report_converted"
        )
    data = {k: v for k, v in draft(user, report_id).items() if k not in ("target_name", "source_report_id")}
    data.update(overrides)
    place = target_place(user, data["target_kind"], data["target_id"])
    if data.get("assignee_id") is not None and data["assignee_id"] not in places.grid_workers(place.grid_id):
        raise invalid("assignee_not_in_grid", "assignee_id")
    task_id = str(uuid.uuid4())
    writer = Writer(user)
    create = mutation("task", task_id, "create", task_fields(data, place, checklist_of(user, data)))
    handled = mutation("field_report", report.id, "update", {"status": "converted", "task_id": task_id}, report.version)
    results = writer.push([create, handled], {task_id: {"source_report_id": report.id}})
    for result in results:
        if result.status == "rejected":
            raise_refusal(result)
    audit("field_report.convert", actor=user, report_id=report.id, task_id=task_id)
    writer.commit()
    return report.id, task_id


def dismiss(user, report_id: str, reason: str) -> str:
    """Close a report without a task (不予处理), with the reason the reporter will read."""
    report = _handled_report(user, report_id)
    writer = Writer(user)
    (result,) = writer.push(
        [
            mutation(
                "field_report", report.id, "update", {"status": "dismissed", "dismiss_reason": reason}, report.version
            )
        ]
    )
    if result.status == "rejected":
        raise_refusal(result)
    audit("field_report.dismiss", actor=user, report_id=report.id)
    writer.commit()
    return report.id
