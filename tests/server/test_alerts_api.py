"""Alerts end to end on the server (DESIGN.md S3): an alert reaches exactly its audience's synced
inboxes and open apps, its deliveries move and are counted live for its author, wide alerts wait
for approval, scheduled ones wait for their time, bad input is refused per field."""

from datetime import UTC, datetime, timedelta

import pytest

from server.alerts import publishing
from server.alerts.models import Alert
from server.auth.models import User
from server.core import clock
from server.extensions import db, socketio
from server.notices import fanout, service
from server.notices.models import Delivery, InboxEntry
from server.push.models import PushSubscription
from tests.server.alerts_support import signed_in
from tests.server.tasks_support import pull_all, push, update

WATER = {
    "title": "停水通知",
    "body": "明日 8:00-18:00 河西小区停水，请提前储水。",
    "level": "urgent",
    "category": "utility",
}


def alert_to(auth, **targeting):
    return auth.send("POST", "/api/alerts", json={**WATER, "targeting": targeting})


def inbox_of(auth) -> list[dict]:
    return [c for c in pull_all(auth) if c["entity"] == "inbox"]


def socket_for(app, auth):
    client = socketio.test_client(app, flask_test_client=auth.client)
    assert client.is_connected()
    client.get_received()
    return client


def events(client, name) -> list:
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def subscribe(app, user_id, endpoint, categories=None) -> int:
    with app.app_context():
        row = PushSubscription(
            user_id=user_id, endpoint=endpoint, p256dh="k" * 87, auth="a" * 22, categories=categories
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def test_an_alert_reaches_its_compounds_inboxes_through_sync_and_nobody_else(app, aw):
    admin = signed_in(app, "13800000002")
    created = alert_to(admin, compound_ids=[aw.hexi_xiaoqu])
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["status"] == "sending"  # the fan-out sends it (inline in tests)
    shown = admin.send("GET", f"/api/alerts/{body['id']}").get_json()
    assert shown["status"] == "sent" and shown["recipients"] == 5 and shown["counts"]["sent"] == 5
    (entry,) = inbox_of(signed_in(app, "13900000001"))
    assert (
        entry["data"]["title"] == "停水通知"
        and entry["data"]["level"] == "urgent"
        and entry["data"]["alert_id"] == body["id"]
    )
    for outsider in ("13900000003", "13900000005", "13800000007", "13800000004", "13800000008"):
        assert inbox_of(signed_in(app, outsider)) == [], outsider
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(InboxEntry)) == 5


def test_online_recipients_get_the_alert_live_and_the_author_the_counts(app, aw):
    admin, resident, outsider = (signed_in(app, p) for p in ("13800000002", "13900000001", "13900000005"))
    sockets = [socket_for(app, a) for a in (admin, resident, outsider)]
    alert_id = alert_to(admin, compound_ids=[aw.hexi_xiaoqu]).get_json()["id"]
    author_socket, resident_socket, outsider_socket = sockets
    (live,) = events(resident_socket, "alert")
    assert live["title"] == "停水通知" and live["alert_id"] == alert_id and live["level"] == "urgent"
    assert events(outsider_socket, "alert") == []
    counts = events(author_socket, "alert:counts")
    assert counts and counts[-1]["alert_id"] == alert_id and counts[-1]["counts"]["recipients"] == 5


def test_push_deliveries_move_through_their_states_and_failed_ones_resend(app, aw, push_service):
    answers, sent = push_service
    phone = subscribe(app, aw.r_hexi1, "https://push.example/phone")
    subscribe(app, aw.r_hexi1, "https://push.example/tablet")
    subscribe(app, aw.r_hexi2, "https://push.example/weather-only", categories=["weather"])  # wants no utility alerts
    answers["https://push.example/tablet"] = ("failed", 500)
    admin = signed_in(app, "13800000002")
    alert_id = alert_to(admin, compound_ids=[aw.hexi_xiaoqu]).get_json()["id"]
    assert sorted(e for e, *_ in sent) == ["https://push.example/phone", "https://push.example/tablet"]
    payload, level, topic = sent[0][1], sent[0][2], sent[0][3]
    assert payload["title"] == "停水通知" and level == "urgent" and topic == f"alert-{alert_id}" and payload["ack"]
    counts = admin.send("GET", f"/api/alerts/{alert_id}").get_json()["counts"]
    assert counts["failed"] == 1 and counts["sent"] == 5 + 1

    # The service worker acks receipt, then a click, with the payload's token and its endpoint.
    anonymous = app.test_client()
    for state in ("delivered", "clicked"):
        acked = anonymous.post(
            "/api/alerts/ack", json={"token": payload["ack"], "state": state, "endpoint": "https://push.example/phone"}
        )
        assert acked.status_code == 200 and acked.get_json()["state"] == state
    assert anonymous.post("/api/alerts/ack", json={"token": "x" * 32, "state": "delivered"}).status_code == 404
    with app.app_context():
        row = db.session.scalar(db.select(Delivery).where(Delivery.subscription_id == phone))
        assert row.state == "clicked" and row.delivered_at and row.clicked_at

    answers["https://push.example/tablet"] = ("sent", 201)
    assert admin.send("POST", f"/api/alerts/{alert_id}/resend").get_json() == {"queued": 1}
    counts = admin.send("GET", f"/api/alerts/{alert_id}").get_json()["counts"]
    assert counts["failed"] == 0 and counts["clicked"] == 1


def test_marking_read_syncs_and_counts_but_nothing_else_is_writable(app, aw):
    admin = signed_in(app, "13800000002")
    alert_id = alert_to(admin, compound_ids=[aw.hexi_xiaoqu]).get_json()["id"]
    resident = signed_in(app, "13900000001")
    author_socket = socket_for(app, admin)
    (entry,) = inbox_of(resident)
    read = push(resident, update("inbox", entry["id"], entry["version"], read_at="2026-11-28T01:00:00.000Z"))
    assert read[0]["status"] == "applied", read
    assert admin.send("GET", f"/api/alerts/{alert_id}").get_json()["counts"]["read"] == 1
    assert events(author_socket, "alert:counts")[-1]["counts"]["read"] == 1  # live
    (entry,) = inbox_of(resident)
    refused = push(resident, update("inbox", entry["id"], entry["version"], title="改标题"))
    assert refused[0]["status"] == "rejected"
    # Another user cannot touch (or see) it.
    neighbour = signed_in(app, "13900000002")
    foreign = push(neighbour, update("inbox", entry["id"], entry["version"], read_at="2026-11-28T01:00:00.000Z"))
    assert foreign[0]["status"] == "rejected"
    assert all(c["id"] != entry["id"] for c in inbox_of(neighbour))


def test_an_author_alone_sees_their_alert_and_its_counts(app, aw):
    admin = signed_in(app, "13800000002")
    alert_id = alert_to(admin, compound_ids=[aw.hexi_xiaoqu]).get_json()["id"]
    with app.app_context():
        from tests.factories import user

        user("另一社区管理员", [("admin", "org_unit_id", aw.qilidian)], phone="13900000010")
        db.session.commit()
    other = signed_in(app, "13900000010")
    assert other.send("GET", f"/api/alerts/{alert_id}").status_code == 404
    assert other.send("GET", "/api/alerts").get_json()["items"] == []
    assert (
        signed_in(app, "13900000001")
        .send("POST", "/api/alerts", json={**WATER, "targeting": {"compound_ids": [aw.hexi_xiaoqu]}})
        .status_code
        == 403
    )
    assert admin.send("GET", "/api/alerts").get_json()["items"][0]["id"] == alert_id


@pytest.mark.parametrize("locale, title_text", [("zh-CN", "标题不能为空"), ("en", "The title must not be empty")])
def test_bad_input_is_refused_with_a_message_per_field(app, aw, locale, title_text):
    with app.app_context():
        db.session.get(User, aw.hexi_admin).locale = locale
        db.session.commit()
    admin = signed_in(app, "13800000002")
    refused = admin.send(
        "POST",
        "/api/alerts",
        json={**WATER, "title": "", "body": "水" * 501, "targeting": {"compound_ids": [aw.hexi_xiaoqu]}},
    )
    assert refused.status_code == 422
    fields = refused.get_json()["error"]["fields"]
    assert fields["title"][0].startswith(title_text) and "500" in fields["body"][0]
    outside = alert_to(admin, compound_ids=[aw.dihao])
    assert outside.status_code == 422
    fields = outside.get_json()["error"]["fields"]
    assert str(aw.dihao) in fields["targeting.compound_ids"][0]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Alert)) == 0


def test_a_street_wide_alert_waits_for_an_admin_above_it(app, aw):
    with app.app_context():
        from tests.factories import user

        user("魏都区管理员", [("admin", "org_unit_id", aw.weidu)], phone="13900000011")
        user("文峰街道管理员", [("admin", "org_unit_id", aw.wenfeng)], phone="13900000012")
        db.session.commit()
    street, district = signed_in(app, "13900000012"), signed_in(app, "13900000011")
    created = alert_to(street, org_unit_ids=[aw.wenfeng], roles=["resident"]).get_json()
    assert created["status"] == "pending_approval" and created["needs_approval"]
    assert inbox_of(signed_in(app, "13900000001")) == []
    assert street.send("POST", f"/api/alerts/{created['id']}/approve").status_code == 404  # never one's own
    assert (
        signed_in(app, "13800000002").send("POST", f"/api/alerts/{created['id']}/approve").status_code == 404
    )  # below it
    assert [a["id"] for a in district.send("GET", "/api/alerts?view=to_approve").get_json()["items"]] == [created["id"]]
    approved = district.send("POST", f"/api/alerts/{created['id']}/approve")
    assert approved.status_code == 200 and approved.get_json()["approved_at"]
    assert street.send("GET", f"/api/alerts/{created['id']}").get_json()["status"] == "sent"
    assert len(inbox_of(signed_in(app, "13900000001"))) == 1


def test_a_scheduled_alert_is_released_at_its_time_and_a_cancelled_one_never(app, aw):
    admin = signed_in(app, "13800000002")
    at = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    scheduled = admin.send(
        "POST",
        "/api/alerts",
        json={**WATER, "targeting": {"compound_ids": [aw.hexi_xiaoqu]}, "send_at": at.isoformat()},
    ).get_json()
    cancelled = admin.send(
        "POST",
        "/api/alerts",
        json={**WATER, "targeting": {"compound_ids": [aw.hexi_xiaoqu]}, "send_at": at.isoformat()},
    ).get_json()
    assert scheduled["status"] == "scheduled"
    assert admin.send("POST", f"/api/alerts/{cancelled['id']}/cancel").get_json()["status"] == "cancelled"
    with app.app_context(), clock.at(at - timedelta(minutes=1)):
        assert publishing.release_due() == []
    with app.app_context(), clock.at(at + timedelta(seconds=5)):
        assert publishing.release_due() == [scheduled["id"]]
        assert publishing.release_due() == []  # claimed once
    assert admin.send("GET", f"/api/alerts/{scheduled['id']}").get_json()["status"] == "sent"
    assert admin.send("GET", f"/api/alerts/{cancelled['id']}").get_json()["status"] == "cancelled"
    assert len(inbox_of(signed_in(app, "13900000001"))) == 1
    assert admin.send("POST", f"/api/alerts/{scheduled['id']}/cancel").status_code == 422


def test_the_service_writes_one_entry_per_recipient_once_per_dedupe_key(app, aw):
    with app.app_context():
        first = service.notify([aw.r_hexi1, aw.r_qili], "task_assigned", "新任务", "请处理", dedupe_key="task:1")
        db.session.commit()
        again = service.notify(
            [aw.r_hexi1, aw.r_qili, aw.worker_a], "task_assigned", "新任务", "请处理", dedupe_key="task:1"
        )
        db.session.commit()
        assert first == sorted([aw.r_hexi1, aw.r_qili]) and again == [aw.worker_a]
        owners = sorted(db.session.scalars(db.select(InboxEntry.user_id)))
        assert owners == sorted([aw.r_hexi1, aw.r_qili, aw.worker_a])


def test_a_rolled_back_notice_sends_nothing(app, aw):
    admin, resident = signed_in(app, "13800000002"), signed_in(app, "13900000001")
    socket = socket_for(app, resident)
    with app.app_context():
        service.notify([aw.r_hexi1], "task_assigned", "新任务")
        db.session.rollback()
    assert events(socket, "alert") == [] and inbox_of(resident) == []
    assert admin  # signed in, for symmetry with the live tests


def test_the_in_process_pool_sends_off_the_request_thread(app, aw):
    app.config["ALERTS_FANOUT"] = "pool"
    admin = signed_in(app, "13800000002")
    alert_id = alert_to(admin, compound_ids=[aw.hexi_xiaoqu]).get_json()["id"]
    deadline = datetime.now() + timedelta(seconds=10)
    while datetime.now() < deadline:
        fanout.drain(app)
        if admin.send("GET", f"/api/alerts/{alert_id}").get_json()["status"] == "sent":
            break
    shown = admin.send("GET", f"/api/alerts/{alert_id}").get_json()
    assert shown["status"] == "sent" and shown["counts"]["recipients"] == 5


def test_a_full_pool_blocks_then_drops_with_a_log(app, caplog):
    pool = fanout.BoundedPool(workers=1, capacity=0, block_seconds=0.05)
    import threading

    release = threading.Event()

    fanout.JOBS["_wait"] = lambda: release.wait(5)
    try:
        pool.submit(app, "_wait", ())
        pool.submit(app, "_wait", ())  # no slot: dropped after 50 ms
        release.set()
        pool.drain()
    finally:
        fanout.JOBS.pop("_wait")
        pool.shutdown()
    assert "dropped" in caplog.text


def test_a_new_task_and_a_reassigned_one_notify_their_worker_once(app, aw):
    admin, worker_a, worker_b = (signed_in(app, p) for p in ("13800000002", "13800000003", "13800000004"))
    live = socket_for(app, worker_a)
    made = admin.send(
        "POST",
        "/api/tasks",
        json={
            "type": "visit",
            "title": "入户走访",
            "target_kind": "building",
            "target_id": aw.b_hexi1,
            "priority": "urgent",
        },
    )
    assert made.status_code == 201, made.get_json()
    task_id = made.get_json()["id"]
    (entry,) = inbox_of(worker_a)
    assert (
        entry["data"]["title"] == "新任务：入户走访"
        and entry["data"]["level"] == "urgent"
        and entry["data"]["link"] == f"#/tasks/{task_id}"
    )
    assert [e["kind"] for e in events(live, "alert")] == ["task_assigned"]
    assert inbox_of(worker_b) == []
    admin.send("POST", f"/api/tasks/{task_id}/reassign", json={"assignee_id": None})
    again = admin.send("POST", f"/api/tasks/{task_id}/reassign", json={"assignee_id": aw.worker_a})
    assert again.status_code == 200, again.get_json()
    assert len(inbox_of(worker_a)) == 1  # given back: no second notice


def test_the_release_daemon_is_off_in_tests_and_runs_when_configured(app, monkeypatch):
    from server.core import periodic

    assert publishing.start_daemon(app) is None
    started = []
    monkeypatch.setattr(
        periodic.threading,
        "Thread",
        lambda **kwargs: started.append(kwargs) or type("NoThread", (), {"start": lambda self: None})(),
    )
    app.config["ALERTS_RELEASE_EVERY_SECONDS"] = 30
    publishing.start_daemon(app)
    assert started[0]["args"][:3] == (app, 30, "alert-release") and started[0]["daemon"] is True


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "//evil.example/",
        "https://",
    ],
)
def test_a_link_that_is_not_the_app_or_a_web_page_is_refused(app, aw, link):
    admin = signed_in(app, "13800000002")
    refused = admin.send(
        "POST", "/api/alerts", json={**WATER, "link": link, "targeting": {"compound_ids": [aw.hexi_xiaoqu]}}
    )
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["fields"]["link"] == ["链接只能是应用内页面（#/…、/…）或 http(s):// 网址。"]


@pytest.mark.parametrize(
    "link", ["#/tasks/5", "/inspections/1/report", "https://www.xuchang.gov.cn/notice?id=1", "HTTP://example.cn"]
)
def test_a_link_to_the_app_or_a_web_page_is_accepted(app, aw, link):
    admin = signed_in(app, "13800000002")
    response = admin.send(
        "POST",
        "/api/alerts",
        json={**WATER, "link": link, "draft": True, "targeting": {"compound_ids": [aw.hexi_xiaoqu]}},
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["link"] == link
