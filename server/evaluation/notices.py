"""Who hears of the evaluation, through the one notification service, in their language:

step                         who                                         link
a round opens                each evaluator                              their scoring form
a round closes               each subject's accounts (their grade)       —
autumn, behind on hours      the member, or every member of the unit     their service record
"""

from server.i18n import text_in
from server.notices.service import notify

CATEGORY = "other"


def _send(users, kind: str, link: str | None, key: str, data: dict, **params) -> None:
    notify(
        users,
        f"evaluation_{kind}",
        lambda locale: text_in(locale, f"notification.evaluation_{kind}.title", **params),
        lambda locale: text_in(locale, f"notification.evaluation_{kind}.body", **params),
        link,
        "notice",
        CATEGORY,
        data,
        dedupe_key=key,
    )


def round_opened(round_id: str, title: str, ballot_of: dict[int, str]) -> None:
    for evaluator, ballot_id in ballot_of.items():
        _send(
            [evaluator],
            "opened",
            f"#/evaluation/{ballot_id}",
            f"evaluation:{round_id}:opened",
            {"round_id": round_id, "ballot_id": ballot_id},
            title=title,
        )


def round_closed(round_id: str, title: str, graded: list[tuple[list[int], str]]) -> None:
    for accounts, grade in graded:
        _send(
            accounts,
            f"graded_{grade}",
            None,
            f"evaluation:{round_id}:graded",
            {"round_id": round_id, "grade": grade},
            title=title,
        )


def behind(accounts: list[int], key: str, hours: float, expected: float, unit: str | None) -> None:
    kind = "behind_unit" if unit else "behind"
    _send(
        accounts,
        kind,
        "#/service-hours",
        key,
        {"hours": hours},
        hours=f"{hours:g}",
        expected=f"{expected:g}",
        unit=unit or "",
    )
