"""Socket.IO: sign-in required, rooms per bucket, a poke after every commit (PROTOCOL.md §8)."""

import pytest
from sqlalchemy import create_engine, text

from server.core import pokes
from server.extensions import socketio
from tests.factories import rid
from tests.server.test_sync_api import create, push, signed_in


def socket_for(app, auth):
    client = socketio.test_client(app, flask_test_client=auth.client)
    assert client.is_connected()
    return client


def pokes_received(client) -> list[list[str]]:
    return [event["args"][0]["buckets"] for event in client.get_received() if event["name"] == "sync:poke"]


def test_anonymous_sockets_are_refused(app, world):
    client = socketio.test_client(app, flask_test_client=app.test_client())
    assert not client.is_connected()


def test_a_push_pokes_exactly_the_buckets_it_touched(app, world, notes_in_grids):
    worker_a, worker_b, admin = (signed_in(app, p) for p in ("13800000003", "13800000004", "13800000002"))
    sockets = {name: socket_for(app, auth) for name, auth in (("a", worker_a), ("b", worker_b), ("admin", admin))}
    for client in sockets.values():
        client.get_received()
    push(worker_a, create(rid("n1"), world.g1, title="走访"))
    poked_a = pokes_received(sockets["a"])
    assert len(poked_a) == 1 and f"grid:{world.g1}" in poked_a[0]
    assert pokes_received(sockets["b"]) == []  # another grid hears nothing
    assert len(pokes_received(sockets["admin"])) == 1  # the community admin above does


def test_the_poke_comes_after_the_commit(app, world, notes_in_grids):
    """A client that pulls the instant it is poked must find the change (DESIGN.md §5)."""
    seen_at_poke = []
    outside = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])

    def check(buckets, event):
        with outside.connect() as conn:  # another connection: sees only committed rows
            seen_at_poke.append(
                conn.execute(text("SELECT count(*) FROM test_notes WHERE id = :id"), {"id": rid("n1")}).scalar()
            )

    pokes.register(check)
    try:
        push(signed_in(app, "13800000003"), create(rid("n1"), world.g1, title="走访"))
    finally:
        pokes._senders.remove(check)
        outside.dispose()
    assert seen_at_poke == [1]


def test_rejoin_after_a_scope_change_hears_the_new_grid(app, world, notes_in_grids):
    worker_a, worker_b = signed_in(app, "13800000003"), signed_in(app, "13800000004")
    socket = socket_for(app, worker_a)
    admin = signed_in(app, "13800000002")
    admin.send("POST", f"/api/admin/users/{world.worker_a}/roles", json={"role": "grid_worker", "scope_id": world.g2})
    joined = socket.emit("sync:join", callback=True)
    assert f"grid:{world.g2}" in joined["buckets"]
    # Any payload is ignored, never a crash without an acknowledgement.
    for payload in ({"buckets": ["grid:999"]}, "x", None, [1, 2]):
        assert socket.emit("sync:join", payload, callback=True) == joined
    socket.get_received()
    push(worker_b, create(rid("n2"), world.g2, title="乙网格"), client_id="phone-b")
    assert any(f"grid:{world.g2}" in b for b in pokes_received(socket))


@pytest.mark.parametrize("phone", ["13800000006"])
def test_users_without_the_bucket_hear_nothing(app, world, notes_in_grids, phone):
    socket = socket_for(app, signed_in(app, phone))
    socket.get_received()
    push(signed_in(app, "13800000003"), create(rid("n1"), world.g1, title="走访"))
    assert pokes_received(socket) == []


def test_a_rejoin_of_a_socket_that_closed_meanwhile_answers_nothing(app, world):
    """Handlers run on threads of their own: a phone may ask to rejoin and close its socket before
    the handler runs. python-socketio has then forgotten the sid; the handler must not raise."""
    from flask import request
    from flask_login import login_user

    from server.auth.models import User
    from server.extensions import db
    from server.realtime.events import rejoin

    auth = signed_in(app, "13800000003")
    socket = socket_for(app, auth)  # the server has sockets, and the namespace's rooms
    with app.test_request_context("/socket.io/"):
        login_user(db.session.get(User, world.worker_a))
        request.sid, request.namespace = "gone-already", "/"
        assert rejoin() == {"buckets": []}
    assert socket.emit("sync:join", callback=True)["buckets"], "a live socket still rejoins"
