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


def _place(unit):
    """A list's address filter for a unit's records: a grid's (?grid=), or a unit's subtree (?unit=)."""
    return {"grid": unit.id} if unit.kind == "grid" else {"unit": unit.id}


def _address(screen, **filters):
    return screen + (f"?{urlencode(filters)}" if filters else "")


def _task_links(unit, period):
    """The admin task list (#/admin/tasks) of each child, or of the unit itself for the total."""

    def links(child):
        place = _place(child or unit)
        return {
            "created": _address("#/admin/tasks", **place, created=period.text),
            "done": _address("#/admin/tasks", **place, status="done", finished=period.text),
            "open": _address("#/admin/tasks", **place, open=1),
            "overdue": _address("#/admin/tasks", **place, overdue=1),
        }

    return links


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
    return dashboard.section("tasks", TASK_FIGURES, rows, children, _task_links(unit, period))


def _report_links(unit, period):
    """The field reports queue (#/admin/reports) of the child or unit, reported in the period."""

    def links(child):
        place = {**_place(child or unit), "period": period.text}
        return {
            "reported": _address("#/admin/reports", **place, status="all"),
            "new": _address("#/admin/reports", **place, status="new"),
            "handled": _address("#/admin/reports", **place, status="handled"),
        }

    return links


def _need_links(unit, period):
    """The needs (#/admin/needs) received in the period in the child or unit: every figure of the
    section is of those needs (the rates' numerators and denominators too)."""

    def links(child):
        address = _address("#/admin/needs", **_place(child or unit), period=period.text)
        return dict.fromkeys(("count", *NEED_RATES), address)

    return links


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
    return dashboard.section("reports", REPORT_FIGURES, rows, children, _report_links(unit, period))


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
        _need_links(unit, period),
    )
    out["figures"] = ["count", *NEED_RATES, "escalated"]
    out["total"] = need_stats.with_rates(out["total"])
    out["units"] = {key: need_stats.with_rates(counts) for key, counts in out["units"].items()}
    return out
