"""The fan-out's jobs (server/alerts/fanout.py runs them, in a pool thread or an RQ worker, always
inside an app context): a notice's Web Push, an alert's sending, the counts an author watches;
and the live `alert` event of new notices, which server/alerts/service.py emits as their
transaction commits."""
import logging
from datetime import timezone

from flask import current_app
from sqlalchemy import func, select

from server.alerts.limits import DELIVERY_STATES
from server.alerts.models import Alert, Delivery, InboxEntry
from server.core.clock import utcnow
from server.extensions import db, socketio
from server.realtime import bucket_room
from server.core.fields import iso

log = logging.getLogger(__name__)
ALERT_EVENT = "alert"  # a new inbox entry, for a live banner
COUNTS_EVENT = "alert:counts"  # an author's alert's delivery counts changed
ACK_URL = "/api/alerts/ack"


def run(name: str, *args) -> None:
    """Run a job by name (RQ carries names and JSON-able arguments); needs an app context,
    which `redgrid worker` holds for all its jobs (server/alerts/commands.py): each job ends with
    its session removed, so the next one reads fresh rows."""
    try:
        JOBS[name](*args)
    finally:
        db.session.remove()


def entry_view(entry: InboxEntry) -> dict:
    """An inbox entry as the `alert` event and the API show it."""
    return {
        "id": entry.id, "alert_id": entry.alert_id, "kind": entry.kind, "title": entry.title, "body": entry.body,
        "level": entry.level, "category": entry.category, "link": entry.link, "data": entry.data,
        "created_at": iso(entry.created_at) if entry.created_at else None,
        "read_at": iso(entry.read_at) if entry.read_at else None,
    }


_NEW_ENTRY_FIELDS = ("alert_id", "kind", "title", "body", "level", "category", "link", "data", "created_at")


def new_entry_view(record_id: str, values: dict) -> dict:
    """A new entry as entry_view shows it once stored, from the values notify wrote (instants
    are canonical text already): the event goes out without reading the entries back."""
    return {"id": record_id, **{name: values[name] for name in _NEW_ENTRY_FIELDS}, "read_at": None}


def emit_entries(views: list[tuple[int, dict]]) -> None:
    """The `alert` event of each new entry (user id, view), to its user's room (a live banner,
    PROTOCOL.md §13.2)."""
    for user_id, view in views:
        socketio.emit(ALERT_EVENT, view, to=bucket_room(f"user:{user_id}"))


def fan_out(entry_ids: list[str]) -> None:
    """Push new entries to their users' subscribed devices (their `alert` events went out as
    the notice was committed, server/alerts/service.py), then tell the authors the counts."""
    alert_ids = set(db.session.scalars(select(InboxEntry.alert_id).where(InboxEntry.id.in_(entry_ids), InboxEntry.alert_id.is_not(None)).distinct()))
    push(entry_ids)
    for alert_id in sorted(alert_ids):
        emit_counts(alert_id)


def push(entry_ids: list[str]) -> None:
    """Send the queued Web Push deliveries of these entries (one payload per entry: it carries
    the entry's ack token, PROTOCOL.md §13.3) and record each device's answer. The devices of all
    the entries that share a level, topic and expiry (an alert's chunk) go out as one batch."""
    from server.push.sender import PayloadTooLarge, deliver_each, fit_payload, topic_for

    queued = db.session.scalars(select(Delivery).where(Delivery.inbox_id.in_(entry_ids), Delivery.state == "queued", Delivery.subscription_id.is_not(None))).all()
    if not queued:
        return
    by_entry: dict[str, list[Delivery]] = {}
    for delivery in queued:
        by_entry.setdefault(delivery.inbox_id, []).append(delivery)
    entries = {e.id: e for e in db.session.scalars(select(InboxEntry).where(InboxEntry.id.in_(by_entry)))}
    alert_ids = {e.alert_id for e in entries.values() if e.alert_id is not None}
    alerts = {a.id: a for a in db.session.scalars(select(Alert).where(Alert.id.in_(alert_ids)))} if alert_ids else {}
    acks = dict(db.session.execute(select(Delivery.inbox_id, Delivery.token).where(Delivery.inbox_id.in_(by_entry), Delivery.subscription_id.is_(None))).all())
    limit = current_app.config["PUSH_PAYLOAD_MAX_BYTES"]
    now = utcnow()
    batches: dict[tuple, list[tuple[Delivery, dict]]] = {}
    for entry_id, deliveries in by_entry.items():
        entry = entries[entry_id]
        alert = alerts.get(entry.alert_id)
        expires_at = aware(alert.expires_at) if alert is not None and alert.expires_at is not None else None
        if expires_at is not None and expires_at <= now:
            for d in deliveries:
                d.state, d.expired_at = "expired", now
            continue
        payload = {"id": entry.id, "alert_id": entry.alert_id, "title": entry.title, "body": entry.body or "", "level": entry.level,
                   "category": entry.category, "link": entry.link or f"#/inbox/{entry.id}", "ack": acks.get(entry_id), "ack_url": ACK_URL}
        try:
            payload = fit_payload(payload, limit)
        except PayloadTooLarge as exc:
            for d in deliveries:
                d.state, d.failed_at, d.error = "failed", now, str(exc)[:300]
            continue
        key = (entry.level, topic_for("alert", entry.alert_id) if entry.alert_id else None, expires_at)
        batches.setdefault(key, []).extend((d, payload) for d in deliveries)
    for (level, topic, expires_at), items in batches.items():
        outcomes = deliver_each([(d.subscription_id, payload) for d, payload in items], level, topic, expires_at=expires_at)
        _record(items, outcomes, utcnow())
    db.session.commit()


def _record(items: list[tuple[Delivery, dict]], outcomes, now) -> None:
    """Each delivery's state from its device's answer (no answer: the subscription was deleted meanwhile)."""
    by_subscription = {o.subscription_id: o for o in outcomes}
    for d, _ in items:
        outcome = by_subscription.get(d.subscription_id)
        d.attempts += outcome.attempts if outcome else 0
        if outcome is None:
            d.state, d.failed_at, d.error = "failed", now, "subscription gone"
        elif outcome.status == "sent":
            d.state, d.sent_at, d.push_status, d.error = "sent", now, outcome.http_status, None
        else:
            d.state, d.failed_at, d.push_status, d.error = "failed", now, outcome.http_status, (outcome.error or outcome.status)[:300]


def aware(instant):
    """SQLite returns naive datetimes; every stored time is UTC."""
    return instant if instant.tzinfo else instant.replace(tzinfo=timezone.utc)


def counts(alert_id: int) -> dict:
    """{queued, sent, delivered, clicked, read, failed, expired, recipients} of an alert: its
    deliveries by state; `read` counts the inbox entries read (on any device)."""
    result = {state: 0 for state in DELIVERY_STATES}
    for state, n in db.session.execute(select(Delivery.state, func.count()).where(Delivery.alert_id == alert_id).group_by(Delivery.state)):
        result[state] = n
    result["read"] = db.session.scalar(select(func.count()).where(InboxEntry.alert_id == alert_id, InboxEntry.read_at.is_not(None)))
    result["recipients"] = db.session.scalar(select(func.count()).where(InboxEntry.alert_id == alert_id))
    return result


def emit_counts(alert_id: int) -> None:
    """Tell the author's open screens the alert's counts now."""
    author_id = db.session.scalar(select(Alert.author_id).where(Alert.id == alert_id))
    if author_id is not None:
        socketio.emit(COUNTS_EVENT, {"alert_id": alert_id, "counts": counts(alert_id)}, to=bucket_room(f"user:{author_id}"))


def send_alert(alert_id: int) -> None:
    """Resolve an alert's audience and notify it (server/alerts/publishing.py)."""
    from server.alerts import publishing

    publishing.send(alert_id)


def release_due() -> None:
    """Send the scheduled alerts whose time came (server/alerts/publishing.py)."""
    from server.alerts import publishing

    publishing.release_due()


JOBS = {"fan_out": fan_out, "push": push, "send_alert": send_alert, "emit_counts": emit_counts, "release_due": release_due}
