"""Scaled mode: with REDIS_URL set, a poke published by one process reaches a client connected to
another (Flask-SocketIO's Redis message queue)."""

import queue
import subprocess
import time

import pytest
import requests
import socketio as socketio_client

from tests.factories import PASSWORD
from tests.processes import REDGRID, ROOT, free_port, serving


@pytest.fixture
def server(scaled_env):
    port = free_port()
    with serving([*REDGRID, "serve", "--port", str(port)], scaled_env, port) as base:
        yield base


def _connected_client(base: str, phone: str):
    session = requests.Session()
    token = session.get(f"{base}/api/csrf").json()["csrf_token"]
    assert (
        session.post(
            f"{base}/api/auth/login", json={"phone": phone, "password": PASSWORD}, headers={"X-CSRFToken": token}
        ).status_code
        == 200
    )
    received = queue.Queue()
    client = socketio_client.Client(reconnection=False)
    client.on("sync:poke", lambda data: received.put(data))
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    client.connect(base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    return client, received


def test_a_poke_from_another_process_reaches_the_right_clients(world, server, scaled_env):
    worker_a, heard_a = _connected_client(server, "13800000003")
    worker_b, heard_b = _connected_client(server, "13800000004")
    try:
        poke = subprocess.run(
            [*REDGRID, "sync-poke", f"grid:{world.g1}"],
            cwd=ROOT,
            env=scaled_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert poke.returncode == 0, poke.stderr
        assert heard_a.get(timeout=10) == {"buckets": [f"grid:{world.g1}"]}
        time.sleep(0.5)
        assert heard_b.empty(), "grid B's worker is not in grid A's room"
    finally:
        worker_a.disconnect()
        worker_b.disconnect()


def test_an_anonymous_socket_is_refused(server):
    client = socketio_client.Client(reconnection=False)
    with pytest.raises(socketio_client.exceptions.ConnectionError):
        client.connect(server, transports=["websocket"], wait_timeout=5)
