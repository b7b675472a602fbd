"""The service worker's acks (PROTOCOL.md §13.3) as a phone sends them after being offline: late,
with the time they happened, perhaps after a later one; states never move back; the phone's clock
is trusted only within reason."""

from datetime import UTC, datetime, timedelta

import pytest

from server.extensions import db
from server.notices.models import Delivery
from tests.server.alerts_support import signed_in
from tests.server.test_alerts_api import alert_to, subscribe

PHONE = "https://push.example/phone"


@pytest.fixture
def pushed(app, aw, push_service):
    """An alert pushed to a resident's phone: (its payload, the phone's delivery id, the admin)."""
    _answers, sent = push_service
    phone = subscribe(app, aw.r_hexi1, PHONE)
    admin = signed_in(app, "13800000002")
    alert_to(admin, compound_ids=[aw.hexi_xiaoqu])
    (payload,) = [p for endpoint, p, *_ in sent if endpoint == PHONE]
    with app.app_context():
        row = db.session.scalar(db.select(Delivery).where(Delivery.subscription_id == phone))
        # Sent an hour ago: the phone's acks come from the time since.
        row.queued_at, row.sent_at = row.queued_at - timedelta(hours=1), row.sent_at - timedelta(hours=1)
        db.session.commit()
        return payload, row.id, admin


def ack(app, payload, state, at=None):
    body = {"token": payload["ack"], "state": state, "endpoint": PHONE}
    if at is not None:
        body["at"] = at.isoformat()
    return app.test_client().post("/api/alerts/ack", json=body)


def delivery(app, delivery_id) -> Delivery:
    with app.app_context():
        row = db.session.get(Delivery, delivery_id)
        db.session.expunge(row)
        return row


def utc(value):
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_a_late_ack_keeps_the_time_it_happened_on_the_phone(app, pushed):
    payload, delivery_id, admin = pushed
    sent_at = utc(delivery(app, delivery_id).sent_at)
    happened = sent_at + timedelta(seconds=3)
    response = ack(app, payload, "delivered", at=happened)
    assert response.status_code == 200 and response.get_json() == {"state": "delivered"}
    row = delivery(app, delivery_id)
    assert (row.state, utc(row.delivered_at)) == ("delivered", happened)


def test_a_delivered_ack_arriving_after_the_click_does_not_move_the_state_back(app, pushed):
    payload, delivery_id, admin = pushed
    sent_at = utc(delivery(app, delivery_id).sent_at)
    delivered, clicked = sent_at + timedelta(seconds=2), sent_at + timedelta(seconds=40)
    assert ack(app, payload, "clicked", at=clicked).get_json() == {"state": "clicked"}
    assert utc(delivery(app, delivery_id).delivered_at) == clicked  # a click implies delivery by then
    assert ack(app, payload, "delivered", at=delivered).get_json() == {"state": "clicked"}
    row = delivery(app, delivery_id)
    assert (row.state, utc(row.delivered_at), utc(row.clicked_at)) == ("clicked", delivered, clicked)
    # Sent twice (the answer was lost): nothing changes.
    assert ack(app, payload, "delivered", at=delivered + timedelta(seconds=5)).get_json() == {"state": "clicked"}
    assert utc(delivery(app, delivery_id).delivered_at) == delivered
    counts = admin.send("GET", f"/api/alerts/{row.alert_id}").get_json()["counts"]
    assert counts["clicked"] == 1 and counts["delivered"] == 0


def test_an_ack_after_the_entry_was_read_leaves_it_read(app, pushed):
    payload, delivery_id, _admin = pushed
    with app.app_context():
        db.session.get(Delivery, delivery_id).state = "read"
        db.session.commit()
    assert ack(app, payload, "delivered").get_json() == {"state": "read"}
    assert ack(app, payload, "clicked").get_json() == {"state": "read"}


def test_the_phones_clock_is_held_between_the_sending_and_now(app, pushed):
    payload, delivery_id, _admin = pushed
    sent_at = utc(delivery(app, delivery_id).sent_at)
    ack(app, payload, "delivered", at=sent_at - timedelta(days=2))  # a clock two days behind
    assert utc(delivery(app, delivery_id).delivered_at) == sent_at
    before = datetime.now(UTC)
    ack(app, payload, "clicked", at=before + timedelta(days=1))  # a clock a day ahead
    assert before <= utc(delivery(app, delivery_id).clicked_at) <= datetime.now(UTC)


def test_an_unknown_token_or_a_bad_time_is_refused_for_good(app, pushed):
    """4xx: the service worker drops the ack from its queue instead of trying forever."""
    payload, _delivery_id, _admin = pushed
    client = app.test_client()
    assert (
        client.post(
            "/api/alerts/ack", json={"token": "x" * 32, "state": "delivered", "at": "2026-11-27T08:00:00Z"}
        ).status_code
        == 404
    )
    bad = client.post("/api/alerts/ack", json={"token": payload["ack"], "state": "delivered", "at": "yesterday"})
    assert bad.status_code == 422 and "at" in bad.get_json()["error"]["fields"]
