"""The figures of 接诉即办 per grid and per community (PROTOCOL.md §16.3), for an admin's
jurisdiction: of the needs received in [from, to),

- 响应率 response_rate = responded_on_time / response_due: a need is due a response when its
  `respond_by` has passed (now) or it was responded to (`accepted_at`: taken up, resolved or
  referred); on time when `accepted_at` ≤ `respond_by`;
- 解决率 resolution_rate = resolved_on_time / resolution_due: a need not referred away is due a
  resolution when its `resolve_by` has passed or it is resolved; on time when it is resolved now
  and its latest `resolved_at` ≤ `resolve_by` (a need reopened by a low rating is not resolved);
- 满意率 satisfaction_rate = satisfied / rated: needs with a rating; satisfied at SATISFIED_RATING
  (4) or more;

each null when its denominator is 0. A community's row counts its needs in the asked unit (a grid
asked for: that grid's only); needs of households in no grid have a grid row of their own
(grid_id null)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from server import authz
from server.core import clock
from server.errors import NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import OrgUnit
from server.tasks.need_models import SATISFIED_RATING, Need

DEFAULT_DAYS = 30
FIGURES = (
    "count",
    "response_due",
    "responded_on_time",
    "resolution_due",
    "resolved_on_time",
    "rated",
    "satisfied",
    "escalated",
)


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC instants; PostgreSQL aware ones."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def figures_of(need, now: datetime) -> dict:
    """One need's contribution to each count (0 or 1), as of `now`."""
    respond_by, resolve_by = _aware(need.respond_by), _aware(need.resolve_by)
    accepted_at, resolved_at = _aware(need.accepted_at), _aware(need.resolved_at)
    response_due = accepted_at is not None or (respond_by is not None and respond_by <= now)
    resolved = need.status == "resolved"
    resolution_due = need.status != "referred" and (resolved or (resolve_by is not None and resolve_by <= now))
    return {
        "count": 1,
        "response_due": int(response_due),
        "responded_on_time": int(accepted_at is not None and respond_by is not None and accepted_at <= respond_by),
        "resolution_due": int(resolution_due),
        "resolved_on_time": int(resolved and resolved_at is not None and resolve_by and resolved_at <= resolve_by),
        "rated": int(need.rating is not None),
        "satisfied": int(need.rating is not None and need.rating >= SATISFIED_RATING),
        "escalated": int(bool(need.escalated)),
    }


def sql_figures(now: datetime) -> tuple:
    """The same contributions as figures_of, as SQL sums (in FIGURES order), for the dashboards'
    GROUP BY (core/dashboard.py): one definition of the three rates, in two forms, tested equal."""

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    responded = Need.accepted_at.is_not(None)
    resolved = Need.status == "resolved"
    rated = Need.rating.is_not(None)
    return (
        func.count(Need.id),
        count(or_(responded, and_(Need.respond_by.is_not(None), Need.respond_by <= now))),
        count(and_(responded, Need.respond_by.is_not(None), Need.accepted_at <= Need.respond_by)),
        count(
            and_(Need.status != "referred", or_(resolved, and_(Need.resolve_by.is_not(None), Need.resolve_by <= now)))
        ),
        count(
            and_(
                resolved,
                Need.resolved_at.is_not(None),
                Need.resolve_by.is_not(None),
                Need.resolved_at <= Need.resolve_by,
            )
        ),
        count(rated),
        count(and_(rated, Need.rating >= SATISFIED_RATING)),
        count(Need.escalated.is_(True)),
    )


def with_rates(counts: dict) -> dict:
    """The counts with 响应率, 解决率, 满意率 (None when nothing is due)."""
    return _with_rates(counts)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _with_rates(counts: dict) -> dict:
    return {
        **counts,
        "response_rate": _rate(counts["responded_on_time"], counts["response_due"]),
        "resolution_rate": _rate(counts["resolved_on_time"], counts["resolution_due"]),
        "satisfaction_rate": _rate(counts["satisfied"], counts["rated"]),
    }


def _zero() -> dict:
    return dict.fromkeys(FIGURES, 0)


def _add(into: dict, part: dict) -> None:
    for key in FIGURES:
        into[key] += part[key]


def _paths(user, unit_id) -> list[str]:
    authz.require(user, "tasks.manage")
    if unit_id is None:
        return list(authz.scopes_of(user).admin_paths)
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None or not authz.can(user, "tasks.manage_in", unit):
        raise NotFound(_("error.not_found"), {"unit": [_("error.not_found")]})
    return [unit.path]


def need_stats(user, unit=None, start=None, end=None) -> dict:
    """响应率, 解决率, 满意率 per grid and community of the admin's jurisdiction (or of `unit`)."""
    paths = _paths(user, unit)
    now = clock.now()
    end = end or now
    start = start or end - timedelta(days=DEFAULT_DAYS)
    units = authz.units_under(paths)
    rows = db.session.scalars(
        select(Need).where(
            or_(Need.grid_id.in_(units), Need.community_id.in_(units)),
            Need.deleted.is_(False),
            Need.created_at >= start,
            Need.created_at < end,
        )
    ).all()
    grids: dict[tuple, dict] = {}
    communities: dict[int, dict] = {}
    total = _zero()
    for need in rows:
        part = figures_of(need, now)
        _add(grids.setdefault((need.community_id, need.grid_id), _zero()), part)
        _add(communities.setdefault(need.community_id, _zero()), part)
        _add(total, part)
    names = _names({gid for _c, gid in grids if gid} | set(communities))
    return {
        "start": start,
        "end": end,
        "grids": [
            {"grid_id": gid, "grid_name": names.get(gid), "community_id": cid, **_with_rates(counts)}
            for (cid, gid), counts in sorted(grids.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
        ],
        "communities": [
            {"community_id": cid, "community_name": names.get(cid), **_with_rates(counts)}
            for cid, counts in sorted(communities.items())
        ],
        "total": _with_rates(total),
    }


def _names(ids) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(ids))).all())
