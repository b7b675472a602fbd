"""Fixtures of the server's tests, each defined once (the app, the database, `world`, `iw` and
`notes_in_grids` are in tests/conftest.py, which the browser tests share). The data they build is
described in the support modules they call: alerts_support.py, inspections_support.py."""

import uuid
from datetime import UTC

import pytest
import redis

from server.demo import load_demo
from server.extensions import db
from server.inspections.models import RectificationOrder
from server.push import sender
from server.push.models import PushSubscription
from tests.conftest import app_on, fresh_database
from tests.processes import REDIS_URL, process_env
from tests.server.alerts_support import alerts_world
from tests.server.inspections_support import DIHAO_STEWARD, YUANHANG_STAFF, scored_november, submit_failing
from tests.server.tasks_support import HEXI_ADMIN, WORKER_A, pull_all, signed_in

# --- the demo city ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_app(database_url, tmp_path_factory, request):
    """The default demo city (server/demo) loaded once per test module, in a database of its own:
    (the app, load_demo()'s summary).

    Trap: once per module, not per session. The modules sign in (sessions, last_sign_in_at) and
    test_demo.py compares the city with a fresh load of the same seed, so no module may see
    another's changes."""
    name = f"demo_{request.module.__name__.rsplit('.', 1)[-1].removeprefix('test_')}"
    with fresh_database(database_url, tmp_path_factory.mktemp(name), name) as url:
        app = app_on(url, tmp_path_factory.mktemp(f"{name}_instance"))
        with app.app_context():
            summary = load_demo()
            db.session.remove()
        yield app, summary
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def demo(demo_app):
    """The demo city's summary, with its app's context open for the whole module: the read-only
    tests query db.session directly."""
    app, summary = demo_app
    with app.app_context():
        yield summary


# --- grid work ----------------------------------------------------------------------------------


@pytest.fixture
def people(app, world):
    """河西社区's admin and grid worker A, signed in: (admin, worker)."""
    return signed_in(app, HEXI_ADMIN), signed_in(app, WORKER_A)


# --- inspections --------------------------------------------------------------------------------


@pytest.fixture
def failed_inspection(app, iw):
    """帝豪花园 (远航物业) inspected by its steward with env.clean (minor) and fire.exits (critical)
    failed, a photo each: two open orders. The steward's session."""
    steward = signed_in(app, DIHAO_STEWARD)
    submit_failing(steward, iw, {"env.clean": (9, 9, 9), "fire.exits": (8, 8, 8)})
    return steward


@pytest.fixture
def orders(app, failed_inspection):
    """The two orders of `failed_inspection` as 远航物业's staff pull them: (the steward's
    session, the staff's, {item code: the order's change})."""
    staff = signed_in(app, YUANHANG_STAFF)
    pulled = {
        c["data"]["item_code"]: c for c in pull_all(staff) if c["entity"] == "rectification_order" and c["op"] == "put"
    }
    assert set(pulled) == {"env.clean", "fire.exits"}
    return failed_inspection, staff, pulled


@pytest.fixture
def major_orders(app, iw):
    """帝豪花园 inspected with env.bins (major, 72 h) and fire.lift (major, 72 h) failed: two open
    orders to 远航物业 with one deadline, for escalation. ({item code: order id}, the deadline)."""
    steward = signed_in(app, DIHAO_STEWARD)
    submit_failing(steward, iw, {"env.bins": None, "fire.lift": (200, 30, 30)})
    with app.app_context():
        rows = db.session.scalars(db.select(RectificationOrder)).all()
        deadline = rows[0].deadline_at.replace(tzinfo=UTC)
        return {row.item_code: row.id for row in rows}, deadline


@pytest.fixture
def scored(app, iw):
    """`iw` with November's inspections and orders (inspections_support.scored_november)."""
    with app.app_context():
        scored_november(iw)
    return iw


# --- alerts and push ----------------------------------------------------------------------------


@pytest.fixture
def aw(app):
    """The alerts tests' world (alerts_support.alerts_world): more residents and 万家物业's staff."""
    with app.app_context():
        return alerts_world()


@pytest.fixture
def push_service(monkeypatch):
    """server.push.sender.deliver_each answered by a table {endpoint: (status, http status)}; the
    payloads each device was sent are kept."""
    answers, sent = {}, []

    def deliver_each(pairs, level, topic=None, *, expires_at=None):
        outcomes = []
        for sid, payload in pairs:
            row = db.session.get(PushSubscription, sid)
            if row is None:
                continue
            status, http = answers.get(row.endpoint, ("sent", 201))
            sent.append((row.endpoint, payload, level, topic))
            outcomes.append(
                sender.Outcome(sid, row.user_id, row.endpoint, status, http, 1, None if status == "sent" else "gone")
            )
        return outcomes

    monkeypatch.setattr(sender, "deliver_each", deliver_each)
    return answers, sent


@pytest.fixture
def resident(world, auth):
    """The world's resident (帝豪花园), signed in on `auth`; their user id."""
    auth.login("13800000007")
    return world.resident


@pytest.fixture
def worker(app):
    """The PWA's service worker (not a grid worker: test_blobs.py has one of its own) fetching with
    credentials 'omit', so no session and no CSRF token."""
    return app.test_client()


# --- several processes --------------------------------------------------------------------------


@pytest.fixture
def scaled_env(app):
    """The environment of server and worker processes on the test's database and Redis, with a
    Socket.IO channel and an RQ queue of their own and no periodic jobs of their own."""
    redis.Redis.from_url(REDIS_URL).ping()  # Redis down is a failure, never a skip
    tag = uuid.uuid4().hex
    return process_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=REDIS_URL,
        REDGRID_SOCKETIO_CHANNEL=f"redgrid-test-{tag}",
        REDGRID_ALERTS_QUEUE=f"redgrid-test-{tag}",
        REDGRID_ALERTS_RELEASE_EVERY_SECONDS="0",
        REDGRID_ESCALATE_EVERY_MINUTES="0",
        REDGRID_LOGIN_RATE_LIMIT="1000 per minute",  # the limiter counts on Redis across runs
    )
