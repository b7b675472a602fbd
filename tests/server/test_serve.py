"""`redgrid serve` is a production server (gunicorn's gthread worker, server/serving.py), not
Werkzeug's development server, and it stops gracefully: a push in flight when SIGTERM comes is
finished and answered (what the phone is told was applied is committed), an open Socket.IO
connection does not hold the stop, and the process ends by itself."""

import json
import signal
import socket
import subprocess
import time
import urllib.request
import uuid

import requests
import socketio as socketio_client
from sqlalchemy import create_engine, text

from tests.factories import PASSWORD
from tests.processes import REDGRID, ROOT, free_port, process_env

WORKER = "13800000003"


def _start(database_url: str, port: int, *extra: str) -> subprocess.Popen:
    env = process_env(database_url, REDGRID_GRACEFUL_SECONDS="20")
    env.pop("REDIS_URL", None)  # the embedded default: one process, no Redis
    command = [*REDGRID, "serve", "--port", str(port), *extra]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                assert response.status == 200
                return process
        except OSError:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "redgrid serve did not answer in 30 s"
            time.sleep(0.2)


def _signed_in(base: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = session.get(f"{base}/api/csrf").json()["csrf_token"]
    answer = session.post(
        f"{base}/api/auth/login", json={"phone": WORKER, "password": PASSWORD}, headers={"X-CSRFToken": token}
    )
    assert answer.status_code == 200, answer.text
    return session, token


def test_serve_is_gunicorn_and_a_push_in_flight_at_sigterm_is_answered_and_committed(app, world):
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start(database_url, port)
    try:
        session, token = _signed_in(base)
        listener = socketio_client.Client(reconnection=False)
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        listener.connect(base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
        assert listener.connected  # a WebSocket through gunicorn's threads (simple-websocket)

        record_id = str(uuid.uuid4())
        body = json.dumps(
            {
                "protocol": "redgrid-sync/1",
                "client_id": "phone-serve",
                "mutations": [
                    {
                        "id": str(uuid.uuid4()),
                        "entity": "field_report",
                        "record_id": record_id,
                        "op": "create",
                        "fields": {
                            "grid_id": world.g1,
                            "category": "safety",
                            "description": "楼道堆物（停机时在途）",
                            "location_status": "denied",
                        },
                    }
                ],
            },
            ensure_ascii=False,
        ).encode()
        head = (
            f"POST /api/sync/push HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nX-CSRFToken: {token}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
        ).encode()
        phone = socket.create_connection(("127.0.0.1", port), timeout=30)
        phone.sendall(head + body[:20])  # the push is in flight: its body half sent
        time.sleep(0.5)

        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        phone.sendall(body[20:])  # the rest arrives after the stop began
        answer = b""
        while chunk := phone.recv(65536):
            answer += chunk
        phone.close()
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line.startswith(b"HTTP/1.1 200"), answer[:500]
        result = json.loads(rest.partition(b"\r\n\r\n")[2])["results"][0]
        assert result["status"] == "applied", result

        process.wait(timeout=15)  # the open WebSocket does not hold the stop for the grace period
        stopped_in = time.monotonic() - stopping
        assert process.returncode == 0, process.returncode
        assert stopped_in < 10, f"stopping took {stopped_in:.1f} s"
        output = process.stdout.read().decode()
        assert "development server" not in output.lower(), output
        listener.disconnect()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:  # what the phone was told was applied is committed
            stored = connection.execute(
                text("SELECT description FROM field_reports WHERE id = :id"), {"id": record_id}
            ).scalar()
    finally:
        engine.dispose()
    assert stored == "楼道堆物（停机时在途）"


def test_serve_dev_is_werkzeug_behind_a_flag(app, world):
    port = free_port()
    process = _start(app.config["SQLALCHEMY_DATABASE_URI"], port, "--dev")
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.headers["Server"].startswith("Werkzeug")
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
