"""诉求 as a workbook (server/core/xlsx.py export_list, PROTOCOL.md §24.1): the needs of an admin's
jurisdiction (or of one unit of it) received in a period, open ones or all, with their place, their
deadlines and how the resident rated them. The phones list needs from their own copy (§16); this
is the same records from the server, for the desk."""

from sqlalchemy import or_, select

from server import authz
from server.core import dashboard, xlsx
from server.core.pages import paginate
from server.i18n import _
from server.org.names import household_addresses, unit_names
from server.tasks.need_models import OPEN_NEED_STATUSES, Need
from server.tasks.need_stats import _paths

COLUMNS = (
    "id", "created_at", "category", "text", "household", "community", "grid", "status",
    "respond_by", "resolve_by", "accepted_at", "resolved_at", "referred_to", "handle_note",
    "rating", "rating_comment", "escalation",
)  # fmt: skip
LIST_COLUMNS = (
    "id", "user_id", "category", "text", "status", "grid_id", "community_id", "respond_by", "resolve_by",
    "accepted_at", "resolved_at", "escalated", "rating", "created_at",
)  # fmt: skip


def need_query(user, unit=None, start=None, end=None, status="open", period=None):
    """The needs an export (or the admins' list) holds, oldest first: received in [start, end) and
    in the dashboard's period when given."""
    units = authz.units_under(_paths(user, unit))
    query = select(Need).where(or_(Need.grid_id.in_(units), Need.community_id.in_(units)), Need.deleted.is_(False))
    if status == "open":
        query = query.where(Need.status.in_(OPEN_NEED_STATUSES))
    elif status != "all":
        query = query.where(Need.status == status)
    if start is not None:
        query = query.where(Need.created_at >= start)
    if end is not None:
        query = query.where(Need.created_at < end)
    if period:
        span = dashboard.Period.parse(period)
        query = query.where(Need.created_at >= span.start, Need.created_at < span.end)
    return query.order_by(Need.created_at, Need.id)


def list_needs(user, page=1, per_page=50, **filters) -> dict:
    """GET /api/needs: a page of the needs export's rows, with each household's address."""
    result = paginate(need_query(user, **filters), page, per_page)
    places = household_addresses(n.household_id for n in result["items"])
    result["items"] = [
        {**{key: getattr(n, key) for key in LIST_COLUMNS}, "place": places.get(n.household_id)} for n in result["items"]
    ]
    return result


def _label(prefix: str, value):
    return None if value is None else _(f"{prefix}.{value}")


def _rows(needs) -> list[dict]:
    places = household_addresses(n.household_id for n in needs)
    units = unit_names([n.grid_id for n in needs] + [n.community_id for n in needs])
    return [
        {
            **{key: getattr(need, key) for key in COLUMNS if hasattr(Need, key)},
            "category": _label("need.category", need.category),
            "status": _label("need.status", need.status),
            "household": places.get(need.household_id),
            "community": units.get(need.community_id),
            "grid": units.get(need.grid_id),
            "escalation": _label("need.escalation", need.escalation),
        }
        for need in needs
    ]


def needs_xlsx(user, args: dict):
    """GET /api/needs/export.xlsx: the needs of the jurisdiction for the filters given."""
    status = args.get("status", "open")
    shown_status = _("need.export.status_open") if status == "open" else _("export.all") if status == "all" else None
    filters = [(_("export.filter.status"), shown_status or _label("need.status", status))]
    if args.get("unit"):
        filters.append((_("export.filter.org_unit_id"), unit_names([args["unit"]]).get(args["unit"])))
    if args.get("start"):
        filters.append((_("need.export.from"), xlsx.local(args["start"])))
    if args.get("end"):
        filters.append((_("need.export.to"), xlsx.local(args["end"])))
    if args.get("period"):
        filters.append((_("export.filter.period"), args["period"]))
    return xlsx.export_list(
        need_query(user, **args),
        _rows,
        [(key, _(f"need.export.col.{key}")) for key in COLUMNS],
        title=_("need.export.title"),
        filters=filters,
        filename=_("need.export.title"),
    )
