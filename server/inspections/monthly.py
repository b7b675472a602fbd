"""Inspections' section of a community's monthly report (server/core/monthly.py): the month's
scorecard of each compound (inspections, mean, penalties, score, stars) and, per property company,
its score and the rectification orders open and overdue now."""

from server.core import monthly
from server.i18n import _
from server.inspections import scorecards


def _value(value):
    return "—" if value is None else value


def inspections_section(user, community, month: monthly.Month) -> dict | None:
    card = scorecards.subtree_scorecard(user, community.id, month.text)
    compounds = card["compounds"]
    if not compounds:
        return None
    overdue = scorecards.overdue_orders([row["id"] for row in compounds])
    companies = card["companies"]
    for company in companies:
        company["overdue_orders"] = sum(overdue.get(r["id"], 0) for r in compounds if r["company_id"] == company["id"])
    return {
        "key": "inspections",
        "title": _("monthly.inspections.title"),
        "figures": [
            {"label": _("monthly.inspections.count"), "value": sum(r["inspections"] for r in compounds)},
            {"label": _("monthly.inspections.open_orders"), "value": sum(r["open_orders"] for r in compounds)},
            {"label": _("monthly.inspections.overdue_orders"), "value": sum(overdue.values())},
        ],
        "tables": [
            {
                "caption": _("monthly.inspections.by_compound"),
                "columns": [
                    _("monthly.compound"),
                    _("monthly.company"),
                    _("monthly.inspections.count"),
                    _("monthly.inspections.mean"),
                    _("monthly.inspections.score"),
                    _("monthly.inspections.stars"),
                    _("monthly.inspections.open_orders"),
                    _("monthly.inspections.overdue_orders"),
                ],
                "rows": [
                    [
                        r["name"],
                        r["company_name"] or _("monthly.self_managed"),
                        r["inspections"],
                        _value(r["mean"]),
                        _value(r["score"]),
                        "★" * r["stars"] if r["stars"] else "—",
                        r["open_orders"],
                        overdue.get(r["id"], 0),
                    ]
                    for r in compounds
                ],
                "total": None,
            },
            {
                "caption": _("monthly.inspections.by_company"),
                "columns": [
                    _("monthly.company"),
                    _("monthly.inspections.compounds"),
                    _("monthly.inspections.score"),
                    _("monthly.inspections.stars"),
                    _("monthly.inspections.open_orders"),
                    _("monthly.inspections.overdue_orders"),
                ],
                "rows": [
                    [
                        c["name"],
                        c["compounds"],
                        _value(c["score"]),
                        "★" * c["stars"] if c["stars"] else "—",
                        c["open_orders"],
                        c["overdue_orders"],
                    ]
                    for c in companies
                ],
                "total": None,
            },
        ],
        "note": _("monthly.inspections.note"),
    }
