"""The subscriptions API: the VAPID key, subscribe (upsert by endpoint, several devices),
categories per device, unsubscribe, their rate limit, and refusals in words
(pushsubscriptionchange: test_push_subscription_change.py)."""

import base64

import pytest
from sqlalchemy import select

from server.auth.models import User
from server.push.models import PushSubscription
from server.push.vapid import public_key_of

P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


def sub(n: int = 1, **extra) -> dict:
    return {
        "endpoint": f"https://fcm.googleapis.com/fcm/send/device-{n}",
        "expirationTime": None,
        "keys": {"p256dh": P256DH, "auth": AUTH},
        **extra,
    }


def switch_to(auth, phone: str) -> None:
    """Sign out and in as someone else on the same browser (a new session, a new CSRF token)."""
    auth.logout()
    auth.csrf = None
    auth.login(phone)


def test_the_vapid_public_key_is_the_configured_key_pairs(app, client):
    body = client.get("/api/push/vapid-public-key").get_json()
    assert body["public_key"] == public_key_of(app.config["VAPID_PRIVATE_KEY"])
    assert len(base64.urlsafe_b64decode(body["public_key"] + "=")) == 65


def test_a_device_subscribes_then_updates_in_place_and_a_second_device_adds_one(db, auth, resident):
    first = auth.send(
        "POST", "/api/push/subscriptions", json=sub(1, categories=["utility", "weather"], device_label="华为 Mate 60")
    )
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["categories"] == ["utility", "weather"]
    assert "p256dh" not in first.get_json() and "auth" not in first.get_json()
    again = auth.send("POST", "/api/push/subscriptions", json=sub(1))
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["categories"] == ["utility", "weather"]  # absent: unchanged
    assert auth.send("POST", "/api/push/subscriptions", json=sub(2)).status_code == 201
    mine = auth.send("GET", "/api/push/subscriptions").get_json()["items"]
    assert [(s["endpoint"][-8:], s["categories"]) for s in mine] == [
        ("device-1", ["utility", "weather"]),
        ("device-2", None),
    ]


def test_an_endpoint_moves_to_whoever_signs_in_on_that_browser(db, world, auth, resident, client):
    auth.send("POST", "/api/push/subscriptions", json=sub(1))
    switch_to(auth, "13800000003")
    assert auth.send("POST", "/api/push/subscriptions", json=sub(1)).status_code == 200
    rows = db.session.scalars(select(PushSubscription)).all()
    assert [row.user_id for row in rows] == [world.worker_a]


def test_categories_change_per_device(auth, resident):
    auth.send("POST", "/api/push/subscriptions", json=sub(1))
    response = auth.send(
        "PATCH", "/api/push/subscriptions", json={"endpoint": sub(1)["endpoint"], "categories": ["safety"]}
    )
    assert response.status_code == 200 and response.get_json()["categories"] == ["safety"]
    back = auth.send("PATCH", "/api/push/subscriptions", json={"endpoint": sub(1)["endpoint"], "categories": None})
    assert back.get_json()["categories"] is None
    missing = auth.send("PATCH", "/api/push/subscriptions", json={"endpoint": sub(9)["endpoint"], "categories": None})
    assert missing.status_code == 404
    assert missing.get_json()["error"]["fields"]["endpoint"] == ["此设备尚未开启通知。"]


def test_unsubscribe_removes_only_your_own_device(db, world, auth, resident):
    auth.send("POST", "/api/push/subscriptions", json=sub(1))
    auth.send("POST", "/api/push/subscriptions", json=sub(2))
    assert auth.send("DELETE", "/api/push/subscriptions", json={"endpoint": sub(1)["endpoint"]}).status_code == 204
    assert (
        auth.send("DELETE", "/api/push/subscriptions", json={"endpoint": sub(1)["endpoint"]}).status_code == 204
    )  # again: no error
    switch_to(auth, "13800000003")
    assert auth.send("DELETE", "/api/push/subscriptions", json={"endpoint": sub(2)["endpoint"]}).status_code == 204
    assert [row.endpoint[-8:] for row in db.session.scalars(select(PushSubscription))] == ["device-2"]


def test_subscribing_needs_a_signed_in_user(client, auth):
    assert auth.send("POST", "/api/push/subscriptions", json=sub(1)).status_code == 401


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"endpoint": "http://push.example.com/x"}, "endpoint", "推送地址必须使用 https。"),
        ({"endpoint": "not a url"}, "endpoint", "推送地址不是有效的网址。"),
        ({"endpoint": "https://user:pw@push.example.com/x"}, "endpoint", "推送地址不是有效的网址。"),
        (
            {"keys": {"p256dh": P256DH[:-4], "auth": AUTH}},
            "keys.p256dh",
            "p256dh 密钥无效：应为 base64url 编码的 65 字节 P-256 公钥（未压缩格式）。",
        ),
        (
            {"keys": {"p256dh": "B" + "A" * 86, "auth": AUTH}},
            "keys.p256dh",
            "p256dh 密钥无效：应为 base64url 编码的 65 字节 P-256 公钥（未压缩格式）。",
        ),  # 65 bytes, not on the curve
        ({"keys": {"p256dh": P256DH, "auth": "abc$"}}, "keys.auth", "auth 密钥无效：应为 base64url 编码的 16 字节。"),
        (
            {"keys": {"p256dh": P256DH, "auth": AUTH + "AA"}},
            "keys.auth",
            "auth 密钥无效：应为 base64url 编码的 16 字节。",
        ),
        (
            {"categories": ["weather", "weather"]},
            "categories",
            "通知类别无效：应为不重复的类别代码列表，或 null（全部类别）。",
        ),
        ({"keys": None}, "keys", "此项不能为空。"),
    ],
)
def test_malformed_subscriptions_are_refused_field_by_field(auth, resident, change, field, message):
    response = auth.send("POST", "/api/push/subscriptions", json={**sub(1), **change})
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    for part in field.split("."):
        fields = fields[part]
    assert fields == [message]


def test_refusals_speak_english_to_an_english_user(db, auth, resident):
    db.session.get(User, resident).locale = "en"
    db.session.commit()
    response = auth.send(
        "POST", "/api/push/subscriptions", json={**sub(1), "keys": {"p256dh": P256DH, "auth": "short"}}
    )
    assert response.get_json()["error"]["fields"]["keys"]["auth"] == [
        "Invalid auth secret: expected 16 bytes, base64url."
    ]


def test_plain_http_endpoints_on_this_machine_only_when_allowed(app, auth, resident):
    local = {**sub(1), "endpoint": "http://127.0.0.1:8765/push/s1"}
    assert auth.send("POST", "/api/push/subscriptions", json=local).status_code == 201  # TESTING
    app.config.update(TESTING=False, PUSH_ALLOW_INSECURE=False)
    try:
        refused = auth.send(
            "POST", "/api/push/subscriptions", json={**local, "endpoint": "http://localhost:8765/push/s2"}
        )
        assert refused.status_code == 422
        app.config["PUSH_ALLOW_INSECURE"] = True
        assert (
            auth.send(
                "POST", "/api/push/subscriptions", json={**local, "endpoint": "http://localhost:8765/push/s2"}
            ).status_code
            == 201
        )
        assert (
            auth.send(
                "POST", "/api/push/subscriptions", json={**local, "endpoint": "http://10.0.0.5/push/s3"}
            ).status_code
            == 422
        )
    finally:
        app.config["TESTING"] = True


def test_the_subscription_routes_are_limited_per_user_together(app, auth, resident):
    """REDGRID_PUSH_RATE_LIMIT (30 a minute) over subscribe, categories and unsubscribe together:
    a phone calls them a few times a day, a loop stops here; another user is not counted with you."""
    calls = [
        ("POST", sub(1)),
        ("PATCH", {"endpoint": sub(1)["endpoint"], "categories": None}),
        ("DELETE", {"endpoint": sub(2)["endpoint"]}),
    ]
    answers = [auth.send(method, "/api/push/subscriptions", json=body).status_code for method, body in calls * 10]
    assert 429 not in answers
    refused = auth.send("POST", "/api/push/subscriptions", json=sub(1))
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "throttled" and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert auth.send("GET", "/api/push/subscriptions").status_code == 200  # reading is not limited
    from tests.conftest import AuthActions

    other = AuthActions(app.test_client())
    other.login("13800000003")
    assert other.send("POST", "/api/push/subscriptions", json=sub(3)).status_code == 201
