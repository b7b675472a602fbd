"""Reading grid work within a user's scope: task lists, one task, progress per grid (the live
dashboard: the PWA fetches it again when a sync poke reaches an org room), field reports."""

from datetime import UTC, datetime

from sqlalchemy import and_, case, func, or_, select

from server import authz
from server.auth.models import RoleAssignment, User
from server.auth.service import display_names
from server.core import clock, dashboard
from server.core.pages import paginate
from server.errors import NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import Building, Compound, Household, OrgUnit, Resident
from server.tasks import places
from server.tasks.models import TASK_STATUSES, FieldReport, Task
from server.tasks.rules import HISTORY_PEOPLE

OPEN = ("assigned", "in_progress")
TASK_COLUMNS = tuple(
    c.name for c in Task.__table__.columns if c.name not in ("field_versions", "field_writers", "deleted")
)
REPORT_COLUMNS = tuple(
    c.name for c in FieldReport.__table__.columns if c.name not in ("field_versions", "field_writers", "deleted")
)


def _now() -> datetime:
    return clock.now()  # the dashboards' time too: a figure and its list agree on "overdue"


def _overdue(now: datetime):
    return and_(Task.status.in_(OPEN), Task.due_at.is_not(None), Task.due_at < now)


def _done_late():
    """逾期完成: done, finished (the worker's phone time) after the task's deadline. The phone
    applies the same rule to the tasks it holds (pwa/js/tasks.js doneLate)."""
    return and_(
        Task.status == "done", Task.due_at.is_not(None), Task.finished_at.is_not(None), Task.finished_at > Task.due_at
    )


def _names(model, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def _household_names(ids) -> dict[int, str]:
    """ "1单元 102": a household as the directory shows it under its building."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(Household.id, Household.unit, Household.room).where(Household.id.in_(ids)))
    return {id_: " ".join(part for part in (unit, room) if part) for id_, unit, room in rows}


def _household_heads(ids) -> dict[int, str]:
    """The name of each household's head (else its first resident), read from the register at
    every read, never copied into the task: a corrected or merged entry shows at once (一次采集、
    多方利用, issue 16)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Resident.household_id, Resident.name)
        .where(Resident.household_id.in_(ids), Resident.merged_into_id.is_(None))
        .order_by(Resident.household_id, case((Resident.relation == "head", 0), else_=1), Resident.id)
    )
    heads: dict[int, str] = {}
    for household_id, name in rows:
        heads.setdefault(household_id, name)
    return heads


def _named_history(history: list | None, users: dict[int, str]) -> list | None:
    """History entries with the names of the people they name: "by" gets "by_name", …"""
    if history is None:
        return None
    return [
        {**entry, **{f"{key}_name": users.get(entry[key]) for key in HISTORY_PEOPLE if key in entry}}
        for entry in history
    ]


def task_views(rows: list[Task]) -> list[dict]:
    """Tasks with the names an admin's screens show: of their places, their assignees and the
    people their histories name (six queries per page, not per task)."""
    now = _now()
    grids = _names(OrgUnit, (t.grid_id for t in rows))
    compounds = _names(Compound, (t.compound_id for t in rows))
    buildings = _names(Building, (t.building_id for t in rows))
    households = _household_names(t.household_id for t in rows)
    heads = _household_heads(t.household_id for t in rows)
    people = [t.assignee_id for t in rows] + [
        entry.get(key) for t in rows for entry in t.history or () for key in HISTORY_PEOPLE
    ]
    users = display_names(people)
    views = []
    for task in rows:
        due = task.due_at if task.due_at is None or task.due_at.tzinfo else task.due_at.replace(tzinfo=UTC)
        views.append(
            {
                **{c: getattr(task, c) for c in TASK_COLUMNS},
                "overdue": task.status in OPEN and due is not None and due < now,
                "grid_name": grids.get(task.grid_id),
                "compound_name": compounds.get(task.compound_id),
                "building_name": buildings.get(task.building_id),
                "household_name": households.get(task.household_id),
                "household_head": heads.get(task.household_id),
                "assignee_name": users.get(task.assignee_id),
                "history": _named_history(task.history, users),
            }
        )
    return views


def get_task(user, task_id: str) -> dict:
    """One task the user may see (an admin above its grid, a worker of its grid)."""
    task = db.session.scalar(select(Task).where(Task.id == task_id, Task.deleted.is_(False), authz.visible(user, Task)))
    if task is None:
        raise NotFound(_("error.not_found"))
    return task_views([task])[0]


def list_tasks(user, page=1, per_page=50, **filters) -> dict:
    """Tasks in the user's scope, filtered, newest first."""
    result = paginate(task_query(user, **filters), page, per_page)
    result["items"] = task_views(result["items"])
    return result


def task_query(user, **filters):
    """The select of list_tasks (its export's too, server/tasks/exports.py): scope, filters, order."""
    query = select(Task).where(Task.deleted.is_(False), authz.visible(user, Task))
    if filters.get("org_unit_id"):
        unit = authz.get_visible(user, OrgUnit, filters["org_unit_id"])
        query = query.where(Task.grid_id.in_(select(OrgUnit.id).where(authz.subtree_of(unit.path))))
    for name in ("status", "type", "grid_id", "compound_id", "assignee_id", "batch_id"):
        if filters.get(name) is not None:
            query = query.where(getattr(Task, name) == filters[name])
    if filters.get("unassigned") is not None:
        query = query.where(Task.assignee_id.is_(None) if filters["unassigned"] else Task.assignee_id.is_not(None))
    if filters.get("open") is not None:
        query = query.where(Task.status.in_(OPEN) if filters["open"] else Task.status.not_in(OPEN))
    if filters.get("overdue") is not None:
        overdue = _overdue(_now())
        query = query.where(overdue if filters["overdue"] else ~overdue)
    if filters.get("q"):
        query = query.where(Task.title.contains(filters["q"], autoescape=True))
    for name, column in (("created_in", Task.created_at), ("finished_in", Task.finished_at)):
        if filters.get(name):
            span = dashboard.Period.parse(filters[name])
            query = query.where(column >= span.start, column < span.end)
    return query.order_by(Task.created_at.desc(), Task.id)


# --- progress per grid -----------------------------------------------------------------------


def _subtree_paths(user, org_unit_id) -> list[str]:
    authz.require(user, "tasks.manage")
    if org_unit_id is None:
        return list(authz.scopes_of(user).admin_paths)
    unit = db.session.get(OrgUnit, org_unit_id)
    if unit is None or not authz.can(user, "tasks.manage_in", unit):
        raise NotFound(_("error.not_found"), {"org_unit_id": [_("error.not_found")]})
    return [unit.path]


def progress(user, org_unit_id=None, type=None, batch_id=None) -> dict:
    """Counts per status, overdue, unassigned and done late, per grid of the admin's subtree and in total."""
    paths = _subtree_paths(user, org_unit_id)
    now = _now()
    in_subtree = or_(*[authz.subtree_of(p) for p in paths])
    grids = db.session.execute(
        select(OrgUnit.id, OrgUnit.name, OrgUnit.parent_id)
        .where(in_subtree, OrgUnit.kind == "grid")
        .order_by(OrgUnit.id)
    ).all()
    grid_ids = select(OrgUnit.id).where(in_subtree, OrgUnit.kind == "grid")
    query = (
        select(
            Task.grid_id,
            Task.status,
            func.count(),
            func.sum(case((_overdue(now), 1), else_=0)),
            func.sum(case((and_(Task.status.in_(OPEN), Task.assignee_id.is_(None)), 1), else_=0)),
            func.sum(case((_done_late(), 1), else_=0)),
        )
        .where(Task.grid_id.in_(grid_ids), Task.deleted.is_(False))
        .group_by(Task.grid_id, Task.status)
    )
    if type:
        query = query.where(Task.type == type)
    if batch_id:
        query = query.where(Task.batch_id == batch_id)
    counts: dict[int, dict] = {}
    for grid_id, status, count, overdue, unassigned, done_late in db.session.execute(query):
        row = counts.setdefault(grid_id, _zero())
        row[status] += count
        row["total"] += count
        row["overdue"] += overdue or 0
        row["unassigned"] += unassigned or 0
        row["done_late"] += done_late or 0
    communities = _names(OrgUnit, (g.parent_id for g in grids))
    workers = _workers([g.id for g in grids])
    totals = _zero()
    rows = []
    for grid in grids:
        row = counts.get(grid.id, _zero())
        for key in totals:
            totals[key] += row[key]
        rows.append(
            {
                "grid_id": grid.id,
                "grid_name": grid.name,
                "community_id": grid.parent_id,
                "community_name": communities.get(grid.parent_id),
                "workers": workers.get(grid.id, []),
                **row,
            }
        )
    return {"generated_at": now, "totals": totals, "grids": rows}


def _zero() -> dict:
    return {"total": 0, **dict.fromkeys(TASK_STATUSES, 0), "overdue": 0, "unassigned": 0, "done_late": 0}


def _workers(grid_ids: list[int]) -> dict[int, list[dict]]:
    """The active grid workers of each grid as [{id, name}] by id: the first is the one a new
    task goes to (places.grid_worker_of)."""
    out: dict[int, list[dict]] = {}
    if not grid_ids:
        return out
    rows = db.session.execute(
        select(RoleAssignment.org_unit_id, User.id, User.display_name)
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == "grid_worker", RoleAssignment.org_unit_id.in_(grid_ids), User.active.is_(True))
        .order_by(User.id)
    )
    for grid_id, user_id, name in rows:
        out.setdefault(grid_id, []).append({"id": user_id, "name": name})
    return out


# --- field reports --------------------------------------------------------------------------


def report_views(rows: list[FieldReport]) -> list[dict]:
    """Field reports with their grid, reporter and place names."""
    grids = _names(OrgUnit, (r.grid_id for r in rows))
    users = display_names(r.created_by_id for r in rows)
    views = []
    for report in rows:
        place = None
        if report.household_id:
            place = places.place_of("household", report.household_id)
        elif report.building_id:
            place = places.place_of("building", report.building_id)
        views.append(
            {
                **{c: getattr(report, c) for c in REPORT_COLUMNS},
                "grid_name": grids.get(report.grid_id),
                "reporter_name": users.get(report.created_by_id),
                "place_name": place.name if place else None,
            }
        )
    return views


def visible_report(user, report_id: str) -> FieldReport:
    """A field report the user may see, else 404."""
    report = db.session.scalar(
        select(FieldReport).where(
            FieldReport.id == report_id, FieldReport.deleted.is_(False), authz.visible(user, FieldReport)
        )
    )
    if report is None:
        raise NotFound(_("error.not_found"))
    return report


def get_report(user, report_id: str) -> dict:
    """One field report in the user's scope, with names."""
    return report_views([visible_report(user, report_id)])[0]


def list_reports(user, page=1, per_page=50, **filters) -> dict:
    """Field problem reports in the user's scope: the admins' queue (oldest new report first)."""
    result = paginate(report_query(user, **filters), page, per_page)
    result["items"] = report_views(result["items"])
    return result


def report_query(user, status="new", org_unit_id=None, grid_id=None, category=None, period=None):
    """The select of list_reports (its export's too): scope, filters, order."""
    query = select(FieldReport).where(FieldReport.deleted.is_(False), authz.visible(user, FieldReport))
    if status == "handled":  # a dashboard's 已处理
        query = query.where(FieldReport.status != "new")
    elif status != "all":
        query = query.where(FieldReport.status == status)
    if period:
        span = dashboard.Period.parse(period)
        query = query.where(FieldReport.created_at >= span.start, FieldReport.created_at < span.end)
    if org_unit_id:
        unit = authz.get_visible(user, OrgUnit, org_unit_id)
        query = query.where(FieldReport.grid_id.in_(select(OrgUnit.id).where(authz.subtree_of(unit.path))))
    if grid_id:
        query = query.where(FieldReport.grid_id == grid_id)
    if category:
        query = query.where(FieldReport.category == category)
    return query.order_by(FieldReport.created_at, FieldReport.id)
