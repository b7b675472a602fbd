"""In-app notifications (an order overdue, escalated …): one row per recipient, written in the
recipient's language, listed by GET /api/notifications (the PWA's notices screen). Each notice
also goes through the notification service (server/alerts/service.py, issue 6): an entry in the
recipient's synced inbox, a live `alert` event and Web Push to their devices, with the same
dedupe key, so a notice that exists here exists there once.

Every notice carries a dedupe key "<event>:<user id>": writing the same event again (the
escalation job runs every few minutes, and may run in two processes at once) inserts nothing,
by the database's unique index (INSERT … ON CONFLICT DO NOTHING on both dialects). After the
commit the recipients' `user:<id>` rooms get a "notification:poke" (the PWA refreshes its list).
"""
from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from server.auth.models import User, utcnow
from server.errors import NotFound
from server.extensions import db
from server.i18n import CATALOG, _
from server.inspections.models import Notification
from server.sync import pokes

POKE = "notification:poke"


def text_in(locale: str | None, key: str, **params) -> str:
    """A catalog text in a given language (the recipient's, not the request's)."""
    catalog = CATALOG.get(locale or "zh-CN", CATALOG["zh-CN"])
    text = catalog.get(key) or CATALOG["zh-CN"].get(key, key)
    return text.format(**params) if params else text


def notify(user_ids, kind: str, event_key: str, link: str | None = None, data: dict | None = None, **params) -> list[int]:
    """Queue one notice per user (in the caller's transaction); returns the users who got a new
    one. Title and body are the catalog texts "notification.<kind>.title" / ".body" with
    `params`; `event_key` names the event, so the same event never notifies a user twice."""
    users = db.session.execute(select(User.id, User.locale).where(User.id.in_(set(user_ids)))).all()
    if not users:
        return []
    rows = [
        {
            "user_id": user_id,
            "kind": kind,
            "title": text_in(locale, f"notification.{kind}.title", **params)[:120],
            "body": text_in(locale, f"notification.{kind}.body", **params)[:1000],
            "link": link,
            "data": data,
            "dedupe_key": f"{event_key}:{user_id}"[:120],
            "created_at": utcnow(),
        }
        for user_id, locale in users
    ]
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Notification).values(rows).on_conflict_do_nothing(index_elements=["dedupe_key"])
    new = db.session.scalars(statement.returning(Notification.user_id)).all()
    _to_inbox(users, kind, event_key, link, data, params)
    return sorted(new)


def _to_inbox(users, kind: str, event_key: str, link: str | None, data: dict | None, params: dict) -> None:
    """The same notice through the notification service (its inbox ids follow the dedupe key)."""
    from server.alerts import service

    level = "warning" if kind.startswith("order_escalated") else "notice"
    service.notify(
        [user_id for user_id, _ in users], kind,
        lambda locale: text_in(locale, f"notification.{kind}.title", **params),
        lambda locale: text_in(locale, f"notification.{kind}.body", **params),
        link, level, "rectification", data, dedupe_key=event_key,
    )


def poke(user_ids) -> None:
    """After the commit: tell the recipients' open apps to refresh their notices."""
    pokes.notify([f"user:{user_id}" for user_id in user_ids], POKE)


def list_mine(user, page: int = 1, per_page: int = 50, unread_only: bool = False) -> dict:
    """My notices, unread first, then newest first; with the unread count."""
    mine = Notification.user_id == user.id
    query = select(Notification).where(mine)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(case((Notification.read_at.is_(None), 0), else_=1), Notification.created_at.desc(), Notification.id.desc())
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    unread = db.session.scalar(select(func.count()).where(mine, Notification.read_at.is_(None)))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return {"items": items, "page": page, "per_page": per_page, "total": total, "unread": unread}


def mark_read(user, notification_ids: list[int] | None = None) -> int:
    """Mark my notices read (these ids, or all of them); returns how many changed. Another
    user's id is answered 404, like one that does not exist."""
    mine = [Notification.user_id == user.id, Notification.read_at.is_(None)]
    if notification_ids is not None:
        found = set(db.session.scalars(select(Notification.id).where(Notification.id.in_(notification_ids), Notification.user_id == user.id)))
        if found != set(notification_ids):
            raise NotFound(_("error.not_found"), {"ids": [_("error.not_found")]})
        mine.append(Notification.id.in_(notification_ids))
    changed = db.session.execute(update(Notification).where(*mine).values(read_at=utcnow())).rowcount
    db.session.commit()
    return changed
