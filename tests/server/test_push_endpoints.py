"""Server-side request forgery through push subscriptions (issue 12, item 4): the server posts only
to https on port 443 of the known push services' hosts, checks again before every post, never
follows a redirect, and an endpoint known to one account moves to another only with its secret."""

import pytest
from sqlalchemy import select

from server.auth.models import User
from server.config import Config
from server.push.endpoints import DEFAULT_PUSH_HOSTS, EndpointPolicy, parse_hosts
from server.push.models import PushSubscription
from server.push.sender import PushSender, deliver, get_sender
from server.push.vapid import VapidSigner, generate_private_key
from tests.factories import user
from tests.server.test_push_subscription_change import change, new_sub
from tests.server.test_push_subscriptions import AUTH, P256DH, sub, switch_to

OTHER_AUTH = "Yq3p7cUuLxN0m2bWkq1o9A"  # a secret the endpoint was not registered with (16 bytes)
PAYLOAD = {"title": "停水通知", "body": "帝豪花园明日停水。"}

NOT_A_URL = "推送地址不是有效的网址。"
NOT_HTTPS = "推送地址必须使用 https。"
UNKNOWN = "推送地址不属于本系统允许的推送服务（谷歌 FCM、Mozilla、苹果、微软等），此浏览器暂不能接收通知。"
PORT = "推送地址只能使用 https 默认端口 443。"


@pytest.fixture
def production(app):
    """The app as deployed: neither TESTING nor REDGRID_PUSH_ALLOW_INSECURE lets the stand-in through."""
    app.config.update(TESTING=False, PUSH_ALLOW_INSECURE=False)
    yield app
    app.config["TESTING"] = True


def refusal(response, *path) -> list:
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    for part in path:
        fields = fields[part]
    return fields


# The addresses a resident could hand us to make the server post inside its own network.
SSRF = [
    ("https://127.0.0.1:6379/", UNKNOWN),  # loopback: Redis (https to this machine is refused even in tests)
    ("https://localhost/push/x", UNKNOWN),
    ("https://169.254.169.254/latest/meta-data/iam/", UNKNOWN),  # link-local: the cloud's metadata service
    ("https://10.0.0.5/push/x", UNKNOWN),  # private 10/8
    ("https://192.168.1.1/push/x", UNKNOWN),
    ("https://[::1]/push/x", UNKNOWN),  # IPv6 literals
    ("https://[fd00::5]:443/push/x", UNKNOWN),
    ("https://[::ffff:169.254.169.254]/x", UNKNOWN),
    ("https://2130706433/push/x", UNKNOWN),  # 127.0.0.1 as one number: a resolver reads it so
    ("https://0x7f.1/push/x", UNKNOWN),
    ("http://fcm.googleapis.com/fcm/send/x", NOT_HTTPS),
    ("ftp://fcm.googleapis.com/fcm/send/x", NOT_HTTPS),
    ("https://user:pw@fcm.googleapis.com/fcm/send/x", NOT_A_URL),  # user info
    ("https://fcm.googleapis.com@10.0.0.5/fcm/send/x", NOT_A_URL),  # the host is 10.0.0.5
    ("https://@fcm.googleapis.com/fcm/send/x", NOT_A_URL),
    ("https://fcm.googleapis.com:6379/fcm/send/x", PORT),  # a known host, another port
    ("https://fcm.googleapis.com:80/fcm/send/x", PORT),
    ("https://push.example.com/x", UNKNOWN),  # unknown hosts
    ("https://fcm.googleapis.com.evil.example/fcm/send/x", UNKNOWN),
    ("https://evilnotify.windows.com/w/?token=x", UNKNOWN),  # not a subdomain of notify.windows.com
    ("https://notify.windows.com/w/?token=x", UNKNOWN),  # "*." is subdomains only
    ("https://fcm.googleapis.com./fcm/send/x", UNKNOWN),  # trailing dot
    ("https://fcm%2egoogleapis.com/fcm/send/x", UNKNOWN),
    ("https://fcm.googleapis.com\\@10.0.0.5/x", NOT_A_URL),  # a backslash: parsers disagree
    ("https://fcm.googleapis.com\t.evil.example/x", NOT_A_URL),  # urlsplit drops the tab
    ("https://fcm.googleapis.com /x", NOT_A_URL),
    ("https://fcm.googleapis.com:443:80/x", NOT_A_URL),
    ("https://fcm.googleapis.com:99999/x", NOT_A_URL),
    ("https://fcm.googleapís.com/x", NOT_A_URL),  # not ASCII
]

# What the browsers hand out (the forms of real endpoints; the tokens made up).
REAL = [
    "https://fcm.googleapis.com/fcm/send/dXk8Zt3vQfI:APA91bH4n2x9wQmPcX0eL7sJYk1u5rVtZ8oG3dC6aN",  # Chrome, Android
    "https://fcm.googleapis.com/wp/dXk8Zt3vQfI:APA91bH4n2x9wQmPcX0eL7sJYk1u5rVtZ8oG3dC6aN",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABmX3k9Lq2Yw7c",  # Firefox
    "https://web.push.apple.com/QGuQyavXutnMH3vfPn4jrUl4E8g3rDq1WwHH2xjQ",  # Safari
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAADfD7fGv9Q%3d%3d",  # Edge on Windows
    "https://fcm.googleapis.com:443/fcm/send/explicit-port",
    "https://FCM.googleapis.com/fcm/send/upper-case-host",
]


@pytest.mark.parametrize("endpoint, message", SSRF)
def test_endpoints_off_the_known_push_services_are_refused_field_by_field(db, auth, resident, endpoint, message):
    response = auth.send("POST", "/api/push/subscriptions", json={**sub(1), "endpoint": endpoint})
    assert refusal(response, "endpoint") == [message]
    assert db.session.scalars(select(PushSubscription)).all() == []


@pytest.mark.parametrize("endpoint", REAL)
def test_the_real_push_services_endpoints_are_accepted(auth, resident, endpoint):
    response = auth.send("POST", "/api/push/subscriptions", json={**sub(1), "endpoint": endpoint})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:8765/push/s1", "http://localhost:8765/push/s1", "http://[::1]:8765/push/s1"]
)
def test_the_loopback_stand_in_needs_the_insecure_testing_setting(auth, resident, production, endpoint):
    assert refusal(auth.send("POST", "/api/push/subscriptions", json={**sub(1), "endpoint": endpoint}), "endpoint") == [
        NOT_HTTPS
    ]
    production.config["PUSH_ALLOW_INSECURE"] = True
    assert auth.send("POST", "/api/push/subscriptions", json={**sub(1), "endpoint": endpoint}).status_code == 201


def test_the_refusal_speaks_english_to_an_english_user(db, auth, resident):
    db.session.get(User, resident).locale = "en"
    db.session.commit()
    response = auth.send("POST", "/api/push/subscriptions", json={**sub(1), "endpoint": "https://169.254.169.254/"})
    assert refusal(response, "endpoint") == [
        "The push endpoint is not on a push service this server allows (Google FCM, Mozilla, Apple, Microsoft, …): "
        "this browser cannot receive notifications here."
    ]
    port = auth.send(
        "POST", "/api/push/subscriptions", json={**sub(1), "endpoint": "https://fcm.googleapis.com:8443/x"}
    )
    assert refusal(port, "endpoint") == ["The push endpoint must use the default https port, 443."]


def test_the_host_list_is_configurable(app, auth, resident):
    app.config["PUSH_ENDPOINT_HOSTS"] = ("push.example.cn", "*.push.example.org")
    try:
        for endpoint in ("https://push.example.cn/d/1", "https://eu.push.example.org/d/2"):
            assert (
                auth.send("POST", "/api/push/subscriptions", json={**sub(1), "endpoint": endpoint}).status_code == 201
            )
        refused = auth.send("POST", "/api/push/subscriptions", json=sub(3))  # fcm.googleapis.com: not on this list
        assert refusal(refused, "endpoint") == [UNKNOWN]
    finally:
        app.config["PUSH_ENDPOINT_HOSTS"] = DEFAULT_PUSH_HOSTS


def test_the_host_list_comes_from_the_environment_and_a_bad_entry_stops_the_start(monkeypatch, tmp_path):
    assert Config(str(tmp_path)).PUSH_ENDPOINT_HOSTS == DEFAULT_PUSH_HOSTS
    monkeypatch.setenv("REDGRID_PUSH_ENDPOINT_HOSTS", "fcm.googleapis.com, *.Push.Example.cn")
    assert Config(str(tmp_path)).PUSH_ENDPOINT_HOSTS == ("fcm.googleapis.com", "*.push.example.cn")
    for bad in (
        "*",
        "*.com",
        "10.0.0.5",
        "https://fcm.googleapis.com",
        "fcm.googleapis.com:443",
        "*.*.example.cn",
        "localhost",
    ):
        with pytest.raises(ValueError, match="REDGRID_PUSH_ENDPOINT_HOSTS"):
            parse_hosts(bad)


def test_a_subscription_change_obeys_the_same_rule_for_its_new_endpoint(db, auth, resident, worker):
    """PROTOCOL.md §13.4: the worker's change, without a session, cannot bring in an endpoint a
    resident could not subscribe."""
    auth.send("POST", "/api/push/subscriptions", json=sub(1))
    for endpoint, message in [
        ("https://169.254.169.254/latest/meta-data/", UNKNOWN),
        ("https://10.0.0.5/x", UNKNOWN),
        ("https://[::1]/x", UNKNOWN),
        ("https://fcm.googleapis.com:8443/x", PORT),
        ("https://a@fcm.googleapis.com/x", NOT_A_URL),
    ]:
        response = change(worker, subscription={**new_sub(), "endpoint": endpoint})
        assert refusal(response, "subscription", "endpoint") == [message]
    assert [row.endpoint for row in db.session.scalars(select(PushSubscription))] == [sub(1)["endpoint"]]
    assert change(worker, subscription={**new_sub(), "endpoint": REAL[2]}).status_code == 200


def test_an_endpoint_moves_to_another_account_only_with_its_auth_secret(db, world, auth, resident):
    """Knowing someone's endpoint (a shared screen, a log) must not redirect their notifications."""
    auth.send("POST", "/api/push/subscriptions", json=sub(1, categories=["weather"]))
    switch_to(auth, "13800000003")
    stolen = auth.send(
        "POST", "/api/push/subscriptions", json={**sub(1), "keys": {"p256dh": P256DH, "auth": OTHER_AUTH}}
    )
    assert stolen.status_code == 409, stolen.get_json()
    error = stolen.get_json()["error"]
    assert error["code"] == "endpoint_taken"
    assert error["fields"] == {"endpoint": ["此推送地址已登记在其他账号下，且密钥不符。"]}
    assert error["message"] == "此推送地址已登记在其他账号下，且密钥不符。"
    db.session.expire_all()
    (row,) = db.session.scalars(select(PushSubscription)).all()
    assert (row.user_id, row.auth, row.categories) == (world.resident, AUTH, ["weather"])
    # The browser that holds it (the same secret, padded or not) moves it: one profile, one person.
    assert (
        auth.send(
            "POST", "/api/push/subscriptions", json={**sub(1), "keys": {"p256dh": P256DH, "auth": AUTH + "=="}}
        ).status_code
        == 200
    )
    db.session.expire_all()
    assert db.session.scalars(select(PushSubscription.user_id)).all() == [world.worker_a]


def test_your_own_device_may_bring_new_keys(db, auth, resident):
    auth.send("POST", "/api/push/subscriptions", json=sub(1))
    again = auth.send(
        "POST", "/api/push/subscriptions", json={**sub(1), "keys": {"p256dh": P256DH, "auth": OTHER_AUTH}}
    )
    assert again.status_code == 200
    assert db.session.scalars(select(PushSubscription.auth)).all() == [OTHER_AUTH]


def test_the_sender_does_not_follow_a_redirect(standin):
    sender = PushSender(
        VapidSigner(generate_private_key(), "mailto:ops@redgrid.example.cn"),
        endpoints=EndpointPolicy(allow_insecure=True),
    )
    subscriber = standin.new_subscriber()
    try:
        outcome = sender.send(
            {**subscriber.info, "endpoint": standin.redirecting_endpoint(subscriber)}, PAYLOAD, ttl=60
        )
    finally:
        sender.close()
    assert (outcome.status, outcome.http_status, outcome.attempts) == ("failed", 307, 1)
    assert outcome.error == f"redirect not followed: 307 to {subscriber.endpoint}"
    assert standin.redirects == 1 and standin.received == []  # the push never reached where it was sent on to


def test_the_sender_checks_every_endpoint_before_it_posts(standin):
    """A sender made without a policy allows only the known push services: the stand-in (http on
    this machine) is never contacted, and neither is anything inside the network."""
    sender = PushSender(VapidSigner(generate_private_key(), "mailto:ops@redgrid.example.cn"), max_attempts=1, timeout=1)
    info = standin.new_subscriber().info
    try:
        outcomes = sender.send_many(
            [info, {**info, "endpoint": "https://169.254.169.254/latest/meta-data/"}], PAYLOAD, ttl=60, urgency="normal"
        )
    finally:
        sender.close()
    assert [(o.status, o.http_status, o.attempts) for o in outcomes] == [("gone", None, 0), ("gone", None, 0)]
    assert outcomes[0].error == "endpoint refused: push.endpoint_not_https"
    assert outcomes[1].error == "endpoint refused: push.endpoint_unknown_service"
    assert standin.connections == 0


def test_a_stored_endpoint_the_rule_refuses_is_never_posted_to_and_is_pruned(app, db, standin):
    """Rows saved before the rule (or before the host list changed) are checked at every send, with
    the config of that moment: they are never contacted, and deleted like a 410."""
    app.config.update(PUSH_MAX_ATTEMPTS=1, PUSH_TIMEOUT_SECONDS=1)
    account = user("居民丙")
    subscriber = standin.new_subscriber(application_server_key=app.config["VAPID_PUBLIC_KEY"])
    keys = {"p256dh": subscriber.p256dh, "auth": subscriber.info["keys"]["auth"]}
    stand_in, metadata = (
        PushSubscription(user_id=account.id, endpoint=endpoint, **keys)
        for endpoint in (subscriber.endpoint, "https://169.254.169.254/latest/meta-data/")
    )
    db.session.add_all([stand_in, metadata])
    db.session.commit()
    ids = [stand_in.id, metadata.id]
    try:
        first = deliver(ids, PAYLOAD, "notice")
        assert [(o.status, o.attempts) for o in first] == [("sent", 1), ("gone", 0)]
        assert len(standin.received) == 1
        app.config.update(TESTING=False, PUSH_ALLOW_INSECURE=False)  # the stand-in is no longer allowed
        second = deliver([stand_in.id], PAYLOAD, "notice")
    finally:
        app.config["TESTING"] = True
        get_sender().close()
    assert [(o.status, o.http_status, o.error) for o in second] == [
        ("gone", None, "endpoint refused: push.endpoint_not_https")
    ]
    assert len(standin.received) == 1 and standin.connections == 1  # only the first push, while it was allowed
    db.session.expire_all()
    assert db.session.scalars(select(PushSubscription)).all() == []
