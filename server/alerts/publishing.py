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

An alert whose sending job could not be queued (Redis unreachable when it was published, or the
queue lost with Redis's memory) stays `sending`: publishing still answers (the alert is
committed), and the same periodic run queues its job again (resume_sending) once Redis answers;
sending being idempotent, nobody gets it twice.
"""

import logging
import threading
from datetime import datetime

from flask import Flask
from sqlalchemy import select, update

from server import authz
from server.alerts.models import Alert
from server.auth.models import User
from server.core import clock, periodic
from server.errors import Invalid, NotFound
from server.extensions import db
from server.i18n import _
from server.notices import audience, deliveries, fanout
from server.notices.audience import Targeting
from server.notices.deliveries import aware
from server.notices.models import Delivery, InboxEntry
from server.notices.service import notify, push_targets
from server.org.models import OrgUnit

log = logging.getLogger(__name__)
SEND_CHUNK = 1000


def create(author, data: dict) -> Alert:
    """A new alert from validated input: a draft, or on its way (approval, schedule, now)."""
    targeting = Targeting.of(data["targeting"])
    audience.check_scope(author, targeting)
    now = clock.now()
    send_at, expires_at = data.get("send_at"), data.get("expires_at")
    if expires_at is not None and expires_at <= (send_at or now):
        raise Invalid(_("error.validation"), {"expires_at": [_("alerts.error.expires_before_send")]})
    alert = Alert(
        title=data["title"].strip(),
        body=data["body"],
        level=data["level"],
        category=data["category"],
        link=data.get("link"),
        targeting=targeting.as_json(),
        send_at=send_at,
        expires_at=expires_at,
        author_id=author.id,
        needs_approval=audience.is_wide(targeting),
        status="draft",
        created_at=now,
    )
    if not alert.title:
        raise Invalid(_("error.validation"), {"title": [_("alerts.error.title_length")]})
    db.session.add(alert)
    if not data.get("draft"):
        _move_on(alert, now)
    db.session.commit()
    _start_if_sending(alert)
    return alert


def reach(author, data: dict) -> dict:
    """Whom an alert would reach if sent now, resolved as send() resolves it (audience.resolve,
    then the push subscriptions notify() would push to): people and devices, and whether it
    covers a whole jurisdiction. Refused like create() outside the author's jurisdiction."""
    targeting = Targeting.of(data["targeting"])
    audience.check_scope(author, targeting)
    user_ids = audience.resolve(targeting, author)
    devices = push_targets(user_ids, data.get("category"))
    wide = audience.is_wide(targeting)
    return {
        "people": len(user_ids),
        "devices": sum(map(len, devices.values())),
        "needs_approval": wide,
        "whole_jurisdiction": wide or not targeting.has_places,
    }


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
    elif alert.send_at is not None and aware(alert.send_at) > now:
        alert.status = "scheduled"
    else:
        alert.status = "sending"


def _start_if_sending(alert: Alert) -> None:
    if alert.status == "sending":
        fanout.submit("send_alert", alert.id, key=_send_key(alert.id))


def _send_key(alert_id: int) -> str:
    return f"send_alert-{alert_id}"


def resume_sending() -> list[int]:
    """Queue again the sending of every alert left `sending` with no job waiting or running
    (fanout.in_flight): Redis was down when it was published, or lost its queue. send() skips
    whoever has the alert already (its dedupe key), so a job run twice notifies nobody twice."""
    from flask import current_app

    app = current_app._get_current_object()
    resumed = []
    for alert_id in db.session.scalars(select(Alert.id).where(Alert.status == "sending").order_by(Alert.id)):
        key = _send_key(alert_id)
        if not fanout.in_flight(app, key) and fanout.submit("send_alert", alert_id, key=key):
            resumed.append(alert_id)
    return resumed


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
    units = db.session.execute(
        select(OrgUnit.path, OrgUnit.parent_id).where(OrgUnit.id.in_(alert.targeting.get("org_unit_ids") or []))
    ).all()
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


LIST_MAX = 200  # of my alerts on the screen; the export has them all


def list_alerts(user, view: str = "mine", limit: int | None = LIST_MAX) -> list[Alert]:
    """Mine (newest first, the latest `limit`), or those waiting for my approval."""
    if view == "to_approve":
        pending = db.session.scalars(
            select(Alert).where(Alert.status == "pending_approval").order_by(Alert.id.desc())
        ).all()
        return [a for a in pending if can_approve(user, a)]
    return list(
        db.session.scalars(select(Alert).where(Alert.author_id == user.id).order_by(Alert.id.desc()).limit(limit))
    )


def resend(author, alert_id: int) -> int:
    """Queue the failed pushes of my alert again; returns how many."""
    alert = _own(author, alert_id)
    failed = db.session.scalars(
        select(Delivery).where(
            Delivery.alert_id == alert.id, Delivery.state == "failed", Delivery.subscription_id.is_not(None)
        )
    ).all()
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
    author = db.session.get(User, alert.author_id)
    user_ids = audience.resolve(Targeting.of(alert.targeting), author)
    for start in range(0, len(user_ids), SEND_CHUNK):
        notify(
            user_ids[start : start + SEND_CHUNK],
            "alert",
            alert.title,
            alert.body,
            alert.link or f"#/alerts/{alert.id}",
            alert.level,
            alert.category,
            None,
            dedupe_key=f"alert:{alert.id}",
            alert_id=alert.id,
        )
        db.session.commit()
    alert = db.session.get(Alert, alert_id)
    alert.status, alert.sent_at = "sent", clock.now()
    alert.recipients = db.session.scalar(select(db.func.count()).where(InboxEntry.alert_id == alert_id))
    db.session.commit()
    deliveries.emit_counts(alert_id)


def release_due(now=None) -> list[int]:
    """Claim the scheduled (approved where needed) alerts whose send_at has come, and send them."""
    now = now or clock.now()
    due = list(db.session.scalars(select(Alert.id).where(Alert.status == "scheduled", Alert.send_at <= now)))
    claimed = []
    for alert_id in due:
        # One UPDATE per alert: a second process finds it no longer scheduled and leaves it.
        if db.session.execute(
            update(Alert).where(Alert.id == alert_id, Alert.status == "scheduled").values(status="sending")
        ).rowcount:
            claimed.append(alert_id)
    db.session.commit()
    for alert_id in claimed:
        fanout.submit("send_alert", alert_id, key=_send_key(alert_id))
    return claimed


# --- the daemon inside `redgrid serve` ----------------------------------------------------------


def start_daemon(app: Flask) -> threading.Thread | None:
    """Run release_due() every ALERTS_RELEASE_EVERY_SECONDS in a daemon thread (0: none)."""
    return periodic.start_job(app, PERIODIC)


def _release_and_log() -> None:
    released = release_due()
    if released:
        log.info("released %d scheduled alert(s)", len(released))
    resumed = resume_sending()
    if resumed:
        log.warning("queued again the sending of %d alert(s) left without a job: %s", len(resumed), resumed)


# --- what notices need to know of an alert (registered at assembly, server/alerts/part.py) ------


def expiries(alert_ids: set[int]) -> dict[int, datetime]:
    """The expiry of each of these alerts that expires (no push goes out after it)."""
    rows = db.session.execute(
        select(Alert.id, Alert.expires_at).where(Alert.id.in_(alert_ids), Alert.expires_at.is_not(None))
    )
    return {alert_id: aware(expires_at) for alert_id, expires_at in rows}


def author_of(alert_id: int) -> int | None:
    """Who watches an alert's delivery counts."""
    return db.session.scalar(select(Alert.author_id).where(Alert.id == alert_id))


JOBS = {"send_alert": send, "release_due": release_due}
PERIODIC = periodic.PeriodicJob(
    "alert-release", lambda config: config.get("ALERTS_RELEASE_EVERY_SECONDS", 0), _release_and_log
)
