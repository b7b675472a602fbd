"""通知管理 as a workbook (server/core/xlsx.py export_list, PROTOCOL.md §24.1): the rows of
GET /api/alerts for the same view (publishing.list_alerts), all of mine rather than the latest 200."""

from server.alerts import publishing
from server.core import xlsx
from server.i18n import _

COLUMNS = ("id", "title", "level", "category", "status", "recipients", "created_at", "sent_at", "expires_at")


def _rows(alerts) -> list[dict]:
    return [
        {
            "id": a.id,
            "title": a.title,
            "level": _(f"alerts.level.{a.level}"),
            "category": _(f"alerts.category.{a.category}"),
            "status": _(f"alerts.status.{a.status}"),
            "recipients": a.recipients,
            "created_at": a.created_at,
            "sent_at": a.sent_at,
            "expires_at": a.expires_at,
        }
        for a in alerts
    ]


def alerts_xlsx(user, view: str):
    """GET /api/alerts/export.xlsx?view=: my alerts, or those waiting for my approval."""
    return xlsx.export_list(
        publishing.list_alerts(user, view, limit=None),
        _rows,
        [(key, _(f"alerts.export.col.{key}")) for key in COLUMNS],
        title=_("alerts.export.title"),
        filters=[(_("alerts.export.view"), _(f"alerts.export.view.{view}"))],
        filename=_("alerts.export.title"),
    )
