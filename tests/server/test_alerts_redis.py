"""Alerts in the scaled setup (REDIS_URL): two server processes and a separate `redgrid worker`.
An alert published through one server is queued on Redis (RQ), sent by the worker process, and
reaches a Socket.IO client connected to the other server (Flask-SocketIO's Redis message queue)."""

import queue
import subprocess
import time
from datetime import UTC, datetime, timedelta

import redis
import requests
import socketio as socketio_client
from rq import Queue

from server.alerts.models import Alert
from server.extensions import db
from server.notices.models import InboxEntry
from tests.factories import PASSWORD
from tests.processes import REDGRID, REDIS_URL, ROOT, free_port, serving
from tests.server.alerts_support import signed_in


def _session(base: str, phone: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = session.get(f"{base}/api/csrf").json()["csrf_token"]
    response = session.post(
        f"{base}/api/auth/login", json={"phone": phone, "password": PASSWORD}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.text
    return session, response.json()["csrf_token"]


def _listening(base: str, phone: str):
    session, _ = _session(base, phone)
    heard = queue.Queue()
    client = socketio_client.Client(reconnection=False)
    client.on("alert", lambda data: heard.put(data))
    client.connect(
        base,
        headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies)},
        transports=["websocket"],
        wait_timeout=10,
    )
    return client, heard


def test_an_alert_published_through_one_process_is_sent_by_a_worker_and_heard_on_another(aw, scaled_env):
    port_a, port_b = free_port(), free_port()
    with (
        serving([*REDGRID, "serve", "--port", str(port_a)], scaled_env, port_a) as server_a,
        serving([*REDGRID, "serve", "--port", str(port_b)], scaled_env, port_b) as server_b,
    ):
        resident, heard = _listening(server_a, "13900000001")
        outsider, outsider_heard = _listening(server_a, "13900000005")
        try:
            admin, token = _session(server_b, "13800000002")
            created = admin.post(
                f"{server_b}/api/alerts",
                headers={"X-CSRFToken": token},
                json={
                    "title": "停水通知",
                    "body": "明日停水。",
                    "level": "urgent",
                    "category": "utility",
                    "targeting": {"compound_ids": [aw.hexi_xiaoqu]},
                },
            )
            assert created.status_code == 201, created.text
            # Queued on Redis by server B, run by nobody yet.
            jobs = Queue(scaled_env["REDGRID_ALERTS_QUEUE"], connection=redis.Redis.from_url(REDIS_URL))
            assert jobs.count == 1
            time.sleep(0.5)
            assert heard.empty()
            worker = subprocess.run(
                [*REDGRID, "worker", "--burst"], cwd=ROOT, env=scaled_env, capture_output=True, text=True, timeout=120
            )
            assert worker.returncode == 0, worker.stdout + worker.stderr
            live = heard.get(timeout=10)
            assert live["title"] == "停水通知" and live["alert_id"] == created.json()["id"]
            time.sleep(0.5)
            assert outsider_heard.empty()
            shown = admin.get(f"{server_a}/api/alerts/{created.json()['id']}").json()
            assert shown["status"] == "sent" and shown["recipients"] == 5
        finally:
            resident.disconnect()
            outsider.disconnect()


def test_the_periodic_worker_releases_a_scheduled_alert_that_came_due_and_sends_it(app, aw, scaled_env):
    """compose.yaml's worker (`redgrid worker --periodic`): no `redgrid serve` runs the periodic
    jobs behind gunicorn, so the worker does; a scheduled alert whose time came is released and sent."""
    admin = signed_in(app, "13800000002")
    at = datetime.now(UTC) + timedelta(hours=1)
    app.config["ALERTS_FANOUT"] = "inline"  # this test's own process sends nothing: only the worker may
    created = admin.send(
        "POST",
        "/api/alerts",
        json={
            "title": "停水通知",
            "body": "明日停水。",
            "level": "urgent",
            "category": "utility",
            "targeting": {"compound_ids": [aw.hexi_xiaoqu]},
            "send_at": at.isoformat(),
        },
    ).get_json()
    assert created["status"] == "scheduled"
    with app.app_context():  # its hour has come (while no worker ran)
        db.session.execute(
            db.update(Alert).where(Alert.id == created["id"]).values(send_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        db.session.commit()
    worker = subprocess.run(
        [*REDGRID, "worker", "--burst", "--periodic"],
        cwd=ROOT,
        env=scaled_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    with app.app_context():
        assert db.session.get(Alert, created["id"]).status == "sent"
        recipients = db.session.scalars(db.select(InboxEntry.user_id).where(InboxEntry.alert_id == created["id"])).all()
        assert len(recipients) == 5


def test_a_worker_asked_to_stop_stops_and_is_not_restarted(scaled_env):
    """SIGTERM to an idle `redgrid worker` (scripts/scaled.sh stop) ends the process: it was
    taken for a worker lost with Redis and replaced, and the stop waited 30 s for its kill."""
    process = subprocess.Popen(
        [*REDGRID, "worker"], cwd=ROOT, env=scaled_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output = ""
        deadline = time.monotonic() + 60
        # RQ logs "Listening on" before it installs its signal handlers; its first maintenance
        # (cleaning the queue's registries) comes after them: from then on SIGTERM is RQ's.
        while "cleaning registries" not in output and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output += line
        assert "cleaning registries" in output, output
        time.sleep(1)  # past the maintenance, waiting for a job (a stop inside RQ's maintenance is RQ's own race)
        process.terminate()
        rest, _ = process.communicate(timeout=15)  # was: a new worker, until the KILL
        assert process.returncode == 0, rest
        assert "a new one" not in rest, rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
