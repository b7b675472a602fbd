"""The notification service's jobs (server/notices/fanout.py runs them, in a pool thread or an
RQ worker, always inside an app context): a notice's Web Push, then the counts its author
watches; and the live `alert` event of new notices, which server/notices/service.py emits as
their transaction commits."""

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from server.core import periodic
from server.core.clock import utcnow
from server.core.fields import iso
from server.extensions import db, socketio
from server.notices import deliveries, fanout
from server.notices.models import Delivery, InboxEntry
from server.push import sender
from server.realtime.rooms import bucket_room

log = logging.getLogger(__name__)
ALERT_EVENT = "alert"  # a new inbox entry, for a live banner
ACK_URL = "/api/alerts/ack"


def entry_view(entry: InboxEntry) -> dict:
    """An inbox entry as the `alert` event and the API show it."""
    return {
        "id": entry.id,
        "alert_id": entry.alert_id,
        "kind": entry.kind,
        "title": entry.title,
        "body": entry.body,
        "level": entry.level,
        "category": entry.category,
        "link": entry.link,
        "data": entry.data,
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
    the notice was committed, server/notices/service.py), then tell the authors the counts."""
    alert_ids = set(
        db.session.scalars(
            select(InboxEntry.alert_id).where(InboxEntry.id.in_(entry_ids), InboxEntry.alert_id.is_not(None)).distinct()
        )
    )
    push(entry_ids)
    for alert_id in sorted(alert_ids):
        deliveries.emit_counts(alert_id)


def push(entry_ids: list[str]) -> None:
    """Send the queued Web Push deliveries of these entries (one payload per entry: it carries
    the entry's ack token, PROTOCOL.md §13.3) and record each device's answer. The devices of all
    the entries that share a level, topic and expiry (an alert's chunk) go out as one batch."""
    queued = db.session.scalars(
        select(Delivery).where(
            Delivery.inbox_id.in_(entry_ids), Delivery.state == "queued", Delivery.subscription_id.is_not(None)
        )
    ).all()
    if not queued:
        return
    by_entry: dict[str, list[Delivery]] = {}
    for delivery in queued:
        by_entry.setdefault(delivery.inbox_id, []).append(delivery)
    entries = {e.id: e for e in db.session.scalars(select(InboxEntry).where(InboxEntry.id.in_(by_entry)))}
    expiries = deliveries.expiries({e.alert_id for e in entries.values() if e.alert_id is not None})
    acks = dict(
        db.session.execute(
            select(Delivery.inbox_id, Delivery.token).where(
                Delivery.inbox_id.in_(by_entry), Delivery.subscription_id.is_(None)
            )
        ).all()
    )
    limit = current_app.config["PUSH_PAYLOAD_MAX_BYTES"]
    now = utcnow()
    batches: dict[tuple, list[tuple[Delivery, dict]]] = {}
    for entry_id, of_entry in by_entry.items():
        entry = entries[entry_id]
        expires_at = expiries.get(entry.alert_id)
        if expires_at is not None and expires_at <= now:
            for d in of_entry:
                d.state, d.expired_at = "expired", now
            continue
        payload = {
            "id": entry.id,
            "alert_id": entry.alert_id,
            "title": entry.title,
            "body": entry.body or "",
            "level": entry.level,
            "category": entry.category,
            "link": entry.link or f"#/inbox/{entry.id}",
            "ack": acks.get(entry_id),
            "ack_url": ACK_URL,
        }
        try:
            payload = sender.fit_payload(payload, limit)
        except sender.PayloadTooLarge as exc:
            for d in of_entry:
                d.state, d.failed_at, d.error = "failed", now, str(exc)[:300]
            continue
        key = (entry.level, sender.topic_for("alert", entry.alert_id) if entry.alert_id else None, expires_at)
        batches.setdefault(key, []).extend((d, payload) for d in of_entry)
    for (level, topic, expires_at), items in batches.items():
        outcomes = sender.deliver_each(
            [(d.subscription_id, payload) for d, payload in items], level, topic, expires_at=expires_at
        )
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
            d.state, d.failed_at, d.push_status, d.error = (
                "failed",
                now,
                outcome.http_status,
                (outcome.error or outcome.status)[:300],
            )


SWEEP_KEY = "push-sweep"
SWEEP_MAX = 5000  # entries per sweep job; the next round takes the rest


def sweep_queued() -> int:
    """Queue again the Web Push of deliveries still `queued` PUSH_SWEEP_AFTER_SECONDS after they
    were made (their fan-out job was never queued: Redis was unreachable, or lost its queue), in
    one job (key SWEEP_KEY) when none is waiting or running; returns how many deliveries. The
    wait keeps it off the pushes a live job is about to send (one device, one push)."""
    app = current_app._get_current_object()
    now = utcnow()
    after = app.config.get("PUSH_SWEEP_AFTER_SECONDS", 300)
    stale = list(
        db.session.scalars(
            select(Delivery.inbox_id)
            .where(
                Delivery.state == "queued",
                Delivery.subscription_id.is_not(None),
                Delivery.queued_at < now - timedelta(seconds=after),
                Delivery.queued_at > now - timedelta(days=1),  # older ones: "resend" by their author
            )
            .limit(SWEEP_MAX)
        )
    )
    entry_ids = sorted(set(stale))
    if not entry_ids or fanout.in_flight(app, SWEEP_KEY) or not fanout.submit("push", entry_ids, key=SWEEP_KEY):
        return 0
    return len(stale)


def _sweep_and_log() -> None:
    swept = sweep_queued()
    if swept:
        log.warning("queued again %d Web Push deliveries left without a job", swept)


JOBS = {"fan_out": fan_out, "push": push, "emit_counts": deliveries.emit_counts}
PERIODIC = periodic.PeriodicJob("push-sweep", lambda config: config.get("PUSH_SWEEP_EVERY_SECONDS", 0), _sweep_and_log)
