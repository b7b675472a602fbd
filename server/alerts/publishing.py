"""An alert's life (DESIGN.md S3): draft → (pending_approval →) scheduled or sending → sent, or
cancelled before it is sent.

Approval: an alert whose targeting names a whole street, district or the city (an org unit of
kind street or above in org_unit_ids) waits for an admin *above* it: another admin whose own
unit is an ancestor of every such unit (for the city itself, which has nobody above: another
admin of the city). The author never approves their own alert.

Sending runs off the request thread (fan-out job "send_alert"): the audience is resolved then
(people who joined since the alert was written get it), notified in chunks of SEND_CHUNK users,
each its own transaction, with the dedupe key "alert:<id>", so a job that died half-way and is
run again never notifies anybody twice. Scheduled alerts are released by release_due(): claimed
by one UPDATE … WHERE status = 'scheduled' (two processes never both send one), run by the daemon
in `redgrid serve` every ALERTS_RELEASE_EVERY_SECONDS or by `redgrid alerts release` from cron.
"""
import logging
import threading
from datetime import datetime

from flask import Flask
from sqlalchemy import select, update

from server import authz, periodic
from server.alerts import audience, fanout, jobs
from server.alerts.audience import Targeting
from server.alerts.models import Alert, Delivery, InboxEntry
from server.alerts.service import notify
from server.core.clock import utcnow
from server.errors import Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.org.models import OrgUnit
from server.core import clock

log = logging.getLogger(__name__)
SEND_CHUNK = 1000
_RANK = {"queued": 0, "sent": 1, "failed": 1, "expired": 1, "delivered": 2, "clicked": 3, "read": 4}


def create(author, data: dict) -> Alert:
    """A new alert from validated input: a draft, or on its way (approval, schedule, now)."""
    targeting = Targeting.of(data["targeting"])
    audience.check_scope(author, targeting)
    now = clock.now()
    send_at, expires_at = data.get("send_at"), data.get("expires_at")
    if expires_at is not None and expires_at <= (send_at or now):
        raise Invalid(_("error.validation"), {"expires_at": [_("alerts.error.expires_before_send")]})
    alert = Alert(
        title=data["title"].strip(), body=data["body"], level=data["level"], category=data["category"], link=data.get("link"),
        targeting=targeting.as_json(), send_at=send_at, expires_at=expires_at, author_id=author.id,
        needs_approval=audience.is_wide(targeting), status="draft", created_at=now,
    )
    if not alert.title:
        raise Invalid(_("error.validation"), {"title": [_("alerts.error.title_length")]})
    db.session.add(alert)
    if not data.get("draft"):
        _move_on(alert, now)
    db.session.commit()
    _start_if_sending(alert)
    return alert


def publish(author, alert_id: int) -> Alert:
    """A draft goes on its way (approval, schedule or now)."""
    alert = _own(author, alert_id)
    if alert.status != "draft":
        raise Invalid(_("alerts.error.not_pending"), {"status": [_("alerts.error.not_pending")]})
    audience.check_scope(author, Targeting.of(alert.targeting))
    _move_on(alert, clock.now())
    db.session.commit()
    _start_if_sending(alert)
    return alert


def _move_on(alert: Alert, now) -> None:
    if alert.needs_approval and alert.approver_id is None:
        alert.status = "pending_approval"
    elif alert.send_at is not None and jobs.aware(alert.send_at) > now:
        alert.status = "scheduled"
    else:
        alert.status = "sending"


def _start_if_sending(alert: Alert) -> None:
    if alert.status == "sending":
        fanout.submit("send_alert", alert.id)


def approve(approver, alert_id: int) -> Alert:
    """An admin above the alert's wide targets approves it; it goes on its way."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or not can_approve(approver, alert):
        raise NotFound(_("error.not_found"))
    if alert.status != "pending_approval":
        raise Invalid(_("alerts.error.not_pending"), {"status": [_("alerts.error.not_pending")]})
    alert.approver_id, alert.approved_at = approver.id, clock.now()
    _move_on(alert, clock.now())
    db.session.commit()
    _start_if_sending(alert)
    return alert


def can_approve(user, alert: Alert) -> bool:
    """Another admin whose unit is above every wide unit of the target (the city: itself)."""
    if user.id == alert.author_id or not alert.needs_approval:
        return False
    paths = authz.scopes_of(user).admin_paths
    units = db.session.execute(select(OrgUnit.path, OrgUnit.parent_id).where(OrgUnit.id.in_(alert.targeting.get("org_unit_ids") or []))).all()
    return bool(units) and all(
        any(path.startswith(p) and (path != p or parent_id is None) for p in paths) for path, parent_id in units
    )


def cancel(user, alert_id: int) -> Alert:
    """Its author (or an approver) stops an alert that is not sent yet."""
    alert = visible_alert(user, alert_id)
    if alert.status not in ("draft", "pending_approval", "scheduled"):
        raise Invalid(_("alerts.error.cannot_cancel"), {"status": [_("alerts.error.cannot_cancel")]})
    alert.status, alert.cancelled_at = "cancelled", clock.now()
    db.session.commit()
    return alert


def visible_alert(user, alert_id: int) -> Alert:
    """An alert its author, or an admin who may approve it, sees; to anyone else 404."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or (alert.author_id != user.id and not can_approve(user, alert)):
        raise NotFound(_("error.not_found"))
    return alert


def _own(user, alert_id: int) -> Alert:
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.author_id != user.id:
        raise NotFound(_("error.not_found"))
    return alert


def list_alerts(user, view: str = "mine") -> list[Alert]:
    """Mine (newest first), or those waiting for my approval."""
    if view == "to_approve":
        pending = db.session.scalars(select(Alert).where(Alert.status == "pending_approval").order_by(Alert.id.desc())).all()
        return [a for a in pending if can_approve(user, a)]
    return list(db.session.scalars(select(Alert).where(Alert.author_id == user.id).order_by(Alert.id.desc()).limit(200)))


def resend(author, alert_id: int) -> int:
    """Queue the failed pushes of my alert again; returns how many."""
    alert = _own(author, alert_id)
    failed = db.session.scalars(select(Delivery).where(Delivery.alert_id == alert.id, Delivery.state == "failed", Delivery.subscription_id.is_not(None))).all()
    entry_ids = sorted({d.inbox_id for d in failed})
    for d in failed:
        d.state, d.error = "queued", None
    db.session.commit()
    for start in range(0, len(entry_ids), fanout.CHUNK):
        fanout.submit("push", entry_ids[start : start + fanout.CHUNK])
    return len(failed)


def send(alert_id: int) -> None:
    """Notify an alert's audience (job "send_alert"); sending → sent."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or alert.status != "sending":
        return
    from server.auth.models import User

    author = db.session.get(User, alert.author_id)
    user_ids = audience.resolve(Targeting.of(alert.targeting), author)
    for start in range(0, len(user_ids), SEND_CHUNK):
        notify(user_ids[start : start + SEND_CHUNK], "alert", alert.title, alert.body, alert.link or f"#/alerts/{alert.id}",
               alert.level, alert.category, None, dedupe_key=f"alert:{alert.id}", alert_id=alert.id)
        db.session.commit()
    alert = db.session.get(Alert, alert_id)
    alert.status, alert.sent_at = "sent", clock.now()
    alert.recipients = db.session.scalar(select(db.func.count()).where(InboxEntry.alert_id == alert_id))
    db.session.commit()
    jobs.emit_counts(alert_id)


def release_due(now=None) -> list[int]:
    """Claim the scheduled (approved where needed) alerts whose send_at has come, and send them."""
    now = now or clock.now()
    due = list(db.session.scalars(select(Alert.id).where(Alert.status == "scheduled", Alert.send_at <= now)))
    claimed = []
    for alert_id in due:
        # One UPDATE per alert: a second process finds it no longer scheduled and leaves it.
        if db.session.execute(update(Alert).where(Alert.id == alert_id, Alert.status == "scheduled").values(status="sending")).rowcount:
            claimed.append(alert_id)
    db.session.commit()
    for alert_id in claimed:
        fanout.submit("send_alert", alert_id)
    return claimed


def ack(token: str, state: str, endpoint: str | None = None, at: datetime | None = None) -> Delivery:
    """A service worker's receipt or click of a push (no session: the entry's ack token, which
    only the push payload carried, names it; the device's endpoint picks its delivery). `at` is
    when it happened on the phone: an ack the worker kept while offline arrives late, perhaps
    after a later one (PROTOCOL.md §13.3)."""
    entry_delivery = db.session.scalar(select(Delivery).where(Delivery.token == token, Delivery.subscription_id.is_(None)))
    if entry_delivery is None:
        raise NotFound(_("alerts.error.bad_token"), {"token": [_("alerts.error.bad_token")]})
    from server.push.models import PushSubscription

    candidates = db.session.scalars(select(Delivery).where(Delivery.inbox_id == entry_delivery.inbox_id, Delivery.subscription_id.is_not(None)).order_by(Delivery.id)).all()
    delivery = None
    if endpoint:
        subscription_id = db.session.scalar(select(PushSubscription.id).where(PushSubscription.endpoint == endpoint))
        delivery = next((d for d in candidates if d.subscription_id == subscription_id), None)
    if delivery is None:
        delivery = next((d for d in candidates if d.state in ("queued", "sent", "failed")), None) or (candidates[0] if candidates else entry_delivery)
    when = _ack_time(delivery, at)
    # The earliest time told wins: a click implies delivery by then, and a delivered ack kept
    # offline may arrive after the click's.
    if delivery.delivered_at is None or when < jobs.aware(delivery.delivered_at):
        delivery.delivered_at = when
    if state == "clicked" and (delivery.clicked_at is None or when < jobs.aware(delivery.clicked_at)):
        delivery.clicked_at = when
    if _RANK[state] > _RANK.get(delivery.state, 0):  # states only move forward
        delivery.state = state
    alert_id = delivery.alert_id
    db.session.commit()
    if alert_id is not None:
        jobs.emit_counts(alert_id)
    return delivery


def _ack_time(delivery: Delivery, at: datetime | None) -> datetime:
    """The phone's time of an ack, trusted within reason: never in the future, never before the
    push was sent (a phone's clock may be off)."""
    now = utcnow()
    when = now if at is None else min(at, now)
    floor = delivery.sent_at or delivery.queued_at
    return max(when, jobs.aware(floor)) if floor is not None else when


# --- the daemon inside `redgrid serve` ----------------------------------------------------------


def start_daemon(app: Flask) -> threading.Thread | None:
    """Run release_due() every ALERTS_RELEASE_EVERY_SECONDS in a daemon thread (0: none)."""
    return periodic.start(app, app.config.get("ALERTS_RELEASE_EVERY_SECONDS", 0), "alert-release", _release_and_log)


def _release_and_log() -> None:
    released = release_due()
    if released:
        log.info("released %d scheduled alert(s)", len(released))
