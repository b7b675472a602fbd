"""Redis or the database gone (issue 18, item 4; bench/faults/stop_redis.py and
restart_postgres.py run the same against the scaled deployment): every request still gets an
answer of the error shape, never a 500, and what could not be done then is done once the service
is back, exactly once.

"Down" here is a real port where nothing listens (connection refused, as when the service is
stopped); "back" is the test Redis (REDIS_URL)."""

import uuid
from datetime import timedelta

import pytest
import redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select, text

from server import create_app
from server.alerts import publishing
from server.alerts.models import Alert
from server.auth.models import User
from server.core.clock import utcnow
from server.extensions import db
from server.notices import fanout
from server.notices.jobs import SWEEP_KEY, sweep_queued
from server.notices.models import Delivery, InboxEntry
from server.push.models import PushSubscription
from tests.conftest import AuthActions, _is_postgres
from tests.processes import REDIS_URL, free_port
from tests.server.alerts_support import signed_in
from tests.server.test_alerts_api import alert_to


def _nowhere() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there: Redis is down


@pytest.fixture
def rq_app(app):
    """The test app in the scaled mode's fan-out (RQ) with Redis down; `back()` brings it up (the
    test Redis, a queue of its own). Socket.IO stays in process (its outage: test_realtime_redis)."""
    redis.Redis.from_url(REDIS_URL).ping()  # Redis down is a failure, never a skip
    name = f"redgrid-test-{uuid.uuid4().hex}"
    app.config.update(ALERTS_FANOUT="rq", REDIS_URL=_nowhere(), ALERTS_QUEUE=name)

    def back() -> Queue:
        app.extensions.pop("redgrid_rq", None)
        app.config["REDIS_URL"] = REDIS_URL
        return Queue(name, connection=redis.Redis.from_url(REDIS_URL))

    app.back = back
    yield app
    queue = Queue(name, connection=redis.Redis.from_url(REDIS_URL))
    queue.empty()
    queue.delete(delete_jobs=True)


def _run_queue(app, queue: Queue) -> None:
    """A `redgrid worker --burst` in this process: every queued job, then the ones they queue."""
    with app.app_context():
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def _entries(app, alert_id: int) -> list[int]:
    with app.app_context():
        return sorted(db.session.scalars(select(InboxEntry.user_id).where(InboxEntry.alert_id == alert_id)))


def test_an_alert_published_while_redis_is_down_is_committed_and_sent_once_redis_is_back(rq_app, aw):
    app = rq_app
    admin = signed_in(app, "13800000002")
    created = alert_to(admin, compound_ids=[aw.hexi_xiaoqu])
    assert created.status_code == 201, created.get_json()  # was a 500: RQ's enqueue raised
    alert_id = created.get_json()["id"]
    assert created.get_json()["status"] == "sending" and _entries(app, alert_id) == []
    with app.app_context():
        assert publishing.resume_sending() == []  # Redis still down: nothing queued, nothing raised

    queue = app.back()
    with app.app_context():
        assert publishing.resume_sending() == [alert_id]
        assert publishing.resume_sending() == []  # its job waits: not queued twice
    assert queue.count == 1
    _run_queue(app, queue)
    recipients = _entries(app, alert_id)
    assert len(recipients) == 5 and len(set(recipients)) == 5
    shown = admin.send("GET", f"/api/alerts/{alert_id}").get_json()
    assert shown["status"] == "sent" and shown["recipients"] == 5

    # Sent again (a job queued twice, or run again after Redis lost its queue): nobody twice.
    with app.app_context():
        db.session.execute(db.update(Alert).where(Alert.id == alert_id).values(status="sending"))
        db.session.commit()
        assert publishing.resume_sending() == [alert_id]
    _run_queue(app, queue)
    assert _entries(app, alert_id) == recipients


def test_pushes_left_queued_while_redis_was_down_are_swept_once(rq_app, aw, push_service):
    app = rq_app
    _, sent = push_service
    with app.app_context():
        resident = db.session.scalar(select(User.id).where(User.phone == "13900000001"))
        db.session.add(
            PushSubscription(user_id=resident, endpoint="https://push.example/o", p256dh="k" * 87, auth="a" * 22)
        )
        db.session.commit()
    alert_id = alert_to(signed_in(app, "13800000002"), compound_ids=[aw.hexi_xiaoqu]).get_json()["id"]
    with app.app_context():
        fanout.run("send_alert", alert_id)  # a worker's job while Redis is down: its Web Push is not queued
        assert db.session.get(Alert, alert_id).status == "sent"
        pushes = select(Delivery.state).where(Delivery.subscription_id.is_not(None))
        assert db.session.scalars(pushes).all() == ["queued"]
        assert sweep_queued() == 0  # not stale yet: a live job may be about to send it
        db.session.execute(db.update(Delivery).values(queued_at=utcnow() - timedelta(minutes=10)))
        db.session.commit()
        assert sweep_queued() == 0  # Redis still down
    queue = app.back()
    with app.app_context():
        assert sweep_queued() == 1
        assert fanout.in_flight(app, SWEEP_KEY) and sweep_queued() == 0  # its job waits: not twice
    _run_queue(app, queue)
    with app.app_context():
        assert db.session.scalars(pushes).all() == ["sent"] and sweep_queued() == 0
    assert len(sent) == 1


def test_sign_in_answers_with_the_limiter_s_redis_down_and_still_counts(app, world):
    down = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-secret",
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": _nowhere(),
        }
    )
    try:
        auth = AuthActions(down.test_client())
        answers = [auth.login("13800000003", "wrong").status_code for _ in range(5)]
        assert answers == [401] * 5  # were 500s: the limiter's storage raised
        refused = auth.login("13800000003", "wrong")
        assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "throttled"  # counted in memory
    finally:
        with down.app_context():  # its pool holds a connection to the test database: closed now, not by the GC
            db.engine.dispose()


def test_a_database_that_does_not_answer_is_a_503_with_retry_after_never_a_500(app, world, auth):
    down = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/redgrid",
            "SECRET_KEY": "test-secret",
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    client = down.test_client()
    token = client.get("/api/csrf").get_json()["csrf_token"]
    for headers in ({"Accept-Language": "zh-CN"}, {"Accept-Language": "en"}):
        answer = client.post(
            "/api/auth/login",
            json={"phone": "13800000003", "password": "grid2026a"},
            headers={"X-CSRFToken": token, **headers},
        )
        assert answer.status_code == 503, answer.get_data(as_text=True)
        assert int(answer.headers["Retry-After"]) >= 5  # sign-in's limiter may say later
        error = answer.get_json()["error"]
        assert error["code"] == "database_unavailable" and error["fields"] == {}
        assert ("数据库" in error["message"]) == (headers["Accept-Language"] == "zh-CN")

    # Signed in (a phone pushing while PostgreSQL restarts): loading the user fails first, and
    # the answer must not need the user either (was a 500: the message's language asked for it).
    auth.login("13800000003")
    signed = down.test_client()
    for cookie in auth.client._cookies.values():
        signed.set_cookie(cookie.key, cookie.value)
    token = auth.client.get("/api/csrf").get_json()["csrf_token"]
    body = {"protocol": "redgrid-sync/1", "client_id": "outage", "mutations": []}
    answer = signed.post("/api/sync/push", json=body, headers={"X-CSRFToken": token})
    assert answer.status_code == 503 and answer.get_json()["error"]["code"] == "database_unavailable"


@pytest.mark.postgres
def test_a_push_after_the_server_dropped_every_connection_is_applied(app, world, auth):
    """What a PostgreSQL restart leaves in the pool: connections the server closed. The pool's
    pre-ping replaces them, so the next request is answered as if nothing happened."""
    if not _is_postgres(app.config["SQLALCHEMY_DATABASE_URI"]):
        pytest.fail("PostgreSQL only: run with DATABASE_URL=postgresql+psycopg://… (the SQLite pass deselects it)")
    auth.login("13800000003")
    assert auth.send("GET", "/api/session").status_code == 200
    with app.app_context():
        database = db.engine.url.database
        with db.engine.connect() as other:
            other.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :d AND pid <> pg_backend_pid()"
                ),
                {"d": database},
            )
    answer = auth.send("GET", "/api/session")
    assert answer.status_code == 200, answer.get_json()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Alert)) == 0


def test_every_connection_busy_is_a_503_server_busy_with_retry_after_never_a_500(app, world, auth, monkeypatch):
    """Overload (bench/load/field_day.py at 1,000 workers): a request that finds every pooled
    connection taken for the pool's timeout was a 500 after 30 s; now a quick 503 server_busy."""
    monkeypatch.setenv("REDGRID_DB_POOL_SIZE", "1")
    monkeypatch.setenv("REDGRID_DB_POOL_OVERFLOW", "0")
    monkeypatch.setenv("REDGRID_DB_POOL_TIMEOUT", "0.2")
    busy = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test-secret",
            "REDIS_URL": None,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    assert busy.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_timeout"] == 0.2
    client = busy.test_client()
    token = client.get("/api/csrf").get_json()["csrf_token"]
    login = {"phone": "13800000003", "password": "password123"}
    try:
        with busy.app_context():
            held = db.engine.connect()  # another request's connection, the pool's only one
            try:
                for language, word in (("zh-CN", "服务器正忙"), ("en", "busy")):
                    answer = client.post(
                        "/api/auth/login", json=login, headers={"X-CSRFToken": token, "Accept-Language": language}
                    )
                    assert answer.status_code == 503, answer.get_data(as_text=True)
                    assert int(answer.headers["Retry-After"]) >= 10  # sign-in's limiter may say later
                    error = answer.get_json()["error"]
                    assert error["code"] == "server_busy" and error["fields"] == {}
                    assert word in error["message"]
            finally:
                held.close()
        # The connection is back: the same request is served.
        answer = client.post("/api/auth/login", json=login, headers={"X-CSRFToken": token})
        assert answer.status_code == 200, answer.get_data(as_text=True)
    finally:
        with busy.app_context():
            db.engine.dispose()
