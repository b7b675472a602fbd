"""The Web Push sender against the local push-service stand-in: real encryption and VAPID,
every answer a push service gives, retries on an injected sleeper (no test sleeps)."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import pywebpush
from sqlalchemy import select

from server.core.clock import utcnow
from server.push.endpoints import EndpointPolicy
from server.push.models import PushSubscription
from server.push.sender import (
    TTL_AND_URGENCY,
    PayloadTooLarge,
    PushSender,
    deliver,
    deliver_each,
    fit_payload,
    get_sender,
    parse_retry_after,
    topic_for,
)
from server.push.vapid import VapidSigner, generate_private_key, public_key_of
from tests.factories import user
from tests.support.push_service import PushServiceStandIn

STAND_IN = EndpointPolicy(allow_insecure=True)  # http to this machine: the stand-in (TESTING does the same for apps)
PAYLOAD = {
    "alert_id": 42,
    "title": "停水通知",
    "body": "12月1日 8:00-18:00 帝豪花园停水，请提前储水。",
    "level": "urgent",
    "url": "/alerts/42",
}


class Sleeper:
    """Records the waits instead of sleeping."""

    def __init__(self):
        self.waits = []

    def __call__(self, seconds):
        self.waits.append(seconds)


@pytest.fixture
def keys():
    private = generate_private_key()
    return private, public_key_of(private)


@pytest.fixture
def sender(keys):
    sender = PushSender(
        VapidSigner(keys[0], "mailto:ops@redgrid.example.cn"),
        sleep=Sleeper(),
        max_attempts=4,
        workers=4,
        endpoints=STAND_IN,
    )
    yield sender
    sender.close()


def test_the_push_service_decrypts_the_payload_and_sees_the_level_headers(standin, sender, keys):
    subscriber = standin.new_subscriber(application_server_key=keys[1])
    outcome = sender.send(
        subscriber.info,
        PAYLOAD,
        ttl=TTL_AND_URGENCY["urgent"][0],
        urgency=TTL_AND_URGENCY["urgent"][1],
        topic=topic_for("alert", 42),
    )
    assert (outcome.status, outcome.http_status, outcome.attempts) == ("sent", 201, 1)
    [got] = standin.received
    assert got.error is None
    assert got.payload == PAYLOAD
    assert (got.ttl, got.urgency, got.topic) == ("21600", "high", "alert-42")
    assert got.claims["aud"] == standin.origin and got.claims["sub"] == "mailto:ops@redgrid.example.cn"


@pytest.mark.parametrize(
    "level, ttl, urgency",
    [
        ("info", "259200", "low"),
        ("notice", "259200", "normal"),
        ("warning", "86400", "high"),
        ("urgent", "21600", "high"),
    ],
)
def test_each_level_has_its_ttl_and_urgency(standin, sender, level, ttl, urgency):
    sender.send(
        standin.new_subscriber().info, PAYLOAD, ttl=TTL_AND_URGENCY[level][0], urgency=TTL_AND_URGENCY[level][1]
    )
    assert (standin.received[0].ttl, standin.received[0].urgency, standin.received[0].topic) == (ttl, urgency, None)


def test_a_topic_is_at_most_32_url_safe_characters():
    assert topic_for("alert", 42) == "alert-42"
    long = topic_for("rectification-order", "x" * 40)
    assert len(long) == 32 and set(long) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_payload_over_the_limit_is_refused_before_anything_is_sent(standin, sender):
    big = {**PAYLOAD, "body": "停" * 1100}  # 3,300 bytes of UTF-8
    with pytest.raises(PayloadTooLarge):
        sender.send(standin.new_subscriber().info, big, ttl=60)
    assert standin.received == []
    fitted = fit_payload(big, sender.payload_max_bytes)
    assert len(fitted["body"]) < 1100 and fitted["body"].endswith("…")
    assert sender.send(standin.new_subscriber().info, fitted, ttl=60).status == "sent"
    assert standin.received[0].payload == fitted


@pytest.mark.parametrize("status", [404, 410])
def test_gone_subscriptions_are_reported_gone_without_retrying(standin, sender, status):
    standin.script(status)
    outcome = sender.send(standin.new_subscriber().info, PAYLOAD, ttl=60)
    assert (outcome.status, outcome.http_status, outcome.attempts) == ("gone", status, 1)
    assert sender.sleep.waits == []


def test_413_fails_without_retrying(standin, sender):
    standin.script(413)
    outcome = sender.send(standin.new_subscriber().info, PAYLOAD, ttl=60)
    assert (outcome.status, outcome.http_status, outcome.attempts) == ("failed", 413, 1)


def test_429_is_retried_after_the_seconds_the_push_service_asks(standin, sender):
    standin.script(429, count=2, retry_after="7")
    outcome = sender.send(standin.new_subscriber().info, PAYLOAD, ttl=60)
    assert (outcome.status, outcome.attempts) == ("sent", 3)
    assert sender.sleep.waits == [7.0, 7.0]
    assert [r.status for r in standin.received] == [429, 429, 201]


def test_retry_after_as_an_http_date_is_honoured(standin, keys):
    now = 1_800_000_000.0
    sender = PushSender(
        VapidSigner(keys[0], "mailto:ops@redgrid.example.cn"), sleep=Sleeper(), clock=lambda: now, endpoints=STAND_IN
    )
    when = format_datetime(datetime.fromtimestamp(now + 30, UTC), usegmt=True)
    standin.script(503, retry_after=when)
    assert sender.send(standin.new_subscriber().info, PAYLOAD, ttl=60).status == "sent"
    assert sender.sleep.waits == [30.0]
    assert parse_retry_after("not a date", now) is None


def test_5xx_is_retried_with_exponential_backoff_up_to_the_attempt_limit(standin, sender):
    standin.script(500, count=10)
    outcome = sender.send(standin.new_subscriber().info, PAYLOAD, ttl=60)
    assert (outcome.status, outcome.http_status, outcome.attempts) == ("failed", 500, 4)
    assert sender.sleep.waits == [1.0, 2.0, 4.0]


def test_a_retry_after_longer_than_the_longest_wait_gives_up_for_a_requeue(standin, sender):
    standin.script(429, retry_after="3600")
    outcome = sender.send(standin.new_subscriber().info, PAYLOAD, ttl=60)
    assert (outcome.status, outcome.attempts, outcome.retry_after) == ("failed", 1, 3600.0)
    assert sender.sleep.waits == []


def test_an_unreachable_push_service_is_retried_then_failed(sender):
    info = {**_any_subscriber_info(), "endpoint": "http://127.0.0.1:9/push/nobody"}  # nothing listens on 9
    outcome = sender.send(info, PAYLOAD, ttl=60)
    assert (outcome.status, outcome.http_status, outcome.attempts) == ("failed", None, 4)
    assert outcome.error.startswith("ClientConnectorError: Cannot connect to host 127.0.0.1:9")
    assert sender.sleep.waits == [2.0, 4.0]  # the first retry at once: maybe just a closed keep-alive connection


def _any_subscriber_info():
    with PushServiceStandIn() as service:
        return service.new_subscriber().info


def test_one_jwt_per_audience_is_reused_until_shortly_before_it_expires(standin, keys):
    now = [1_900_000_000.0]
    signer = VapidSigner(keys[0], "mailto:ops@redgrid.example.cn", clock=lambda: now[0])
    first = signer.headers_for(f"{standin.origin}/push/a")
    assert signer.headers_for(f"{standin.origin}/push/b") is first
    assert signer.headers_for("https://fcm.googleapis.com/fcm/send/x") is not first
    assert signer.signed == 2
    now[0] += signer.lifetime - signer.margin - 1
    assert signer.headers_for(f"{standin.origin}/push/a") is first
    now[0] += 2
    assert signer.headers_for(f"{standin.origin}/push/a") is not first and signer.signed == 3


def test_many_pushes_share_one_jwt_and_a_few_connections(standin, sender, keys):
    subscribers = [standin.new_subscriber(application_server_key=keys[1]) for _ in range(40)]
    outcomes = sender.send_many([s.info for s in subscribers], PAYLOAD, ttl=60, urgency="normal", topic="alert-42")
    assert [o.status for o in outcomes] == ["sent"] * 40
    assert [o.endpoint for o in outcomes] == [s.endpoint for s in subscribers]
    assert len({r.token for r in standin.received}) == 1
    assert sender.signer.signed == 1
    assert 1 <= standin.connections <= sender.workers  # keep-alive: not one connection per push
    assert all(r.payload == PAYLOAD for r in standin.received)


def test_the_plain_webpush_call_opens_a_connection_per_push(standin, keys):
    """What the sender avoids (and what bench/push_fanout.py compares with)."""
    for _ in range(3):
        pywebpush.webpush(
            standin.new_subscriber().info,
            "{}",
            vapid_private_key=keys[0],
            vapid_claims={"sub": "mailto:ops@redgrid.example.cn"},
            ttl=60,
            timeout=5,
        )
    assert standin.connections == 3


def test_deliver_records_the_answers_on_the_subscriptions(app, db, standin):
    app.config["PUSH_MAX_ATTEMPTS"] = 2
    account = user("居民甲")
    subscribers = [standin.new_subscriber(application_server_key=app.config["VAPID_PUBLIC_KEY"]) for _ in range(3)]
    rows = [
        PushSubscription(
            user_id=account.id, endpoint=s.endpoint, p256dh=s.p256dh, auth=s.info["keys"]["auth"], failed_count=2
        )
        for s in subscribers
    ]
    db.session.add_all(rows)
    db.session.commit()
    ids = [row.id for row in rows]
    get_sender().sleep = Sleeper()
    standin.script(410, subscriber=subscribers[1])
    standin.script(500, count=2, subscriber=subscribers[2])  # two attempts, both 500
    try:
        outcomes = deliver(
            [ids[0], 999_999, ids[1], ids[2]],
            PAYLOAD,
            "warning",
            topic_for("alert", 42),
            expires_at=utcnow() + timedelta(hours=2),
        )
    finally:
        get_sender().close()
    assert [(o.subscription_id, o.user_id, o.status) for o in outcomes] == [
        (ids[0], account.id, "sent"),
        (ids[1], account.id, "gone"),
        (ids[2], account.id, "failed"),
    ]
    # The expiry cuts the warning's day short (to 2 h, less the seconds a busy machine takes to get there).
    assert all(7080 <= int(r.ttl) <= 7200 for r in standin.received), [r.ttl for r in standin.received]
    db.session.expire_all()
    left = {row.id: row for row in db.session.scalars(select(PushSubscription))}
    assert set(left) == {ids[0], ids[2]}
    assert left[ids[0]].failed_count == 0 and left[ids[0]].last_success_at is not None
    assert left[ids[2]].failed_count == 3 and left[ids[2]].last_success_at is None


def test_deliver_refuses_an_unknown_level_and_a_payload_too_large(app, db):
    with pytest.raises(ValueError):
        deliver([], PAYLOAD, "loud")
    with pytest.raises(PayloadTooLarge):
        deliver([], {"body": "x" * 5000}, "info")


def test_deliver_each_sends_each_device_its_own_payload(app, db, standin):
    account = user("居民乙")
    subscribers = [standin.new_subscriber() for _ in range(3)]
    rows = [
        PushSubscription(user_id=account.id, endpoint=s.endpoint, p256dh=s.p256dh, auth=s.info["keys"]["auth"])
        for s in subscribers
    ]
    db.session.add_all(rows)
    db.session.commit()
    pairs = [(row.id, {**PAYLOAD, "ack": f"token-{n}"}) for n, row in enumerate(rows)]
    try:
        outcomes = deliver_each(pairs, "notice", topic_for("alert", 42))
    finally:
        get_sender().close()
    assert [(o.subscription_id, o.status) for o in outcomes] == [(row.id, "sent") for row in rows]
    assert {r.subscriber_id: r.payload["ack"] for r in standin.received} == {
        s.id: f"token-{n}" for n, s in enumerate(subscribers)
    }
    with pytest.raises(PayloadTooLarge):
        deliver_each([(rows[0].id, PAYLOAD), (rows[1].id, {"body": "x" * 5000})], "info")
    assert len(standin.received) == 3  # nothing sent


def test_bad_headers_are_refused_before_sending_and_bad_keys_fail_only_their_device(standin, sender):
    good = standin.new_subscriber().info
    with pytest.raises(ValueError):
        sender.send_many([good], PAYLOAD, ttl=60, urgency="loud")
    with pytest.raises(ValueError):
        sender.send(good, PAYLOAD, ttl=60, topic="alert 42 with spaces")
    assert standin.received == []
    broken = {"endpoint": good["endpoint"], "keys": {"p256dh": good["keys"]["p256dh"]}}  # no auth
    outcomes = sender.send_many([broken, good], PAYLOAD, ttl=60, urgency="normal")
    assert [o.status for o in outcomes] == ["failed", "sent"] and "auth" in outcomes[0].error


def test_the_stand_in_refuses_a_jwt_for_another_audience_or_another_key(standin, keys):
    """The stand-in's checks are real: a push service would answer 403 to these."""
    subscriber = standin.new_subscriber(application_server_key=keys[1])
    with pytest.raises(pywebpush.WebPushException) as wrong_aud:
        pywebpush.webpush(
            subscriber.info,
            "{}",
            vapid_private_key=keys[0],
            ttl=60,
            timeout=5,
            vapid_claims={"sub": "mailto:ops@redgrid.example.cn", "aud": "https://push.example.com"},
        )
    assert wrong_aud.value.response.status_code == 403
    with pytest.raises(pywebpush.WebPushException) as wrong_key:
        pywebpush.webpush(
            subscriber.info,
            "{}",
            vapid_private_key=generate_private_key(),
            ttl=60,
            timeout=5,
            vapid_claims={"sub": "mailto:ops@redgrid.example.cn"},
        )
    assert wrong_key.value.response.status_code == 403
    assert [r.error.split(":")[0] for r in standin.received] == ["vapid", "vapid"]
    assert "aud" in standin.received[0].error and "application server key" in standin.received[1].error
