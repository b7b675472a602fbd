"""The service record's section of a community's monthly report (server/core/monthly.py): the
volunteer hours credited in the community in the month (activities, micro-wishes, service
projects), how many people served, and the residents' mean rating."""

from server.core import monthly
from server.i18n import _
from server.ledger.models import KINDS
from server.ledger.service import totals


def service_section(user, community, month: monthly.Month) -> dict:
    people = totals(since=month.start, until=month.end, community_id=community.id)
    hours = round(sum(t.hours for t in people.values()), 1)
    by_kind = {kind: [0, 0.0] for kind in KINDS}
    ratings = []
    for t in people.values():
        ratings += t.ratings
        for kind, count in t.by_kind.items():
            by_kind[kind][0] += count
            by_kind[kind][1] = round(by_kind[kind][1] + t.hours_by_kind.get(kind, 0.0), 4)
    return {
        "key": "service",
        "title": _("monthly.service.title"),
        "figures": [
            {"label": _("monthly.service.hours"), "value": hours},
            {"label": _("monthly.service.people"), "value": len(people)},
            {"label": _("monthly.service.entries"), "value": sum(t.count for t in people.values())},
            {
                "label": _("monthly.service.rating"),
                "value": f"{sum(ratings) / len(ratings):.2f}" if ratings else "—",
            },
        ],
        "tables": [
            {
                "caption": _("monthly.service.by_kind"),
                "columns": [_("monthly.service.kind"), _("monthly.service.entries"), _("monthly.service.hours")],
                "rows": [[_(f"monthly.service.kind.{k}"), n, round(h, 1)] for k, (n, h) in by_kind.items() if n],
                "total": None,
            }
        ]
        if people
        else [],
        "note": None,
    }
