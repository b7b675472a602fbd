"""Benchmark: an alert's live delivery to 1,000 connected Socket.IO clients (DESIGN.md §6, issue 6).

    .venv/bin/python bench/socketio_broadcast.py                  # 1,000 residents, 3 alerts
    .venv/bin/python bench/socketio_broadcast.py --clients 300 --rounds 5
    .venv/bin/python bench/socketio_broadcast.py --smoke          # 20 clients, one alert (CI: that it still runs)

Builds a compound with one household per client and a resident account in each (SQLite in a
temporary folder), starts `redgrid serve` (embedded mode: the in-process fan-out pool), signs
every resident in over HTTP and connects each as its own python-socketio AsyncClient (websocket,
all in this process's event loop, so one clock measures both ends). Then the compound's admin
publishes an urgent alert to the compound, --rounds times. Per round: the time from the POST
being sent to each client's `alert` event, as p50 / p95 / max, and how many clients heard it.
"Publish to receipt" covers the whole path: the API call, the fan-out job resolving the audience,
writing the 1,000 inbox entries (in bulk, with their change-log rows) and committing, and the
1,000 emits (one per user room), which the job makes right after its commit, before the inboxes'
sync pokes (another 1,000 messages, one per room) and the Web Push jobs. Every client runs in this process:
its CPU is shared with the server's (2 vCPUs here), so the client side counts too.
Target (issue 6): p95 ≤ 500 ms. "first" is when the first client heard it: the time before it is
the API call and writing the inbox entries; "first to last" is the broadcast itself.

--scaled measures the scaled deployment instead: PostgreSQL, two `redgrid serve` processes on
Redis (Flask-SocketIO's message queue, the fan-out on RQ) and one `redgrid worker`; half the
clients connect to each server, the admin publishes through the first, the worker sends the alert
and its emits reach both servers' sockets through Redis.

    .venv/bin/python bench/socketio_broadcast.py --scaled [--pg-server URL] [--redis redis://127.0.0.1:6379/14]
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_sqlite  # noqa: E402

PASSWORD = "bench2026"
ADMIN_PHONE = "13700000000"


def build(url: str, clients: int) -> int:
    """Migrated database with an admin and `clients` residents of one compound; its id."""
    from flask_migrate import upgrade
    from sqlalchemy import insert

    from server import create_app
    from server.auth.models import RoleAssignment, User
    from server.auth.passwords import hash_password
    from server.extensions import db
    from server.org.models import Building, Compound, Household, OrgUnit

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        city = OrgUnit(kind="city", name="许昌市", path="", depth=0)
        db.session.add(city)
        db.session.flush()
        city.path = f"/{city.id}/"
        community = OrgUnit(kind="community", name="河西社区", parent_id=city.id, path="", depth=1)
        db.session.add(community)
        db.session.flush()
        community.path = f"{city.path}{community.id}/"
        compound = Compound(name="河西小区", community_id=community.id)
        db.session.add(compound)
        db.session.flush()
        building = Building(compound_id=compound.id, name="1号楼")
        db.session.add(building)
        db.session.flush()
        hashed = hash_password(PASSWORD)
        admin = User(phone=ADMIN_PHONE, display_name="社区管理员", password_hash=hashed)
        db.session.add(admin)
        db.session.flush()
        db.session.add(RoleAssignment(user_id=admin.id, role="admin", org_unit_id=community.id))
        households = db.session.scalars(
            insert(Household).returning(Household.id),
            [{"building_id": building.id, "unit": "1单元", "room": str(i)} for i in range(clients)],
        ).all()
        users = db.session.scalars(
            insert(User).returning(User.id),
            [
                {
                    "phone": phone(i),
                    "display_name": f"居民{i}",
                    "password_hash": hashed,
                    "locale": "zh-CN",
                    "active": True,
                }
                for i in range(clients)
            ],
        ).all()
        db.session.execute(
            insert(RoleAssignment),
            [{"user_id": u, "role": "resident", "household_id": h} for u, h in zip(users, households)],
        )
        db.session.commit()
        compound_id = compound.id
        db.engine.dispose()
    return compound_id


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, and SIGKILL when the process has not ended 10 s later (an RQ worker may be in a job)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serving(command, env, port, log_path):
    """The server process, its output in a file (a pipe nobody reads fills up and stalls it)."""
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                        break
                except OSError as exc:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(Path(log_path).read_text()) from exc
                    time.sleep(0.2)
            yield base
        finally:
            stop(process)


def phone(i: int) -> str:
    return f"1360{i:07d}"


def sign_in(base: str, number: str):
    import requests

    session = requests.Session()
    token = session.get(f"{base}/api/csrf").json()["csrf_token"]
    for attempt in range(5):  # SQLite: a sign-in may meet another's write lock ("database is locked")
        response = session.post(
            f"{base}/api/auth/login", json={"phone": number, "password": PASSWORD}, headers={"X-CSRFToken": token}
        )
        if response.status_code != 500:
            break
        time.sleep(0.2 * (attempt + 1))
    response.raise_for_status()
    session.close()  # keep the cookie, not a connection (and a server thread) per resident
    return session, response.json()["csrf_token"]


async def run_rounds(bases: list[str], compound_id: int, clients: int, rounds: int) -> list[list[float]]:
    """Client i signs in and connects to bases[i % len(bases)]; the admin publishes through bases[0]."""
    import socketio

    base = bases[0]
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(8) as pool:
        sessions = await asyncio.gather(
            *[loop.run_in_executor(pool, sign_in, bases[i % len(bases)], phone(i)) for i in range(clients)]
        )
    heard: dict[int, dict[int, float]] = {}
    sockets = []

    def listener(index):
        async def on_alert(data):
            heard.setdefault(data["alert_id"], {})[index] = time.perf_counter()

        return on_alert

    async def connect(index, session):
        client = socketio.AsyncClient(reconnection=False)
        client.on("alert", listener(index))
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        for attempt in range(5):  # the development server's accept queue overflows now and then
            try:
                await client.connect(
                    bases[index % len(bases)], headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30
                )
                break
            except socketio.exceptions.ConnectionError:
                await asyncio.sleep(0.5 * (attempt + 1))
        else:
            raise SystemExit(f"client {index} could not connect")
        sockets.append(client)

    for start in range(0, clients, 25):  # a few at a time: the server's accept queue
        await asyncio.gather(*[connect(i, sessions[i][0]) for i in range(start, min(start + 25, clients))])
    print(f"{len(sockets)} clients connected")
    admin, token = await loop.run_in_executor(None, sign_in, base, ADMIN_PHONE)
    results = []
    for round_ in range(rounds):
        await asyncio.sleep(1.0)
        t0 = time.perf_counter()
        response = await loop.run_in_executor(
            None,
            lambda round_=round_: admin.post(
                f"{base}/api/alerts",
                headers={"X-CSRFToken": token},
                json={
                    "title": f"停水通知 {round_ + 1}",
                    "body": "明日 8:00-18:00 停水，请提前储水。",
                    "level": "urgent",
                    "category": "utility",
                    "targeting": {"compound_ids": [compound_id]},
                },
            ),
        )
        response.raise_for_status()
        alert_id = response.json()["id"]
        deadline = time.perf_counter() + 30
        while len(heard.get(alert_id, {})) < clients and time.perf_counter() < deadline:
            await asyncio.sleep(0.01)
        latencies = sorted((t - t0) * 1000 for t in heard.get(alert_id, {}).values())
        results.append(latencies)
    await asyncio.gather(*[s.disconnect() for s in sockets])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scaled", action="store_true", help="PostgreSQL, two servers and a worker on Redis")
    parser.add_argument("--pg-server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--smoke", action="store_true", help="20 clients, one alert; every client must hear it")
    args = parser.parse_args()
    if args.smoke:
        args.clients, args.rounds = 20, 1
    if args.scaled:
        results = run_scaled(args)
    else:
        results = run_embedded(args)
    print(
        f"alert to {args.clients} connected clients{' over two servers and a worker on Redis' if args.scaled else ''}, "
        "publish (POST sent) -> `alert` event received:"
    )
    for i, latencies in enumerate(results, 1):
        if not latencies:
            print(f"  round {i}: nobody heard it")
            continue
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
        print(
            f"  round {i}: heard by {len(latencies)}/{args.clients}  first {latencies[0]:.0f} ms  "
            f"p50 {statistics.median(latencies):.0f} ms"
            f"  p95 {p95:.0f} ms  max {latencies[-1]:.0f} ms  (first to last: {latencies[-1] - latencies[0]:.0f} ms)"
        )
    if args.smoke and any(len(latencies) != args.clients for latencies in results):
        raise SystemExit("check failed: not every client heard every alert")


def run_embedded(args) -> list[list[float]]:
    from tests.processes import REDGRID, free_port, process_env

    with scratch_sqlite("redgrid-broadcast-") as (folder, (url,)):
        compound_id = build(url, args.clients)
        port = free_port()
        env = process_env(
            url,
            REDIS_URL="",
            REDGRID_LOGIN_RATE_LIMIT="100000 per minute",
            REDGRID_ESCALATE_EVERY_MINUTES="0",
            REDGRID_ALERTS_FANOUT="pool",
            REDGRID_ALERTS_RELEASE_EVERY_SECONDS="0",
        )
        env.pop("REDIS_URL")
        with serving([*REDGRID, "serve", "--port", str(port)], env, port, folder / "server.log") as base:
            return asyncio.run(run_rounds([base], compound_id, args.clients, args.rounds))


def run_scaled(args) -> list[list[float]]:
    import uuid

    import redis

    from bench._scratch import scratch_postgres
    from tests.processes import REDGRID, free_port, process_env

    redis.Redis.from_url(args.redis).ping()
    tag = uuid.uuid4().hex[:12]
    with (
        scratch_postgres(args.pg_server, "redgrid_broadcast") as (_admin, _names, (url,)),
        scratch_sqlite("redgrid-broadcast-logs-") as (folder, _),
    ):
        compound_id = build(url, args.clients)
        env = process_env(
            url,
            REDIS_URL=args.redis,
            REDGRID_SOCKETIO_CHANNEL=f"redgrid-bench-{tag}",
            REDGRID_ALERTS_QUEUE=f"redgrid-bench-{tag}",
            REDGRID_LOGIN_RATE_LIMIT="100000 per minute",
            REDGRID_ESCALATE_EVERY_MINUTES="0",
            REDGRID_ALERTS_RELEASE_EVERY_SECONDS="0",
            REDGRID_ALERTS_EXPIRE_EVERY_SECONDS="0",
        )
        ports = [free_port(), free_port()]
        with open(folder / "worker.log", "wb") as log:
            worker = subprocess.Popen([*REDGRID, "worker"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                with (
                    serving([*REDGRID, "serve", "--port", str(ports[0])], env, ports[0], folder / "server-a.log") as a,
                    serving([*REDGRID, "serve", "--port", str(ports[1])], env, ports[1], folder / "server-b.log") as b,
                ):
                    return asyncio.run(run_rounds([a, b], compound_id, args.clients, args.rounds))
            finally:
                stop(worker)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
