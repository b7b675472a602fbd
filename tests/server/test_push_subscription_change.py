"""pushsubscriptionchange without a session: the service worker proves it held the old
subscription by its endpoint and auth secret; the new subscription takes over the old one's row
(id, user, categories, label); nobody else's device can be moved; refusals per field; a limit."""

import pytest
from sqlalchemy import select

from server.push.models import PushSubscription
from tests.server.test_push_subscriptions import AUTH, P256DH, sub, switch_to

NEW_AUTH = "Yq3p7cUuLxN0m2bWkq1o9A"  # the new subscription's own secret (16 bytes)


def new_sub(n: int = 2) -> dict:
    return {**sub(n), "keys": {"p256dh": P256DH, "auth": NEW_AUTH}}


def change(client, old_endpoint=None, old_auth=AUTH, subscription=None, **extra):
    """The worker's request: no session cookie, no CSRF token."""
    body = {
        "old_endpoint": old_endpoint or sub(1)["endpoint"],
        "old_auth": old_auth,
        "subscription": subscription or new_sub(),
        **extra,
    }
    return client.post("/api/push/subscriptions/change", json=body)


def test_the_new_subscription_takes_over_the_old_ones_row_user_and_categories(db, auth, resident, worker):
    created = auth.send(
        "POST", "/api/push/subscriptions", json=sub(1, categories=["weather"], device_label="手机")
    ).get_json()
    auth.logout()  # the session may be long gone when the browser rotates the subscription
    response = change(worker)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["id"], body["endpoint"][-8:], body["categories"], body["device_label"]) == (
        created["id"],
        "device-2",
        ["weather"],
        "手机",
    )
    (row,) = db.session.scalars(select(PushSubscription)).all()
    assert (row.user_id, row.auth, row.p256dh) == (resident, NEW_AUTH, P256DH)
    # The old secret no longer proves anything: the old endpoint is gone.
    assert change(worker).status_code == 403


def test_a_wrong_secret_or_an_unknown_endpoint_is_refused_alike(db, auth, resident, worker):
    auth.send("POST", "/api/push/subscriptions", json=sub(1))
    wrong = change(worker, old_auth=NEW_AUTH)
    unknown = change(worker, old_endpoint=sub(9)["endpoint"])
    assert wrong.status_code == unknown.status_code == 403
    assert wrong.get_json()["error"] == unknown.get_json()["error"]
    assert wrong.get_json()["error"]["fields"] == {"old_auth": ["旧的推送订阅不存在或密钥不符。"]}
    assert [row.endpoint[-8:] for row in db.session.scalars(select(PushSubscription))] == ["device-1"]


def test_another_users_device_cannot_be_hijacked(db, world, auth, resident, worker):
    """Knowing another person's endpoint is not enough (their secret is theirs), and a change
    cannot land on an endpoint that another person's device holds."""
    auth.send("POST", "/api/push/subscriptions", json=sub(1))
    switch_to(auth, "13800000003")
    auth.send("POST", "/api/push/subscriptions", json={**sub(5), "keys": {"p256dh": P256DH, "auth": NEW_AUTH}})
    # The worker's own session does not help either: the route looks only at the old subscription.
    assert change(auth.client, old_auth="A" * 22, subscription=new_sub(6)).status_code == 403
    taken = change(worker, old_endpoint=sub(5)["endpoint"], old_auth=NEW_AUTH, subscription=sub(1))
    assert taken.status_code == 409
    assert taken.get_json()["error"]["fields"] == {"subscription": {"endpoint": ["新的推送地址已属于其他账号。"]}}
    rows = {row.endpoint[-8:]: row.user_id for row in db.session.scalars(select(PushSubscription))}
    assert rows == {"device-1": world.resident, "device-5": world.worker_a}


def test_a_new_endpoint_the_page_registered_already_is_merged_into_the_old_row(db, auth, resident, worker):
    old = auth.send("POST", "/api/push/subscriptions", json=sub(1, categories=["safety"])).get_json()
    auth.send("POST", "/api/push/subscriptions", json=new_sub(2))
    response = change(worker)
    assert response.status_code == 200 and response.get_json()["id"] == old["id"]
    assert [(row.endpoint[-8:], row.categories) for row in db.session.scalars(select(PushSubscription))] == [
        ("device-2", ["safety"])
    ]


@pytest.mark.parametrize(
    "body, path, message",
    [
        ({"old_auth": "short"}, ("old_auth",), "auth 密钥无效：应为 base64url 编码的 16 字节。"),
        ({"old_endpoint": ""}, ("old_endpoint",), None),
        (
            {"subscription": {**sub(2), "endpoint": "http://push.example.com/x"}},
            ("subscription", "endpoint"),
            "推送地址必须使用 https。",
        ),
        (
            {"subscription": {**sub(2), "keys": {"p256dh": P256DH, "auth": "abc$"}}},
            ("subscription", "keys", "auth"),
            "auth 密钥无效：应为 base64url 编码的 16 字节。",
        ),
        ({"subscription": None}, ("subscription",), "此项不能为空。"),
    ],
)
def test_malformed_changes_are_refused_field_by_field(auth, resident, worker, body, path, message):
    auth.send("POST", "/api/push/subscriptions", json=sub(1))
    response = worker.post(
        "/api/push/subscriptions/change",
        json={"old_endpoint": sub(1)["endpoint"], "old_auth": AUTH, "subscription": new_sub(), **body},
    )
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    for part in path:
        fields = fields[part]
    assert message is None or fields == [message]


def test_changes_are_limited_per_address(app, worker):
    """REDGRID_PUSH_CHANGE_RATE_LIMIT (30 a minute per address): guessing secrets is hopeless
    anyway (16 random bytes), but nothing without a session should be free."""
    answers = [change(worker, old_endpoint=sub(9)["endpoint"]).status_code for _ in range(30)]
    assert answers == [403] * 30
    assert change(worker, old_endpoint=sub(9)["endpoint"]).status_code == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert change(elsewhere, old_endpoint=sub(9)["endpoint"]).status_code == 403
