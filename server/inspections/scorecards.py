"""Monthly scorecards of compounds and property companies (DESIGN.md S2; issue 5 §5).

The documented rules (README, "Scorecards"):

- A compound's month (Asia/Shanghai) has a score when at least one of its inspections was
  submitted in it: the mean of those inspections' scores as a percentage of their template's
  maximum (score × 100 / max_score), minus penalties, floored at 0, rounded to 0.1.
- Penalties belong to the month whose inspection found the problem (the month the order was
  made in): OVERDUE_PENALTY (2) points for each of those orders that went overdue (overdue_at
  set, whenever that happened), REOPEN_PENALTY (1) for each reopening of one (reopen_count).
  So a month's score settles as its orders are dealt with, and a penalty never lands on a month
  without inspections, where there is no score to take it from.
- A property company's score: the mean of the scores of its compounds that have one (in the
  scorecard's org subtree; the company's own page: all its compounds).
- Stars: ≥ 90 ★★★★★, ≥ 80 ★★★★, ≥ 70 ★★★, ≥ 60 ★★, below 60 ★; no score, no stars.
- Ranks: competition ranking ("1224") by score, among the compounds with a score in the same
  street and in the same district (the whole street or district, even when the scorecard shows
  only a part of it).

Each figure is one SQL aggregate over an index range (inspections by submitted_at, orders by
created_at), grouped by compound and month: a city's month is three queries (bench/scorecard.py).
"""

from collections import defaultdict
from datetime import UTC

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import aliased

from server import authz
from server.core import clock
from server.errors import NotFound
from server.extensions import db
from server.i18n import _
from server.inspections import periods, plans
from server.inspections.models import Inspection, RectificationOrder
from server.org.models import Building, Compound, Household, OrgUnit, PropertyCompany

OVERDUE_PENALTY = 2.0
REOPEN_PENALTY = 1.0
STAR_THRESHOLDS = ((90, 5), (80, 4), (70, 3), (60, 2))
TREND_MONTHS = 12
NOT_CLOSED = ("open", "responded", "reopened")


def stars(score: float | None) -> int | None:
    """The star rating of a score (module docstring)."""
    if score is None:
        return None
    for threshold, rating in STAR_THRESHOLDS:
        if score >= threshold:
            return rating
    return 1


def compound_score(mean: float | None, overdue: int = 0, reopenings: int = 0) -> float | None:
    """A compound's monthly score from its inspections' mean percentage and its penalties."""
    if mean is None:
        return None
    return round(max(0.0, mean - OVERDUE_PENALTY * overdue - REOPEN_PENALTY * reopenings), 1)


def mean_score(scores) -> float | None:
    present = [s for s in scores if s is not None]
    return round(sum(present) / len(present), 1) if present else None


def current_month() -> str:
    return periods.month_of(clock.now())


# --- the aggregates ------------------------------------------------------------------------------


def _bucket(column, months: list[str]):
    """The index of the month a UTC instant falls in (months ascending and contiguous)."""
    if len(months) == 1:
        return literal(0)
    ends = [periods.month_bounds(m)[1] for m in months]
    return case(*[(column < end, index) for index, end in enumerate(ends[:-1])], else_=len(months) - 1)


def monthly_figures(months: list[str], compounds=None) -> dict[tuple[int, int], dict]:
    """{(compound id, month index): {inspections, mean, overdue, reopenings, score}} for the
    compounds selected by `compounds` (a select of ids; None: all) in these months."""
    start, end = periods.month_bounds(months[0])[0], periods.month_bounds(months[-1])[1]
    bucket = _bucket(Inspection.submitted_at, months)
    percent = Inspection.score * 100.0 / func.coalesce(func.nullif(Inspection.max_score, 0), 100.0)
    query = (
        select(Inspection.compound_id, bucket, func.count(), func.avg(percent))
        .where(
            Inspection.submitted_at >= start,
            Inspection.submitted_at < end,
            Inspection.status == "submitted",
            Inspection.deleted.is_(False),
            Inspection.score.is_not(None),
        )
        .group_by(Inspection.compound_id, bucket)
    )
    if compounds is not None:
        query = query.where(Inspection.compound_id.in_(compounds))
    figures = {
        (c, int(m)): {"inspections": n, "mean": float(avg), "overdue": 0, "reopenings": 0}
        for c, m, n, avg in db.session.execute(query)
    }
    order_bucket = _bucket(RectificationOrder.created_at, months)
    orders = (
        select(
            RectificationOrder.compound_id,
            order_bucket,
            func.count(RectificationOrder.overdue_at),
            func.coalesce(func.sum(RectificationOrder.reopen_count), 0),
        )
        .where(
            RectificationOrder.created_at >= start,
            RectificationOrder.created_at < end,
            RectificationOrder.deleted.is_(False),
        )
        .group_by(RectificationOrder.compound_id, order_bucket)
    )
    if compounds is not None:
        orders = orders.where(RectificationOrder.compound_id.in_(compounds))
    for compound_id, month, overdue, reopenings in db.session.execute(orders):
        figure = figures.get((compound_id, int(month)))
        if figure is not None:
            figure.update(overdue=int(overdue), reopenings=int(reopenings))
    for figure in figures.values():
        figure["score"] = compound_score(figure["mean"], figure["overdue"], figure["reopenings"])
        figure["mean"] = round(figure["mean"], 1)
    return figures


def open_orders(compounds=None) -> dict[int, int]:
    """Orders not closed, per compound, now."""
    query = select(RectificationOrder.compound_id, func.count()).where(
        RectificationOrder.status.in_(NOT_CLOSED), RectificationOrder.deleted.is_(False)
    )
    if compounds is not None:
        query = query.where(RectificationOrder.compound_id.in_(compounds))
    return dict(db.session.execute(query.group_by(RectificationOrder.compound_id)).all())


def overdue_orders(compounds=None) -> dict[int, int]:
    """Orders not closed whose deadline has passed, per compound, now."""
    query = select(RectificationOrder.compound_id, func.count()).where(
        RectificationOrder.status.in_(NOT_CLOSED),
        RectificationOrder.deleted.is_(False),
        RectificationOrder.deadline_at < clock.now(),
    )
    if compounds is not None:
        query = query.where(RectificationOrder.compound_id.in_(compounds))
    return dict(db.session.execute(query.group_by(RectificationOrder.compound_id)).all())


def _places(compounds) -> list[dict]:
    """Each compound with its company, community, street and district."""
    community, street, district = aliased(OrgUnit), aliased(OrgUnit), aliased(OrgUnit)
    query = (
        select(
            Compound.id,
            Compound.name,
            Compound.property_company_id,
            PropertyCompany.name,
            community.id,
            community.name,
            street.id,
            street.name,
            district.id,
            district.name,
        )
        .join(community, community.id == Compound.community_id)
        .outerjoin(street, street.id == community.parent_id)
        .outerjoin(district, district.id == street.parent_id)
        .outerjoin(PropertyCompany, PropertyCompany.id == Compound.property_company_id)
        .order_by(Compound.id)
    )
    if compounds is not None:
        query = query.where(Compound.id.in_(compounds))
    keys = (
        "id",
        "name",
        "company_id",
        "company_name",
        "community_id",
        "community_name",
        "street_id",
        "street_name",
        "district_id",
        "district_name",
    )
    return [dict(zip(keys, row)) for row in db.session.execute(query)]


def _rank(rows: list[dict], group: str, field: str) -> None:
    """Competition ranks by score within each group (rows without a score get none)."""
    groups = defaultdict(list)
    for row in rows:
        if row["score"] is not None:
            groups[row[group]].append(row)
    for members in groups.values():
        members.sort(key=lambda r: -r["score"])
        for index, row in enumerate(members):
            row[field] = (
                members[index - 1][field] if index and members[index - 1]["score"] == row["score"] else index + 1
            )


def compound_rows(month: str, compounds=None) -> list[dict]:
    """One row per selected compound for the month: place, figures, score, stars, ranks, open orders."""
    rows = _places(compounds)
    figures = monthly_figures([month], compounds)
    waiting = open_orders(compounds)
    for row in rows:
        figure = figures.get(
            (row["id"], 0), {"inspections": 0, "mean": None, "overdue": 0, "reopenings": 0, "score": None}
        )
        row.update(
            figure,
            stars=stars(figure["score"]),
            open_orders=waiting.get(row["id"], 0),
            rank_in_street=None,
            rank_in_district=None,
        )
    _rank(rows, "street_id", "rank_in_street")
    _rank(rows, "district_id", "rank_in_district")
    return rows


def company_rows(rows: list[dict]) -> list[dict]:
    """The companies of these compound rows: mean score, stars, compounds scored of all."""
    by_company = defaultdict(list)
    for row in rows:
        if row["company_id"] is not None:
            by_company[row["company_id"]].append(row)
    companies = []
    for company_id, members in sorted(by_company.items()):
        score = mean_score(r["score"] for r in members)
        companies.append(
            {
                "id": company_id,
                "name": members[0]["company_name"],
                "score": score,
                "stars": stars(score),
                "compounds": len(members),
                "compounds_scored": sum(1 for r in members if r["score"] is not None),
                "open_orders": sum(r["open_orders"] for r in members),
            }
        )
    return companies


# --- what each role may see ---------------------------------------------------------------------


def _units_under(path: str):
    return select(OrgUnit.id).where(authz.subtree_of(path))


def _districts_of(unit: OrgUnit) -> list[str]:
    """The paths of the districts holding a unit's compounds (the unit's own, or those below it)."""
    if unit.depth >= 1:
        return ["/" + "/".join(unit.path.strip("/").split("/")[:2]) + "/"]
    return list(db.session.scalars(select(OrgUnit.path).where(OrgUnit.parent_id == unit.id)))


def subtree_scorecard(user, org_unit_id: int | None, month: str | None) -> dict:
    """The month's scorecard of the compounds under an org unit of the admin's jurisdiction
    (default: the admin's own unit), ranked within their streets and districts."""
    month = month or current_month()
    unit = plans.managed_unit(user, org_unit_id if org_unit_id is not None else _home_unit(user))
    districts = _districts_of(unit)
    ranked = select(Compound.id).where(
        Compound.community_id.in_(select(OrgUnit.id).where(or_(*[authz.subtree_of(p) for p in districts])))
    )
    rows = compound_rows(month, None if unit.depth == 0 else ranked)
    inside = set(db.session.scalars(select(Compound.id).where(Compound.community_id.in_(_units_under(unit.path)))))
    rows = [row for row in rows if row["id"] in inside]
    return {
        "month": month,
        "org_unit": {"id": unit.id, "name": unit.name, "kind": unit.kind},
        "compounds": rows,
        "companies": company_rows(rows),
    }


def _home_unit(user) -> int:
    scopes = authz.scopes_of(user)
    if not scopes.admin_paths:
        return 0  # managed_unit answers 403
    return int(scopes.admin_paths[0].strip("/").split("/")[-1])


def _trend(month: str, compounds) -> tuple[list[str], dict]:
    """The last TREND_MONTHS months up to `month`, and their figures."""
    months = periods.last_months(month, TREND_MONTHS)
    figures = monthly_figures(months, compounds)
    return months, figures


def compound_card(user, compound_id: int, month: str | None) -> dict:
    """One compound the user may see: the month's row (ranks within street and district) and
    the trend of the last 12 months."""
    month = month or current_month()
    compound = authz.get_visible(user, Compound, compound_id)
    community = db.session.get(OrgUnit, compound.community_id)
    district = _districts_of(community)[0]
    peers = select(Compound.id).where(Compound.community_id.in_(_units_under(district)))
    row = next(r for r in compound_rows(month, peers) if r["id"] == compound.id)
    months, figures = _trend(month, [compound.id])
    row["trend"] = [_point(m, figures.get((compound.id, i))) for i, m in enumerate(months)]
    return {"month": month, **row}


def _point(month: str, figure: dict | None) -> dict:
    score = figure["score"] if figure else None
    return {
        "month": month,
        "score": score,
        "stars": stars(score),
        "inspections": figure["inspections"] if figure else 0,
    }


def company_card(user, company_id: int, month: str | None) -> dict:
    """A property company: its score over all its compounds, the rows of those the user may
    see, and its 12-month trend. Its staff and admins of any of its compounds may look."""
    month = month or current_month()
    company = db.session.get(PropertyCompany, company_id)
    visible = set(
        db.session.scalars(
            select(Compound.id).where(Compound.property_company_id == company_id, authz.visible(user, Compound))
        )
    )
    if company is None or not visible:
        raise NotFound(_("error.not_found"))
    own = select(Compound.id).where(Compound.property_company_id == company_id)
    rows = compound_rows(month, own)
    score = mean_score(r["score"] for r in rows)
    months, figures = _trend(month, own)
    trend = []
    for index, m in enumerate(months):
        value = mean_score(figures[key]["score"] for key in figures if key[1] == index)
        trend.append({"month": m, "score": value, "stars": stars(value)})
    return {
        "month": month,
        "id": company.id,
        "name": company.name,
        "score": score,
        "stars": stars(score),
        "open_orders": sum(r["open_orders"] for r in rows),
        "compounds": [r for r in rows if r["id"] in visible],
        "trend": trend,
    }


def my_cards(user) -> dict:
    """The current month for a resident (their compound: score, stars, open orders), a steward
    (their compounds) and property staff (their companies)."""
    month = current_month()
    scopes = authz.scopes_of(user)
    own = set(scopes.steward_compound_ids)
    if scopes.household_ids:
        homes = (
            select(Building.compound_id)
            .join(Household, Household.building_id == Building.id)
            .where(Household.id.in_(scopes.household_ids))
        )
        own |= set(db.session.scalars(homes))
    compounds = _explained(month, sorted(own)) if own else []
    companies = []
    if scopes.company_ids:
        rows = compound_rows(month, select(Compound.id).where(Compound.property_company_id.in_(scopes.company_ids)))
        companies = company_rows(rows)
    return {"month": month, "compounds": compounds, "companies": companies}


MINE_TREND_MONTHS = 6  # the months a resident's card shows, this one included
MINE_ORDERS_MAX = 20  # the open orders listed on a card (the count says how many in all)


def _explained(month: str, compound_ids: list[int]) -> list[dict]:
    """What a resident (or steward) sees of their compounds, explained: the month's score with
    what makes it (inspections and their mean, the deductions of that month's orders), the last
    months, and the orders not closed now — from any month, overdue first — which a score counts
    only in the month their inspection was made."""
    rows = compound_rows(month, compound_ids)
    months = periods.last_months(month, MINE_TREND_MONTHS)
    figures = monthly_figures(months, compound_ids)
    listed = _open_order_rows(compound_ids)
    out = []
    for row in rows:
        mean = row.get("mean")
        overdue, reopenings = row.get("overdue", 0), row.get("reopenings", 0)
        out.append(
            {
                **{k: row[k] for k in ("id", "name", "company_id", "company_name", "score", "stars", "inspections")},
                "mean": round(mean, 1) if mean is not None else None,
                "overdue": overdue,
                "reopenings": reopenings,
                "deductions": OVERDUE_PENALTY * overdue + REOPEN_PENALTY * reopenings,
                "open_orders": row["open_orders"],
                "overdue_orders": sum(1 for o in listed.get(row["id"], []) if o["overdue"]),
                "orders": listed.get(row["id"], [])[:MINE_ORDERS_MAX],
                "trend": [_point(m, figures.get((row["id"], i))) for i, m in enumerate(months)],
            }
        )
    return out


def _open_order_rows(compound_ids: list[int]) -> dict[int, list[dict]]:
    """The orders not closed of these compounds, overdue first, then by deadline."""
    now = clock.now()
    rows = db.session.execute(
        select(
            RectificationOrder.id,
            RectificationOrder.compound_id,
            RectificationOrder.item_text,
            RectificationOrder.category_name,
            RectificationOrder.status,
            RectificationOrder.deadline_at,
            RectificationOrder.escalation_level,
            RectificationOrder.created_at,
        ).where(
            RectificationOrder.compound_id.in_(compound_ids),
            RectificationOrder.status.in_(NOT_CLOSED),
            RectificationOrder.deleted.is_(False),
        )
    ).all()
    found: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        deadline = r.deadline_at if r.deadline_at.tzinfo else r.deadline_at.replace(tzinfo=UTC)  # SQLite: naive UTC
        found[r.compound_id].append(
            {
                "id": r.id,
                "item_text": r.item_text,
                "category_name": r.category_name,
                "status": r.status,
                "deadline_at": deadline,
                # waiting for the steward's re-inspection is not overdue (README's rules)
                "overdue": r.status != "responded" and deadline < now,
                "escalation_level": r.escalation_level or 0,
                "month": periods.month_of(r.created_at) if r.created_at else None,
            }
        )
    for orders in found.values():
        orders.sort(key=lambda o: (not o["overdue"], o["deadline_at"], o["id"]))
    return found
