"""Who hears of a wish, through the one notification service (server/notices/service.py), in the
recipient's language; every notice has a dedupe key of its step, so a retried push notifies
nobody twice:

    step                        who                                   link
    a wish submitted            the admins of its community           the wish (review queue)
    approved / rejected /       its resident                          the wish
    merged
    a card claimed, fulfilled   its resident                          the card
    a card confirmed            its claimant (with the rating)        the card
    a claim released by an      the claimant                          the card
    admin or at its deadline
"""

from sqlalchemy import select

from server.auth.models import RoleAssignment
from server.extensions import db
from server.i18n import text_in
from server.notices.service import notify
from server.wishes import access

CATEGORY = "other"


def _admins_of(community_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(RoleAssignment.user_id)
            .where(RoleAssignment.role == "admin", RoleAssignment.org_unit_id == community_id)
            .order_by(RoleAssignment.user_id)
        )
    )


def _send(users, kind: str, link: str, key: str, data: dict, level: str = "notice", **params) -> None:
    notify(
        users,
        f"wish_{kind}",
        lambda locale: text_in(locale, f"notification.wish_{kind}.title", **params),
        lambda locale: text_in(locale, f"notification.wish_{kind}.body", **params),
        link,
        level,
        CATEGORY,
        data,
        dedupe_key=key,
    )


def wish_submitted(wish_id: str, community_id: int, title: str) -> set[str]:
    _send(
        _admins_of(community_id),
        "submitted",
        f"#/wishes/{wish_id}",
        f"wish:{wish_id}:submitted",
        {"wish_id": wish_id},
        title=title,
    )
    return set()


def wish_reviewed(wish_id: str, values: dict, status: str) -> None:
    note = values.get("review_note") or ""
    _send(
        [values["user_id"]],
        status,
        f"#/wishes/{wish_id}",
        f"wish:{wish_id}:{status}",
        {"wish_id": wish_id, "status": status},
        title=values["title"],
        note=note,
    )


def card_moved(card_id: str, values: dict, status: str, released: int | None = None) -> set[str]:
    """The other side of a card's move hears of it: the resident of a claim or a fulfilment, the
    claimant of a confirmation (with the rating), and a claimant whose claim someone else
    released (an admin, or the server at its deadline)."""
    step = len(values.get("history") or [])
    data = {"card_id": card_id, "wish_id": values.get("wish_id"), "status": status}
    key = f"wish_card:{card_id}:{step}:{status}"
    if status in ("claimed", "fulfilled"):
        owner = access.owner_of(values.get("wish_id"))
        if owner is not None:
            _send([owner], status, f"#/wishes/card/{card_id}", key, data, title=values["title"])
    elif status == "open" and released is not None:
        _send([released], "released", f"#/wishes/card/{card_id}", key, data, title=values["title"])
    elif status == "confirmed" and values.get("claimant_id"):
        _send(
            [values["claimant_id"]],
            status,
            f"#/wishes/card/{card_id}",
            key,
            data,
            level="info",
            title=values["title"],
            rating=values.get("rating") or "",
        )
    return set()
