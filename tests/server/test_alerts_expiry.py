"""Push deliveries that can no longer arrive become expired (server/alerts/expiry.py): through the
real sender to the decrypting push-service stand-in, acknowledged or not, then the clock moves
past the level's TTL or the alert's expiry."""

from datetime import timedelta

from sqlalchemy import select

from server.alerts.expiry import expire_deliveries
from server.alerts.models import Alert
from server.core.clock import utcnow
from server.extensions import db
from server.notices import deliveries
from server.notices.models import Delivery
from server.push.models import PushSubscription
from server.push.sender import get_sender
from tests.server.alerts_support import signed_in


def _devices(app, user_id, standin) -> list[tuple[int, dict]]:
    """A phone and a tablet of one resident, subscribed at the stand-in."""
    with app.app_context():
        subscribers = [standin.new_subscriber(application_server_key=app.config["VAPID_PUBLIC_KEY"]) for _ in range(2)]
        rows = [
            PushSubscription(user_id=user_id, endpoint=s.endpoint, p256dh=s.p256dh, auth=s.info["keys"]["auth"])
            for s in subscribers
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [(row.id, s) for row, s in zip(rows, subscribers)]


def _states(app, alert_id) -> dict[int, str]:
    with app.app_context():
        return dict(
            db.session.execute(
                select(Delivery.subscription_id, Delivery.state).where(
                    Delivery.alert_id == alert_id, Delivery.subscription_id.is_not(None)
                )
            ).all()
        )


def test_an_unacknowledged_push_expires_with_its_ttl_and_a_received_one_stays(app, aw, standin):
    (phone, phone_at), (tablet, tablet_at) = _devices(app, aw.r_hexi1, standin)
    admin = signed_in(app, "13800000002")
    try:
        alert = admin.send(
            "POST",
            "/api/alerts",
            json={
                "title": "停水通知",
                "body": "今日 14:00 起停水。",
                "level": "urgent",
                "category": "utility",
                "targeting": {"compound_ids": [aw.hexi_xiaoqu]},
            },
        ).get_json()
    finally:
        with app.app_context():
            get_sender().close()
    assert {r.payload["title"] for r in standin.received} == {"停水通知"} and len(standin.received) == 2
    ack = standin.received[0].payload["ack"]
    assert (
        app.test_client()
        .post("/api/alerts/ack", json={"token": ack, "state": "delivered", "endpoint": phone_at.endpoint})
        .status_code
        == 200
    )
    assert _states(app, alert["id"]) == {phone: "delivered", tablet: "sent"}

    with app.app_context():
        assert expire_deliveries(utcnow() + timedelta(hours=5)) == 0  # an urgent push lives 6 hours at the push service
        assert expire_deliveries(utcnow() + timedelta(hours=6, minutes=1)) == 1
        assert deliveries.counts(alert["id"])["expired"] == 1
    assert _states(app, alert["id"]) == {phone: "delivered", tablet: "expired"}
    # A receipt that comes late (the tablet's service worker was offline) still proves delivery.
    assert (
        app.test_client()
        .post("/api/alerts/ack", json={"token": ack, "state": "delivered", "endpoint": tablet_at.endpoint})
        .status_code
        == 200
    )
    assert _states(app, alert["id"]) == {phone: "delivered", tablet: "delivered"}


def test_pushes_of_an_expired_alert_expire_at_its_expiry(app, aw, standin):
    _devices(app, aw.r_hexi1, standin)
    admin = signed_in(app, "13800000002")
    expires = utcnow() + timedelta(hours=2)
    try:
        alert = admin.send(
            "POST",
            "/api/alerts",
            json={
                "title": "社区活动",
                "body": "今晚 7 点广场舞。",
                "level": "info",
                "category": "event",
                "targeting": {"compound_ids": [aw.hexi_xiaoqu]},
                "expires_at": expires.isoformat(),
            },
        ).get_json()
    finally:
        with app.app_context():
            get_sender().close()
    assert set(_states(app, alert["id"]).values()) == {"sent"}
    assert all(int(r.ttl) <= 7200 for r in standin.received)  # the push service drops it at the expiry too
    with app.app_context():
        assert expire_deliveries(expires - timedelta(minutes=1)) == 0  # info lives 3 days; the alert 2 hours
        assert expire_deliveries(expires + timedelta(seconds=1)) == 2
        assert db.session.get(Alert, alert["id"]).status == "sent"
    assert set(_states(app, alert["id"]).values()) == {"expired"}
