"""Inspections' section of an org unit's dashboard (server/core/dashboard.py, PROTOCOL.md §26): per
child unit, the inspections submitted in the period and their mean score (percent of the template's
maximum), and the rectification orders open and overdue now; and the orders per property company.
A compound counts under its community and the grids covering it (org/rollup.compound_buckets)."""

from sqlalchemy import and_, case, func, select

from server.core import clock, dashboard
from server.extensions import db
from server.inspections.models import Inspection, RectificationOrder
from server.inspections.scorecards import NOT_CLOSED
from server.org import rollup
from server.org.models import PropertyCompany

FIGURES = ("inspections", "mean_score", "open_orders", "overdue_orders")
LINK = "#/admin/scorecards"


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def _inspections(places, group, period):
    """(group, inspections, scored, sum of percents) of the inspections submitted in the period."""
    percent = Inspection.score * 100.0 / Inspection.max_score
    scored = and_(Inspection.score.is_not(None), Inspection.max_score > 0)
    return (
        select(*group, func.count(Inspection.id), _count(scored), func.sum(case((scored, percent), else_=None)))
        .join(places, places.c.compound_id == Inspection.compound_id)
        .where(
            Inspection.deleted.is_(False),
            Inspection.submitted_at >= period.start,
            Inspection.submitted_at < period.end,
        )
    )


def _orders(places, group):
    """(group, open, overdue) of the orders not closed now."""
    return (
        select(*group, func.count(RectificationOrder.id), _count(RectificationOrder.deadline_at < clock.now()))
        .join(places, places.c.compound_id == RectificationOrder.compound_id)
        .where(RectificationOrder.deleted.is_(False), RectificationOrder.status.in_(NOT_CLOSED))
    )


def _mean(count, total) -> float | None:
    return round(float(total) / count, 1) if count else None


def inspections_section(user, unit, children, period) -> dict | None:
    places = rollup.compound_buckets(unit)
    child = places.c.child_id
    compounds = rollup.compounds_under(unit).subquery("compounds")  # each once, for the total
    inspected = {
        c: (n, s, t) for c, n, s, t in db.session.execute(_inspections(places, (child,), period).group_by(child))
    }
    orders = {c: (o, d) for c, o, d in db.session.execute(_orders(places, (child,)).group_by(child))}
    _c, *whole = db.session.execute(_inspections(compounds, (func.count(),), period)).one()

    def row(key, counts, order_counts):
        n, scored, total = counts
        return (key, n, _mean(scored, total or 0), *order_counts)

    by_company = db.session.execute(
        _orders(compounds, (RectificationOrder.company_id, PropertyCompany.name))
        .outerjoin(PropertyCompany, PropertyCompany.id == RectificationOrder.company_id)
        .group_by(RectificationOrder.company_id, PropertyCompany.name)
        .order_by(func.count(RectificationOrder.id).desc(), RectificationOrder.company_id)
    ).all()
    whole_orders = (sum(o for _i, _n, o, _d in by_company), sum(int(d or 0) for _i, _n, _o, d in by_company))
    rows = [row(c, inspected.get(c, (0, 0, 0)), orders.get(c, (0, 0))) for c in set(inspected) | set(orders)]
    total = row(None, whole, whole_orders)[1:]
    out = dashboard.section("inspections", FIGURES, rows, children, lambda c: dict.fromkeys(FIGURES, LINK), total)
    for counts in (out["total"], *out["units"].values()):  # no inspection scored: no mean (not 0)
        counts["mean_score"] = counts["mean_score"] if counts["inspections"] else None
    out["groups"] = [
        {
            "key": "companies",
            "figures": ["open_orders", "overdue_orders"],
            "rows": [
                {"id": cid, "name": name, "open_orders": o, "overdue_orders": int(d or 0), "link": LINK}
                for cid, name, o, d in by_company
            ],
        }
    ]
    return out
