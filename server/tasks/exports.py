"""The admin's lists of grid work as workbooks (server/core/xlsx.py export_list): the tasks and the
field reports, each with the list's own query (views.task_query, views.report_query) — the same
scope and filters as the page the admin is looking at, every row of it."""

from server.auth.service import display_names
from server.core import xlsx
from server.i18n import _
from server.org.models import Compound, OrgUnit
from server.tasks import views

TASK_COLUMNS = (
    "id", "title", "type", "status", "priority", "grid", "place", "assignee",
    "due_at", "overdue", "created_at", "finished_at",
)  # fmt: skip
REPORT_COLUMNS = (
    "id", "category", "description", "status", "grid", "place", "reporter",
    "reported_at", "created_at", "task_id", "dismiss_reason",
)  # fmt: skip


def _columns(keys) -> list[tuple[str, str]]:
    return [(key, _(f"export.col.{key}")) for key in keys]


def _label(prefix: str, value):
    return None if value is None else _(f"{prefix}.{value}")


def _filters(args: dict) -> list[tuple[str, object]]:
    """The filters applied, as the admin chose them: names for ids, labels for codes."""
    units = views._names(OrgUnit, (args.get(k) for k in ("org_unit_id", "grid_id")))
    shown = {
        "org_unit_id": lambda v: units.get(v, v),
        "grid_id": lambda v: units.get(v, v),
        "compound_id": lambda v: views._names(Compound, [v]).get(v, v),
        "assignee_id": lambda v: display_names([v]).get(v, v),
        "status": lambda v: _("export.all") if v == "all" else _label(args.get("_status_prefix", "task.status"), v),
        "type": lambda v: _label("task.type", v),
        "category": lambda v: _label("report.category", v),
        "unassigned": xlsx.yes_no,
        "overdue": xlsx.yes_no,
    }
    return [
        (_(f"export.filter.{key}"), shown.get(key, lambda v: v)(value))
        for key, value in args.items()
        if value is not None and not key.startswith("_")
    ]


def _task_rows(tasks) -> list[dict]:
    return [
        {
            **task,
            "type": _label("task.type", task["type"]),
            "status": _label("task.status", task["status"]),
            "priority": _label("task.priority", task["priority"]),
            "grid": task["grid_name"],
            "place": " ".join(n for n in (task["compound_name"], task["building_name"], task["household_name"]) if n),
            "assignee": task["assignee_name"],
            "overdue": xlsx.yes_no(task["overdue"]),
        }
        for task in views.task_views(tasks)
    ]


def _report_rows(reports) -> list[dict]:
    return [
        {
            **report,
            "category": _label("report.category", report["category"]),
            "status": _label("report.status", report["status"]),
            "grid": report["grid_name"],
            "place": report["place_name"],
            "reporter": report["reporter_name"],
        }
        for report in views.report_views(reports)
    ]


def tasks_xlsx(user, args: dict):
    """GET /api/tasks/export.xlsx: the tasks list's rows for the same query string, every page."""
    return xlsx.export_list(
        views.task_query(user, **args),
        _task_rows,
        _columns(TASK_COLUMNS),
        title=_("export.tasks.title"),
        filters=_filters(args),
        filename=_("export.tasks.filename"),
    )


def reports_xlsx(user, args: dict):
    """GET /api/field-reports/export.xlsx: the field reports list's rows for the same query string."""
    args = {"status": "new", **args}
    return xlsx.export_list(
        views.report_query(user, **args),
        _report_rows,
        _columns(REPORT_COLUMNS),
        title=_("export.reports.title"),
        filters=_filters({**args, "_status_prefix": "report.status"}),
        filename=_("export.reports.filename"),
    )
