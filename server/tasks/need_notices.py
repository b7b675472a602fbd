"""Who hears of a need, through the one notification service (server/notices/service.py), in the
recipient's language; every notice has a dedupe key of its step, so a retried push notifies
nobody twice:

    step                              who                                        link
    a need received                   the grid's workers (no grid: the           the need
                                      community's admins)
    accepted, resolved, referred      its resident                               the need
    escalated (a missed deadline,     the admins of its community                the need
    a low rating)
"""

from sqlalchemy import select

from server.auth.models import RoleAssignment
from server.extensions import db
from server.i18n import text_in
from server.notices.service import notify
from server.tasks import places

CATEGORY = "other"


def admins_of(community_id) -> list[int]:
    """The admins of a community (its own unit: they answer for its needs)."""
    return list(
        db.session.scalars(
            select(RoleAssignment.user_id)
            .where(RoleAssignment.role == "admin", RoleAssignment.org_unit_id == community_id)
            .order_by(RoleAssignment.user_id)
        )
    )


def _send(users, kind: str, need_id: str, key: str, values: dict, level: str = "notice") -> None:
    params = {
        "category": values.get("category") or "other",
        "text": (values.get("text") or "")[:40],
        "note": values.get("handle_note") or "",
        "referred_to": values.get("referred_to") or "",
        "reason": values.get("escalation") or "resolution_overdue",
    }
    notify(
        users,
        f"need_{kind}",
        lambda locale: text_in(locale, f"notification.need_{kind}.title", **_localized(params, locale)),
        lambda locale: text_in(locale, f"notification.need_{kind}.body", **_localized(params, locale)),
        f"#/needs/{need_id}",
        level,
        CATEGORY,
        {"need_id": need_id, "status": values.get("status")},
        dedupe_key=key,
    )


def _localized(params: dict, locale: str) -> dict:
    return {
        **params,
        "category": text_in(locale, f"need.category.{params['category']}"),
        "reason": text_in(locale, f"need.escalation.{params['reason']}"),
    }


def need_received(need_id: str, values: dict) -> set[str]:
    """The grid's workers hear of a new need (a need in no grid: the community's admins)."""
    workers = places.grid_workers(values.get("grid_id")) if values.get("grid_id") else ()
    users = list(workers) or admins_of(values.get("community_id"))
    _send(users, "received", need_id, f"need:{need_id}:received", values)
    return set()


def need_moved(need_id: str, values: dict, steps: list[str]) -> set[str]:
    """The resident hears of acceptance, resolution and referral; the admins of an escalation."""
    step = len(values.get("history") or [])
    for kind in steps:
        key = f"need:{need_id}:{step}:{kind}"
        if kind == "escalated":
            _send(admins_of(values.get("community_id")), kind, need_id, key, values, level="warning")
        else:
            _send([values["user_id"]], kind, need_id, key, values)
    return set()
