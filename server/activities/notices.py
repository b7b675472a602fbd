"""Who hears of an activity, through the one notification service (server/notices/service.py), in
the recipient's language; each notice has a dedupe key of its step, so a retried push notifies
nobody twice:

    step                                  who                                     link
    signed up (a seat, or the waiting     the volunteer                           the activity
    list with their place)
    promoted from the waiting list        the volunteer                           the activity
    the time, place or words changed      everyone seated or waiting              the activity
    cancelled                             everyone seated or waiting              the activity
    hours confirmed                       the volunteer (with the hours)          the activity
"""

from sqlalchemy import select

from server.activities.models import ActivitySignup
from server.core.fields import iso
from server.extensions import db
from server.i18n import text_in
from server.notices.service import notify

CATEGORY = "event"


def _send(users, kind: str, activity, key: str, level: str = "notice", **params) -> None:
    params = {"title": activity.title, "place": activity.place, **params}
    notify(
        users,
        f"activity_{kind}",
        lambda locale: text_in(locale, f"notification.activity_{kind}.title", **params),
        lambda locale: text_in(locale, f"notification.activity_{kind}.body", **params),
        f"#/activities/{activity.id}",
        level,
        CATEGORY,
        {"activity_id": activity.id},
        dedupe_key=key,
    )


def signed_up(signup_id: str, user_id: int, activity, status: str, queued_at) -> set[str]:
    if status == "waiting":
        place = (
            db.session.scalar(
                select(db.func.count()).where(
                    ActivitySignup.activity_id == activity.id,
                    ActivitySignup.status == "waiting",
                    ActivitySignup.queued_at <= queued_at,
                )
            )
            or 1
        )
        _send([user_id], "waiting", activity, f"activity_signup:{signup_id}:{iso(queued_at)}", "info", place=place)
    else:
        _send([user_id], "signed_up", activity, f"activity_signup:{signup_id}:{iso(queued_at)}", "info")
    return set()


def promoted(signup_id: str, user_id: int, activity) -> None:
    _send([user_id], "promoted", activity, f"activity_signup:{signup_id}:promoted:{signup_version(signup_id)}")


def signup_version(signup_id: str) -> int:
    return db.session.scalar(select(ActivitySignup.version).where(ActivitySignup.id == signup_id)) or 0


def _people(activity_id: str) -> list[int]:
    return list(
        db.session.scalars(
            select(ActivitySignup.user_id).where(
                ActivitySignup.activity_id == activity_id, ActivitySignup.status.in_(("seated", "waiting"))
            )
        )
    )


def changed(activity, version: int) -> set[str]:
    _send(
        _people(activity.id),
        "changed",
        activity,
        f"activity:{activity.id}:changed:{version}",
    )
    return set()


def cancelled(activity) -> set[str]:
    _send(_people(activity.id), "cancelled", activity, f"activity:{activity.id}:cancelled", "warning")
    return set()


def hours_confirmed(signup_id: str, user_id: int, activity, hours: float, version: int) -> None:
    _send(
        [user_id],
        "hours_confirmed",
        activity,
        f"activity_signup:{signup_id}:hours:{version}",
        "info",
        hours=f"{hours:g}",
    )
