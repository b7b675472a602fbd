"""Grid work's sections of a community's monthly report (server/core/monthly.py): the tasks of
each grid, the problems reported from the field, and the residents' needs with 响应率 / 解决率 /
满意率 (need_stats). A month that has not ended is counted as of now."""

from sqlalchemy import and_, case, func, select

from server import authz
from server.core import clock, monthly
from server.extensions import db
from server.i18n import _
from server.org.models import OrgUnit
from server.tasks import need_stats, views
from server.tasks.models import REPORT_CATEGORIES, FieldReport, Task

TASK_FIGURES = ("created", "done", "done_late", "overdue")


def _grids(community) -> list[tuple[int, str]]:
    return list(
        db.session.execute(
            select(OrgUnit.id, OrgUnit.name)
            .where(authz.subtree_of(community.path), OrgUnit.kind == "grid")
            .order_by(OrgUnit.id)
        ).all()
    )


def task_figures(community, month: monthly.Month) -> dict[int, dict]:
    """Per grid of the community: tasks given out in the month, done in it (finished_at), of those
    done after their deadline, and open now past a deadline that fell before the month's end."""
    grids = [g for g, _n in _grids(community)]
    cutoff = min(month.end, clock.now())

    def in_month(column):
        return and_(column >= month.start, column < month.end)

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            Task.grid_id,
            count(in_month(Task.created_at)),
            count(and_(Task.status == "done", in_month(Task.finished_at))),
            count(and_(views._done_late(), in_month(Task.finished_at))),
            count(and_(Task.status.in_(views.OPEN), Task.due_at.is_not(None), Task.due_at < cutoff)),
        )
        .where(Task.grid_id.in_(grids), Task.deleted.is_(False))
        .group_by(Task.grid_id)
    )
    out = {g: dict.fromkeys(TASK_FIGURES, 0) for g in grids}
    for grid_id, *counts in db.session.execute(query):
        out[grid_id] = {key: int(count or 0) for key, count in zip(TASK_FIGURES, counts)}
    return out


def report_figures(community, month: monthly.Month) -> dict[str, dict]:
    """Per category: field reports made in the month, and how many of them are converted, dismissed, new."""
    grids = select(OrgUnit.id).where(authz.subtree_of(community.path), OrgUnit.kind == "grid")
    query = (
        select(FieldReport.category, FieldReport.status, func.count())
        .where(
            FieldReport.grid_id.in_(grids),
            FieldReport.deleted.is_(False),
            FieldReport.created_at >= month.start,
            FieldReport.created_at < month.end,
        )
        .group_by(FieldReport.category, FieldReport.status)
    )
    out: dict[str, dict] = {}
    for category, status, count in db.session.execute(query):
        row = out.setdefault(category, {"count": 0, "new": 0, "converted": 0, "dismissed": 0})
        row["count"] += count
        row[status] = row.get(status, 0) + count
    return out


def tasks_section(user, community, month: monthly.Month) -> dict:
    names = dict(_grids(community))
    figures = task_figures(community, month)
    total = {key: sum(f[key] for f in figures.values()) for key in TASK_FIGURES}
    reports = report_figures(community, month)
    report_total = {key: sum(r[key] for r in reports.values()) for key in ("count", "new", "converted", "dismissed")}
    task_columns = [_("monthly.grid")] + [_(f"monthly.tasks.{key}") for key in TASK_FIGURES] + [_("monthly.on_time")]

    def on_time(f):
        return monthly.rate(f["done"] - f["done_late"], f["done"])

    return {
        "key": "tasks",
        "title": _("monthly.tasks.title"),
        "figures": [{"label": _(f"monthly.tasks.{key}"), "value": total[key]} for key in TASK_FIGURES]
        + [{"label": _("monthly.reports.count"), "value": report_total["count"]}],
        "tables": [
            {
                "caption": _("monthly.tasks.by_grid"),
                "columns": task_columns,
                "rows": [[names[g]] + [f[k] for k in TASK_FIGURES] + [on_time(f)] for g, f in figures.items()],
                "total": [_("monthly.total")] + [total[k] for k in TASK_FIGURES] + [on_time(total)],
            },
            {
                "caption": _("monthly.reports.title"),
                "columns": [_("export.col.category")]
                + [_(f"monthly.reports.{key}") for key in ("count", "converted", "dismissed", "new")],
                "rows": [
                    [_(f"report.category.{c}")] + [reports[c][k] for k in ("count", "converted", "dismissed", "new")]
                    for c in REPORT_CATEGORIES
                    if c in reports
                ],
                "total": [_("monthly.total")] + [report_total[k] for k in ("count", "converted", "dismissed", "new")],
            },
        ],
        "note": _("monthly.tasks.note"),
    }


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def needs_section(user, community, month: monthly.Month) -> dict:
    """接诉即办: the needs received in the month, per grid, with their three rates as of now."""
    stats = need_stats.need_stats(user, community.id, month.start, month.end)
    total = stats["total"]
    rates = ("response_rate", "resolution_rate", "satisfaction_rate")
    return {
        "key": "needs",
        "title": _("monthly.needs.title"),
        "figures": [{"label": _("monthly.needs.count"), "value": total["count"]}]
        + [{"label": _(f"monthly.needs.{key}"), "value": _percent(total[key])} for key in rates]
        + [{"label": _("monthly.needs.escalated"), "value": total["escalated"]}],
        "tables": [
            {
                "caption": _("monthly.needs.by_grid"),
                "columns": [_("monthly.grid"), _("monthly.needs.count")]
                + [_(f"monthly.needs.{key}") for key in rates]
                + [_("monthly.needs.escalated")],
                "rows": [
                    [row["grid_name"] or _("monthly.no_grid"), row["count"]]
                    + [_percent(row[key]) for key in rates]
                    + [row["escalated"]]
                    for row in stats["grids"]
                ],
                "total": [_("monthly.total"), total["count"]]
                + [_percent(total[key]) for key in rates]
                + [total["escalated"]],
            }
        ],
        "note": _("monthly.needs.note"),
    }
