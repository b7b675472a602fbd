"""Push deliveries that can no longer arrive become "expired" (issue 6's delivery states):

- a delivery sent to a push service whose TTL has passed with no receipt from the device: the
  push service has dropped it (the phone stayed off, or offline, for longer than the level's TTL:
  6 hours for urgent … 3 days for info, server/push/sender.py);
- a delivery still queued, or sent and unacknowledged, of an alert past its expiry.

Delivered, clicked and failed ones stay as they are; a late receipt from a device still counts
(server/notices/deliveries.py's ack moves expired → delivered: the push did arrive). Run by the
periodic jobs (server/core/periodic.py) every ALERTS_EXPIRE_EVERY_SECONDS; each alert whose counts
changed is told to its author's open screens.
"""

from datetime import datetime, timedelta

from sqlalchemy import exists, or_, select, update

from server.alerts.models import Alert
from server.core import periodic
from server.core.clock import utcnow
from server.extensions import db
from server.notices import fanout
from server.notices.models import Delivery, InboxEntry
from server.push.sender import TTL_AND_URGENCY


def expire_deliveries(now: datetime | None = None) -> int:
    """Mark what can no longer arrive as expired; returns how many deliveries changed."""
    now = now or utcnow()
    late = [
        (InboxEntry.level == level) & (Delivery.sent_at < now - timedelta(seconds=ttl))
        for level, (ttl, _) in TTL_AND_URGENCY.items()
    ]
    past_ttl = (Delivery.state == "sent") & exists().where(InboxEntry.id == Delivery.inbox_id, or_(*late))
    alert_over = Delivery.alert_id.in_(
        select(Alert.id).where(Alert.expires_at.is_not(None), Alert.expires_at <= now)
    ) & Delivery.state.in_(("queued", "sent"))
    which = Delivery.subscription_id.is_not(None) & or_(past_ttl, alert_over)
    alert_ids = set(
        db.session.scalars(select(Delivery.alert_id).where(which, Delivery.alert_id.is_not(None)).distinct())
    )
    changed = db.session.execute(
        update(Delivery)
        .where(which)
        .values(state="expired", expired_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if alert_ids:
        for alert_id in sorted(alert_ids):
            fanout.submit("emit_counts", alert_id)
    return changed


def _expire() -> None:
    expire_deliveries()


PERIODIC = periodic.PeriodicJob("delivery-expiry", lambda config: config.get("ALERTS_EXPIRE_EVERY_SECONDS", 0), _expire)
