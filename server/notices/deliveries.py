"""How each notice reached its user: the delivery records' counts an alert's author watches,
and the service worker's receipts (acks) that move a delivery forward (PROTOCOL.md §13.3).

Notices of a broadcast (an alert: alert_id on its entries and deliveries) need two facts of
it, told at assembly by the part that owns broadcasts (`register_broadcasts`): when it expires
(no push goes out after) and who watches its counts (its author)."""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, select

from server.core.after_commit import after_commit
from server.core.clock import utcnow
from server.errors import NotFound
from server.extensions import db, socketio
from server.i18n import _
from server.notices import fanout
from server.notices.limits import DELIVERY_STATES
from server.notices.models import Delivery, InboxEntry
from server.push.models import PushSubscription
from server.realtime.rooms import bucket_room

COUNTS_EVENT = "alert:counts"  # an author's alert's delivery counts changed
_RANK = {"queued": 0, "sent": 1, "failed": 1, "expired": 1, "delivered": 2, "clicked": 3, "read": 4}
_BROADCASTS: dict[str, Callable] = {"expiries": lambda ids: {}, "author_of": lambda alert_id: None}


def register_broadcasts(
    expiries: Callable[[set[int]], dict[int, datetime]], author_of: Callable[[int], int | None]
) -> None:
    """`expiries(alert ids)`: {id: aware expiry} of those that expire; `author_of(id)`: who watches."""
    _BROADCASTS.update(expiries=expiries, author_of=author_of)


def expiries(alert_ids: set[int]) -> dict[int, datetime]:
    return _BROADCASTS["expiries"](alert_ids) if alert_ids else {}


def counts_changed(alert_id: int) -> None:
    """An alert's counts change in this transaction (an entry read): its author hears after commit."""
    after_commit("notices.counts", _emit_changed).setdefault("alert_ids", set()).add(alert_id)


def _emit_changed(state: dict) -> None:
    for alert_id in sorted(state["alert_ids"]):
        fanout.submit("emit_counts", alert_id)


def aware(instant):
    """SQLite returns naive datetimes; every stored time is UTC."""
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def counts(alert_id: int) -> dict:
    """{queued, sent, delivered, clicked, read, failed, expired, recipients} of an alert: its
    deliveries by state; `read` counts the inbox entries read (on any device)."""
    result = {state: 0 for state in DELIVERY_STATES}
    for state, n in db.session.execute(
        select(Delivery.state, func.count()).where(Delivery.alert_id == alert_id).group_by(Delivery.state)
    ):
        result[state] = n
    result["read"] = db.session.scalar(
        select(func.count()).where(InboxEntry.alert_id == alert_id, InboxEntry.read_at.is_not(None))
    )
    result["recipients"] = db.session.scalar(select(func.count()).where(InboxEntry.alert_id == alert_id))
    return result


def emit_counts(alert_id: int) -> None:
    """Tell the author's open screens the alert's counts now (a fan-out job)."""
    author_id = _BROADCASTS["author_of"](alert_id)
    if author_id is not None:
        socketio.emit(
            COUNTS_EVENT, {"alert_id": alert_id, "counts": counts(alert_id)}, to=bucket_room(f"user:{author_id}")
        )


def ack(token: str, state: str, endpoint: str | None = None, at: datetime | None = None) -> Delivery:
    """A service worker's receipt or click of a push (no session: the entry's ack token, which
    only the push payload carried, names it; the device's endpoint picks its delivery). `at` is
    when it happened on the phone: an ack the worker kept while offline arrives late, perhaps
    after a later one (PROTOCOL.md §13.3)."""
    entry_delivery = db.session.scalar(
        select(Delivery).where(Delivery.token == token, Delivery.subscription_id.is_(None))
    )
    if entry_delivery is None:
        raise NotFound(_("alerts.error.bad_token"), {"token": [_("alerts.error.bad_token")]})
    candidates = db.session.scalars(
        select(Delivery)
        .where(Delivery.inbox_id == entry_delivery.inbox_id, Delivery.subscription_id.is_not(None))
        .order_by(Delivery.id)
    ).all()
    delivery = None
    if endpoint:
        subscription_id = db.session.scalar(select(PushSubscription.id).where(PushSubscription.endpoint == endpoint))
        delivery = next((d for d in candidates if d.subscription_id == subscription_id), None)
    if delivery is None:
        delivery = next((d for d in candidates if d.state in ("queued", "sent", "failed")), None) or (
            candidates[0] if candidates else entry_delivery
        )
    when = _ack_time(delivery, at)
    # The earliest time told wins: a click implies delivery by then, and a delivered ack kept
    # offline may arrive after the click's.
    if delivery.delivered_at is None or when < aware(delivery.delivered_at):
        delivery.delivered_at = when
    if state == "clicked" and (delivery.clicked_at is None or when < aware(delivery.clicked_at)):
        delivery.clicked_at = when
    if _RANK[state] > _RANK.get(delivery.state, 0):  # states only move forward
        delivery.state = state
    alert_id = delivery.alert_id
    db.session.commit()
    if alert_id is not None:
        emit_counts(alert_id)
    return delivery


def _ack_time(delivery: Delivery, at: datetime | None) -> datetime:
    """The phone's time of an ack, trusted within reason: never in the future, never before the
    push was sent (a phone's clock may be off)."""
    now = utcnow()
    when = now if at is None else min(at, now)
    floor = delivery.sent_at or delivery.queued_at
    return max(when, aware(floor)) if floor is not None else when
