"""The admins' task actions: create one, create one per target of an org subtree, edit,
reassign, cancel, reopen. Every write goes through the sync engine as a mutation made by the
server on the admin's behalf, so it is checked by the same rules as a phone's, logged in the
change log (workers pull it) and poked to the rooms of its buckets after the commit."""

import uuid
from datetime import datetime

from sqlalchemy import select

from server import authz
from server.audit.service import record as audit
from server.core.fields import iso
from server.errors import Forbidden, Invalid, NotFound
from server.extensions import db
from server.i18n import _, text_in
from server.notices.service import notify
from server.org.models import Building, Compound, GridCoverage, OrgUnit
from server.sync.writer import Writer, mutation, raise_refusal
from server.tasks import places, templates
from server.tasks.models import Task


def _values(data: dict) -> dict:
    """API input → synced values (instants as canonical text)."""
    return {name: iso(value) if isinstance(value, datetime) else value for name, value in data.items()}


# --- where tasks go ------------------------------------------------------------------------------


def _within(user, path: str) -> bool:
    s = authz.scopes_of(user)
    return s.is_root_admin or any(path.startswith(p) for p in s.admin_paths)


def target_place(user, kind: str, target_id: int, field: str = "target_id") -> places.Place:
    """The place of a target the admin may give tasks for, or a 422 saying what is wrong."""
    place = places.place_of(kind, target_id)
    if place is None or not _within(user, place.org_path):
        raise Invalid(_("task.target_missing"), {field: [_("task.target_missing")]}, code="target_missing")
    if place.grid_id is None:
        raise Invalid(_("task.target_no_grid"), {field: [_("task.target_no_grid")]}, code="target_no_grid")
    return place


def checklist_of(user, data: dict) -> dict:
    """{"checklist": items} from a named template or explicit items; {} lets the rules copy the
    type's default template."""
    if data.get("checklist_template_id"):
        return {"checklist": templates.items_of(user, data["checklist_template_id"], data["type"])}
    if "checklist" in data:
        return {"checklist": templates.with_keys(data["checklist"]) if data["checklist"] else []}
    return {}


def task_fields(data: dict, place: places.Place, checklist: dict, title: str | None = None) -> dict:
    """A new task's synced values from the admin's input (defaults: the grid's worker);
    `checklist` is what checklist_of() made of the input."""
    assignee = data["assignee_id"] if "assignee_id" in data else places.grid_worker_of(place.grid_id)
    fields = {
        "type": data["type"],
        "title": title or data["title"],
        "target_kind": data["target_kind"],
        "target_id": data["target_id"],
        "priority": data.get("priority") or "normal",
        **checklist,
    }
    for name in ("description", "due_at"):
        if data.get(name) is not None:
            fields[name] = data[name]
    if assignee is not None:
        fields["assignee_id"] = assignee
    return _values(fields)


# --- one task ------------------------------------------------------------------------------------


def create_task(user, data: dict) -> str:
    """Create one task for a target in the admin's jurisdiction; returns its id."""
    authz.require(user, "tasks.manage")
    place = target_place(user, data["target_kind"], data["target_id"])
    if data.get("assignee_id") is not None and data["assignee_id"] not in places.grid_workers(place.grid_id):
        raise invalid("assignee_not_in_grid", "assignee_id")
    record_id = str(uuid.uuid4())
    writer = Writer(user)
    (result,) = writer.push([mutation("task", record_id, "create", task_fields(data, place, checklist_of(user, data)))])
    if result.status == "rejected":
        raise_refusal(result)
    audit("task.create", actor=user, task_id=record_id, target_kind=data["target_kind"], target_id=data["target_id"])
    _notify_assignee(record_id)
    writer.commit()
    return record_id


def _notify_assignee(task_id: str) -> None:
    """The task's worker hears of it (inbox, live, Web Push) after the commit; once per
    (task, worker): a task given back to a worker does not notify them twice."""
    task = db.session.get(Task, task_id)
    if task is None or task.assignee_id is None:
        return
    level = "urgent" if task.priority == "urgent" else "notice"
    notify(
        [task.assignee_id],
        "task_assigned",
        lambda locale: text_in(locale, "notification.task_assigned.title", title=task.title),
        lambda locale: text_in(locale, "notification.task_assigned.body"),
        f"#/tasks/{task.id}",
        level,
        "other",
        {"task_id": task.id},
        dedupe_key=f"task:{task.id}:assigned:{task.assignee_id}",
    )


def managed_task(user, task_id: str) -> Task:
    """A task the admin may change: visible, and its grid inside the admin's jurisdiction."""
    authz.require(user, "tasks.manage")
    task = db.session.scalar(select(Task).where(Task.id == task_id, Task.deleted.is_(False), authz.visible(user, Task)))
    if task is None:
        raise NotFound(_("error.not_found"))
    grid = db.session.get(OrgUnit, task.grid_id)
    if not authz.can(user, "tasks.manage_in", grid):
        raise Forbidden(_("error.forbidden"))
    return task


def invalid(code: str, *fields: str) -> Invalid:
    """A refusal of the admin's request as the API's 422, its message on each named field."""
    message = _(f"task.{code}")
    return Invalid(message, {name: [message] for name in fields}, code=code)


def _change(
    user, task_id: str, fields: dict, action: str, reason: str | None = None, unchanged: str | None = None, **details
) -> str:
    """Push the admin's change and audit it. A change that changes nothing is a quiet no-op,
    or, with `unchanged` (a refusal code), refused."""
    task = managed_task(user, task_id)
    writer = Writer(user)
    extra = {task.id: {"reason": reason}} if reason else None
    version = task.version  # the engine writes into this very row
    (result,) = writer.push([mutation("task", task.id, "update", _values(fields), version)], extra)
    if result.status == "rejected":
        raise_refusal(result)
    if result.version == version and unchanged:  # read under the push's lock: no race with another admin
        db.session.rollback()
        raise invalid(unchanged, *fields)
    if result.version != version:
        audit(action, actor=user, task_id=task_id, fields=sorted(fields), **details)
        if fields.get("assignee_id") is not None:
            _notify_assignee(task_id)
    writer.commit()
    return task_id


def edit_task(user, task_id: str, changes: dict) -> str:
    """Change what a task is (type, title, description, due time, priority, checklist)."""
    if changes.get("checklist"):
        changes = {**changes, "checklist": templates.with_keys(changes["checklist"])}
    return _change(user, task_id, changes, "task.update")


def reassign_task(user, task_id: str, assignee_id: int | None) -> str:
    """Give the task to another grid worker of its grid (or to nobody)."""
    task = managed_task(user, task_id)
    if assignee_id is not None and assignee_id not in places.grid_workers(task.grid_id):
        raise invalid("assignee_not_in_grid", "assignee_id")
    return _change(
        user, task_id, {"assignee_id": assignee_id}, "task.reassign", previous=task.assignee_id, assignee_id=assignee_id
    )


def cancel_task(user, task_id: str, reason: str | None) -> str:
    """Cancel a task that is not done; the reason goes into its history. Cancelling a cancelled
    task is refused: the admin's screen is out of date, and the reason given would be lost."""
    return _change(user, task_id, {"status": "cancelled"}, "task.cancel", reason=reason, unchanged="already_cancelled")


def reopen_task(user, task_id: str, data: dict) -> str:
    """Give a cancelled, unable or done task out again (optionally to someone else, by a new time)."""
    fields = {"status": "assigned", **{k: data[k] for k in ("assignee_id", "due_at") if k in data}}
    return _change(user, task_id, fields, "task.reopen")


# --- one task per target of a subtree ----------------------------------------------------------


def _targets(kind: str, unit: OrgUnit) -> list[int]:
    """The targets of a bulk creation inside `unit`. Compounds belong to communities; below a
    community (a grid, a courtyard) the grids' coverage says which compounds and buildings are in."""
    if kind == "grid":
        query = select(OrgUnit.id).where(authz.subtree_of(unit.path), OrgUnit.kind == "grid")
        return list(db.session.scalars(query.order_by("id")))
    if unit.kind in ("grid", "courtyard"):
        grids = select(OrgUnit.id).where(authz.subtree_of(unit.path), OrgUnit.kind == "grid")
        covered = select(GridCoverage).where(GridCoverage.grid_id.in_(grids)).subquery()
        compounds = select(covered.c.compound_id).where(covered.c.compound_id.is_not(None))
        if kind == "compound":
            # A compound counts when the grid covers it whole or covers some of its buildings.
            partly = select(Building.compound_id).where(
                Building.id.in_(select(covered.c.building_id).where(covered.c.building_id.is_not(None)))
            )
            query = select(Compound.id).where(Compound.id.in_(compounds) | Compound.id.in_(partly))
        else:
            query = select(Building.id).where(
                Building.compound_id.in_(compounds) | Building.id.in_(select(covered.c.building_id))
            )
        return list(db.session.scalars(query.order_by("id")))
    units = select(OrgUnit.id).where(authz.subtree_of(unit.path))
    if kind == "compound":
        query = select(Compound.id).where(Compound.community_id.in_(units))
    else:
        query = (
            select(Building.id)
            .join(Compound, Compound.id == Building.compound_id)
            .where(Compound.community_id.in_(units))
        )
    return list(db.session.scalars(query.order_by("id")))


def bulk_create(user, data: dict) -> dict:
    """One task per grid, compound or building of an org subtree, each assigned to its grid's
    worker, in one transaction (PROTOCOL.md §11.3). Targets in no grid are skipped and listed.
    With `dry_run`, the same summary of what it would make, and nothing is written."""
    unit, planned, skipped = _bulk_plan(user, data)
    if data.get("dry_run"):
        return _bulk_summary(planned, skipped, batch_id=None)
    batch_id = str(uuid.uuid4())
    mutations = [mutation("task", str(uuid.uuid4()), "create", fields) for _, fields in planned]
    writer = Writer(user)
    results = writer.push(mutations, {m.record_id: {"batch_id": batch_id} for m in mutations})
    for index, result in enumerate(results):
        if result.status == "rejected":
            raise_refusal(result, prefix=f"targets.{mutations[index].fields['target_id']}.")
    summary = _bulk_summary(planned, skipped, batch_id)
    audit(
        "task.bulk_create",
        actor=user,
        batch_id=batch_id,
        org_unit_id=unit.id,
        target_kind=data["target_kind"],
        created=summary["created"],
        unassigned=summary["unassigned"],
        skipped=len(skipped),
    )
    _notify_workers(batch_id, data, [fields for _, fields in planned])
    writer.commit()
    return summary


def _notify_workers(batch_id: str, data: dict, tasks: list[dict]) -> None:
    """Each worker given tasks by a bulk creation hears of it once, "N 项新任务：<title>" (one
    inbox entry per worker, not one per task: 5,000 tasks must not become 5,000 notices), in
    their language, after the commit. The title is the admin's without "{target}"."""
    titles: dict[int, list[str]] = {}
    for fields in tasks:
        if fields.get("assignee_id") is not None:
            titles.setdefault(fields["assignee_id"], []).append(fields["title"])
    common = " ".join(data["title"].replace("{target}", " ").split())
    # Workers whose notice reads the same are sent together: a few calls, not one per worker.
    alike: dict[tuple[int, str], list[int]] = {}
    for worker, theirs in titles.items():
        alike.setdefault((len(theirs), common or theirs[0]), []).append(worker)
    level = "urgent" if data.get("priority") == "urgent" else "notice"
    for (count, title), workers in alike.items():
        notify(
            workers,
            "tasks_assigned",
            lambda locale, count=count, title=title: text_in(
                locale, "notification.tasks_assigned.title", count=count, title=title
            ),
            lambda locale, count=count: text_in(locale, "notification.tasks_assigned.body", count=count),
            "#/",
            level,
            "other",
            {"batch_id": batch_id, "count": count},
            dedupe_key=f"tasks:{batch_id}:assigned",
        )


def _bulk_plan(user, data: dict) -> tuple[OrgUnit, list[tuple[places.Place, dict]], list[dict]]:
    """The unit, the new tasks (each target's place and the task's fields) and the targets
    skipped, for bulk_create: read only."""
    authz.require(user, "tasks.manage")
    unit = db.session.get(OrgUnit, data["org_unit_id"])
    if unit is None or not authz.can(user, "tasks.manage_in", unit):
        raise NotFound(_("error.not_found"), {"org_unit_id": [_("error.not_found")]})
    kind = data["target_kind"]
    ids = _targets(kind, unit)
    places.prime(kind, ids)
    found = [(target_id, places.place_of(kind, target_id)) for target_id in ids]
    skipped = [
        {
            "target_kind": kind,
            "target_id": target_id,
            "name": place.name,
            "reason": _("task.target_no_grid" if place.grid_id is None else "task.grid_outside"),
        }
        for target_id, place in found
        if place.grid_id is None or not _within(user, place.org_path)
    ]
    found = [
        (target_id, place) for target_id, place in found if place.grid_id is not None and _within(user, place.org_path)
    ]
    places.prime_grid_workers({place.grid_id for _, place in found})
    checklist = checklist_of(user, data)
    planned = []
    for target_id, place in found:
        target = {**data, "target_kind": kind, "target_id": target_id}
        planned.append(
            (place, task_fields(target, place, checklist, data["title"].replace("{target}", place.name)[:120]))
        )
    return unit, planned, skipped


def _bulk_summary(planned: list[tuple[places.Place, dict]], skipped: list[dict], batch_id: str | None) -> dict:
    """What a bulk creation made (without a batch id: would make): counts, per grid, skipped."""
    grids: dict[int, dict] = {}
    for place, fields in planned:
        grid = grids.get(place.grid_id)
        if grid is None:
            # The grids were looked up with the targets (places.prime): no query here.
            grid = grids[place.grid_id] = {
                "id": place.grid_id,
                "name": places.place_of("grid", place.grid_id).name,
                "tasks": 0,
                "unassigned": 0,
            }
        grid["tasks"] += 1
        if "assignee_id" not in fields:
            grid["unassigned"] += 1
    per_grid = [grids[grid_id] for grid_id in sorted(grids)]
    unassigned_grids = [{"id": g["id"], "name": g["name"]} for g in per_grid if g["unassigned"]]
    unassigned = sum(g["unassigned"] for g in per_grid)
    return {
        "batch_id": batch_id,
        "dry_run": batch_id is None,
        "created": len(planned),
        "assigned": len(planned) - unassigned,
        "unassigned": unassigned,
        "grids": per_grid,
        "unassigned_grids": unassigned_grids,
        "skipped": skipped,
        "message": _bulk_message(len(planned), unassigned, unassigned_grids, skipped, preview=batch_id is None),
    }


def _bulk_message(created: int, unassigned: int, grids: list[dict], skipped: list[dict], preview: bool = False) -> str:
    """The summary in a sentence or two for the admin; a preview says what would happen."""
    key = "task.bulk_preview_" if preview else "task.bulk_"
    message = _(key + "created", count=created)
    if unassigned:
        message += _(key + "unassigned", count=unassigned, grids="、".join(g["name"] for g in grids))
    no_grid = sum(1 for target in skipped if target["reason"] == _("task.target_no_grid"))
    if no_grid:
        message += _(key + "skipped", count=no_grid)
    if len(skipped) > no_grid:
        message += _(key + "outside", count=len(skipped) - no_grid)
    return message
