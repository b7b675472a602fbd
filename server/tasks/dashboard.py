"""Grid work's sections of an org unit's dashboard (server/core/dashboard.py, PROTOCOL.md §26): per
child unit, the tasks (given out and done in the period, open and overdue now), the problems reported
from the field in the period (new, handled), and the residents' needs received in the period with
响应率 / 解决率 / 满意率 (§16.3, need_stats.sql_figures). Each a GROUP BY over the org path prefix."""

from urllib.parse import urlencode

from sqlalchemy import and_, case, func, or_, select

from server.core import clock, dashboard
from server.extensions import db
from server.org import rollup
from server.tasks import need_stats, views
from server.tasks.models import FieldReport, Task
from server.tasks.need_models import Need

TASK_FIGURES = ("created", "done", "open", "overdue")
REPORT_FIGURES = ("reported", "new", "handled")
NEED_RATES = ("response_rate", "resolution_rate", "satisfaction_rate")


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _in(column, period):
    return and_(column >= period.start, column < period.end)


def _task_links(child):
    """The admin task list (#/admin/tasks) of a grid (?grid=) or a unit's subtree (?unit=)."""
    place = {} if child is None else {"grid": child.id} if child.kind == "grid" else {"unit": child.id}

    def address(**filters):
        return "#/admin/tasks" + (f"?{urlencode({**place, **filters})}" if place or filters else "")

    return {
        "created": address(),
        "done": address(status="done"),
        "open": address(open=1),
        "overdue": address(overdue=1),
    }


def tasks_section(user, unit, children, period) -> dict:
    tree = rollup.buckets(unit)
    now = clock.now()
    rows = db.session.execute(
        select(
            tree.c.child_id,
            _count(_in(Task.created_at, period)),
            _count(and_(Task.status == "done", _in(Task.finished_at, period))),
            _count(Task.status.in_(views.OPEN)),
            _count(and_(Task.status.in_(views.OPEN), Task.due_at.is_not(None), Task.due_at < now)),
        )
        .join(tree, tree.c.unit_id == Task.grid_id)
        .where(
            Task.deleted.is_(False),
            # the rows that can count (each side indexed: years of done tasks are not read)
            or_(_in(Task.created_at, period), _in(Task.finished_at, period), Task.status.in_(views.OPEN)),
        )
        .group_by(tree.c.child_id)
    )
    return dashboard.section("tasks", TASK_FIGURES, rows, children, _task_links)


def _report_links(child):
    return {
        "reported": "#/admin/reports?status=all",
        "new": "#/admin/reports?status=new",
        "handled": "#/admin/reports?status=converted",
    }


def reports_section(user, unit, children, period) -> dict:
    tree = rollup.buckets(unit)
    rows = db.session.execute(
        select(
            tree.c.child_id,
            func.count(FieldReport.id),
            _count(FieldReport.status == "new"),
            _count(FieldReport.status != "new"),
        )
        .join(tree, tree.c.unit_id == FieldReport.grid_id)
        .where(FieldReport.deleted.is_(False), _in(FieldReport.created_at, period))
        .group_by(tree.c.child_id)
    )
    return dashboard.section("reports", REPORT_FIGURES, rows, children, _report_links)


def needs_section(user, unit, children, period) -> dict:
    """The needs received in the period, by the grid they are in (or their community when in no grid)."""
    tree = rollup.buckets(unit)
    rows = db.session.execute(
        select(tree.c.child_id, *need_stats.sql_figures(clock.now()))
        .join(tree, tree.c.unit_id == func.coalesce(Need.grid_id, Need.community_id))
        .where(Need.deleted.is_(False), _in(Need.created_at, period))
        .group_by(tree.c.child_id)
    )
    out = dashboard.section(
        "needs",
        need_stats.FIGURES,
        rows,
        children,
        lambda child: dict.fromkeys(("count", *NEED_RATES), "#/admin/needs"),
    )
    out["figures"] = ["count", *NEED_RATES, "escalated"]
    out["total"] = need_stats.with_rates(out["total"])
    out["units"] = {key: need_stats.with_rates(counts) for key, counts in out["units"].items()}
    return out
