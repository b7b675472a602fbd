"""Alerts' section of a community's monthly report (server/core/monthly.py): the alerts sent in the
month that reached the community — aimed at it, at a unit above it (the district's, the city's) or
at a grid, compound or building of it — per category, with their recipients."""

from sqlalchemy import select

from server.alerts.models import Alert
from server.core import monthly
from server.extensions import db
from server.i18n import _
from server.notices.limits import CATEGORIES
from server.org.models import Building, Compound, OrgUnit


def reaching(community, month: monthly.Month) -> list[Alert]:
    """The alerts sent in the month whose targeting names the community, a unit above or inside it,
    or a compound or building of it."""
    units = set(db.session.scalars(select(OrgUnit.id).where(OrgUnit.path.startswith(community.path))))
    above = {int(part) for part in community.path.strip("/").split("/") if part}
    compounds = set(db.session.scalars(select(Compound.id).where(Compound.community_id == community.id)))
    buildings = set(db.session.scalars(select(Building.id).where(Building.compound_id.in_(compounds))))
    sent = db.session.scalars(
        select(Alert).where(Alert.sent_at >= month.start, Alert.sent_at < month.end).order_by(Alert.sent_at, Alert.id)
    )
    places = (
        ("org_unit_ids", units | above),
        ("grid_ids", units),
        ("compound_ids", compounds),
        ("building_ids", buildings),
    )
    return [alert for alert in sent if any(set((alert.targeting or {}).get(key) or ()) & ids for key, ids in places)]


def alerts_section(user, community, month: monthly.Month) -> dict:
    alerts = reaching(community, month)
    by_category: dict[str, list[int]] = {}
    for alert in alerts:
        row = by_category.setdefault(alert.category, [0, 0])
        row[0] += 1
        row[1] += alert.recipients or 0
    return {
        "key": "alerts",
        "title": _("monthly.alerts.title"),
        "figures": [
            {"label": _("monthly.alerts.count"), "value": len(alerts)},
            {"label": _("monthly.alerts.recipients"), "value": sum(a.recipients or 0 for a in alerts)},
        ],
        "tables": [
            {
                "caption": _("monthly.alerts.by_category"),
                "columns": [_("monthly.category"), _("monthly.alerts.count"), _("monthly.alerts.recipients")],
                "rows": [[_(f"alerts.category.{c}")] + by_category[c] for c in CATEGORIES if c in by_category],
                "total": None,
            }
        ]
        if alerts
        else [],
        "note": _("monthly.alerts.note"),
    }
