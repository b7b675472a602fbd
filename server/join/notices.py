"""Who hears of joining, through the one notification service, in the recipient's language:

step                              who                                         link
a request sent                    the compound's grid workers, its            the approval queue
                                  community's admins
a request approved / rejected     its resident                                their profile (我的)
an invitation redeemed            the grid worker whose invitation it was     the approval queue
"""

from server.i18n import text_in
from server.join.models import JoinRequest
from server.notices.service import notify

CATEGORY = "other"


def _send(users, kind: str, link: str, key: str, data: dict, **params) -> None:
    notify(
        users,
        f"join_{kind}",
        lambda locale: text_in(locale, f"notification.join_{kind}.title", **params),
        lambda locale: text_in(locale, f"notification.join_{kind}.body", **params),
        link,
        "notice",
        CATEGORY,
        data,
        dedupe_key=key,
    )


def _address(row: JoinRequest, compound_name: str) -> str:
    return " ".join(part for part in (compound_name, row.building, row.unit, row.room) if part)


def request_sent(deciders: list[int], row: JoinRequest, compound_name: str) -> None:
    _send(
        deciders,
        "requested",
        "#/join/requests",
        f"join-request:{row.id}:sent",
        {"request_id": row.id},
        name=row.name,
        address=_address(row, compound_name),
    )


def request_decided(row: JoinRequest, approved: bool) -> None:
    kind = "approved" if approved else "rejected"
    _send(
        [row.user_id],
        kind,
        "#/me",
        f"join-request:{row.id}:{kind}",
        {"request_id": row.id},
        reason=row.reason or "",
    )


def joined_by_invitation(inviter_id: int, user, household_id: int, nonce: str) -> None:
    _send(
        [inviter_id],
        "joined",
        "#/directory",
        f"join-invite:{household_id}:{nonce}",
        {"household_id": household_id, "user_id": user.id},
        name=user.display_name,
    )
