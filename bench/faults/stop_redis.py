"""Fault: stop Redis for 30 s during pushes and alerts (issue 18, item 4).

    .venv/bin/python bench/faults/stop_redis.py            # 24 phones, Redis down 30 s
    .venv/bin/python bench/faults/stop_redis.py --smoke    # 6 phones, Redis down 8 s (CI)

The scaled deployment (scripts/scaled.sh: nginx, 3 gunicorn servers, 2 RQ workers, the first
with the periodic jobs) on a PostgreSQL cluster and a redis-server of the run's own
(bench/faults/_fleet.py), so the shared services stay untouched. The Redis keeps nothing
(`--save '' --appendonly no`): stopped, it loses the RQ queue, the rate-limit counters and the
Socket.IO channel's subscribers — the hardest case. While N phones push field reports through the
proxy (as kill_server.py), the demo admin 刘红梅 publishes an alert to 帝豪花园 every few seconds —
before, during and after the outage — and the demo resident 杨帆 (who lives there) listens on a
Socket.IO connection through the proxy.

Verdict (exit 1 unless PASS):
  - pushes: lost 0, duplicated 0, the change log complete (as kill_server.py); no 5xx while Redis
    is gone (sync needs PostgreSQL only; the rate limiter counts in memory meanwhile);
  - alerts: every publish answered 201 (none a 500); every alert ends `sent`, each recipient has
    it once (no alert lost or sent twice), within --settle seconds of Redis's return (queued
    again by the periodic sweep, REDGRID_ALERTS_RELEASE_EVERY_SECONDS=10 here);
  - live pokes resume: the resident hears the `alert` event of every alert sent after Redis's
    return (those published during the outage are sent then), none twice; an alert sent while
    Redis was going (its event dropped: pub/sub keeps nothing) is covered by the `sync:poke` every
    server sends its clients once it listens on Redis again (the phone pulls it).
Figures: how long after Redis's return the last alert was sent, and the first event heard.
"""

import argparse
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import requests
import socketio as socketio_client

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.faults._fleet import (  # noqa: E402
    Phone,
    check,
    free_run,
    grid_of_worker,
    own_services,
    recoveries,
    report,
    scaled,
    scaled_env,
    verdict,
)

ADMIN, ADMIN_PASSWORD = "13800000002", "hexi2026"  # 刘红梅, 河西社区
RESIDENT, RESIDENT_PASSWORD = "13800000007", "jumin2026"  # 杨帆, 帝豪花园1号楼
COMPOUND = "帝豪花园"
RECOVERY_TARGET_S = 10  # pushes that met an error
SWEEP_SECONDS = 10


def session_of(base: str, phone: str, password: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = session.get(f"{base}/api/csrf", timeout=10).json()["csrf_token"]
    answer = session.post(
        f"{base}/api/auth/login",
        json={"phone": phone, "password": password},
        headers={"X-CSRFToken": token},
        timeout=30,
    )
    answer.raise_for_status()
    return session, answer.json()["csrf_token"]


class Listener:
    """The resident's phone: a Socket.IO connection through the proxy that counts `alert` events."""

    def __init__(self, base: str):
        session, _ = session_of(base, RESIDENT, RESIDENT_PASSWORD)
        self.heard: Counter = Counter()
        self.first_heard: dict[int, float] = {}
        self.connects = 0
        self.client = socketio_client.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2)
        self.pokes: list[float] = []  # times a sync:poke came (the server's "pull now")
        self.client.on("alert", self.on_alert)
        self.client.on("sync:poke", lambda *_: self.pokes.append(time.monotonic()))
        self.client.on("connect", self.on_connect)
        self.client.connect(
            base,
            headers={"Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies)},
            transports=["websocket"],
            wait_timeout=20,
        )

    def on_connect(self):
        self.connects += 1

    def on_alert(self, data):
        self.heard[data["alert_id"]] += 1
        self.first_heard.setdefault(data["alert_id"], time.monotonic())


class Admin(threading.Thread):
    """Publishes an alert every `every` seconds; records each answer."""

    def __init__(self, base: str, compound_id: int, run_id: str, every: float, stop: threading.Event):
        super().__init__(name="admin", daemon=True)
        self.base, self.compound_id, self.run_id, self.every, self.stop = base, compound_id, run_id, every, stop
        self.session, self.csrf = session_of(base, ADMIN, ADMIN_PASSWORD)
        self.published: list[tuple[float, int]] = []  # (time, alert id)
        self.failed: list[str] = []

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                answer = self.session.post(
                    f"{self.base}/api/alerts",
                    json={
                        "title": f"停水通知 {self.run_id} #{n}",
                        "body": "故障演练：明日停水。",
                        "level": "notice",
                        "category": "utility",
                        "targeting": {"compound_ids": [self.compound_id]},
                    },
                    headers={"X-CSRFToken": self.csrf},
                    timeout=30,
                )
            except requests.RequestException as exc:
                self.failed.append(type(exc).__name__)
            else:
                if answer.status_code == 201:
                    self.published.append((time.monotonic(), answer.json()["id"]))
                else:
                    self.failed.append(f"HTTP {answer.status_code}: {answer.text[:160]}")
            self.stop.wait(self.every)


def alert_states(dsn: str, ids: list[int]) -> dict[int, tuple[str, int, int, int, float | None]]:
    """id -> (status, recipients, inbox entries, distinct recipients, sent at: epoch seconds)."""
    with psycopg.connect(dsn) as connection:
        rows = connection.execute(
            "SELECT a.id, a.status, a.recipients, count(e.id), count(DISTINCT e.user_id), "
            "extract(epoch FROM a.sent_at)::float FROM alerts a "
            "LEFT JOIN inbox_entries e ON e.alert_id = a.id WHERE a.id = ANY(%s) GROUP BY a.id",
            (ids,),
        ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=24)
    parser.add_argument("--down", type=float, default=30, help="seconds Redis stays stopped")
    parser.add_argument("--before", type=float, default=10, help="seconds of load before the stop")
    parser.add_argument("--after", type=float, default=15, help="seconds of load after Redis's return")
    parser.add_argument("--every", type=float, default=3, help="seconds between alerts")
    parser.add_argument("--settle", type=float, default=40, help="seconds after Redis's return for all to be sent")
    parser.add_argument("--households", type=int, default=2000, help="size of the demo city")
    parser.add_argument("--smoke", action="store_true", help="6 phones, Redis down 8 s: that the fault run works")
    args = parser.parse_args()
    if args.smoke:
        args.phones, args.down, args.before, args.after, args.households = 6, 8, 6, 12, 1500

    run_id = uuid.uuid4().hex[:8]
    with own_services() as (postgres, cache), tempfile.TemporaryDirectory(prefix="redgrid-fault-") as run_dir:
        url = postgres.server_url.rsplit("/", 1)[0] + "/redgrid_fault"
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        port = free_run(4, 8300, 10)  # 8300-8303, else 8310-8313 …: clear of the shared 8100
        env = {**scaled_env(url, cache.url, port, run_dir, args.households)}
        env["REDGRID_ALERTS_RELEASE_EVERY_SECONDS"] = str(SWEEP_SECONDS)
        env["FAULT_NAME"] = "stop_redis"
        started = time.monotonic()
        scaled("start", env)
        print(
            f"scaled deployment up in {time.monotonic() - started:.1f} s on http://127.0.0.1:{port}/ "
            f"(PostgreSQL :{postgres.port}, Redis :{cache.port} of its own)"
        )
        base = f"http://127.0.0.1:{port}"
        listener = None
        try:
            grid_id = grid_of_worker(url)
            with psycopg.connect(dsn) as connection:
                compound_id = connection.execute("SELECT id FROM compounds WHERE name = %s", (COMPOUND,)).fetchone()[0]
            listener = Listener(base)
            stop = threading.Event()
            phones = [Phone(i, base, grid_id, run_id, stop) for i in range(args.phones)]
            for phone in phones:
                phone.sign_in()
            admin = Admin(base, compound_id, run_id, args.every, stop)
            for thread in [*phones, admin]:
                thread.start()
            time.sleep(args.before)
            stopped_at = time.monotonic()
            cache.stop()
            print(f"Redis stopped (its memory gone) with {args.phones} phones pushing and alerts every {args.every} s")
            time.sleep(args.down)
            cache.start()
            back_at, back_wall = time.monotonic(), time.time()
            print(f"Redis started again, empty: down {back_at - stopped_at:.1f} s")
            time.sleep(args.after)
            stop.set()
            for thread in [*phones, admin]:
                thread.join(timeout=60)
            still = [t.name for t in [*phones, admin] if t.is_alive()]
            ids = [alert_id for _, alert_id in admin.published]
            deadline = back_at + args.settle
            while True:  # every alert sent, and heard, or the deadline
                states = alert_states(dsn, ids)
                unsent = [i for i in ids if states.get(i, ("?",))[0] != "sent"]
                unheard = [i for i in ids if not listener.heard[i] and states[i][4] and states[i][4] >= back_wall]
                if (not unsent and not unheard) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            time.sleep(2)  # a second event of an alert, were there one
        finally:
            if listener is not None:
                listener.client.disconnect()
            scaled("stop", env)
        recovered = recoveries(phones, stopped_at)
        figures = check(url, phones, run_id)
        states = alert_states(dsn, ids)

    outage_errors = [kind for p in phones for t, kind in p.errors if stopped_at <= t <= back_at + 5]
    during = [i for t, i in admin.published if stopped_at <= t < back_at]
    after = [i for t, i in admin.published if t >= back_at]
    print(f"pushes: errors met while Redis was gone (and 5 s after): {len(outage_errors)} {sorted(set(outage_errors))}")
    failed = report(phones, figures, recovered, RECOVERY_TARGET_S, "stop", still)
    failed += [f"{len(outage_errors)} push errors while Redis was gone"] if outage_errors else []
    print(
        f"alerts published: {len(ids)} ({len(during)} while Redis was gone, {len(after)} after); "
        f"publish failures: {len(admin.failed)} {admin.failed[:3]}"
    )
    failed += [f"publish failed {len(admin.failed)}: {admin.failed[:3]}"] if admin.failed else []
    if not during:
        failed.append("no alert was published while Redis was gone")
    unsent = [i for i in ids if states.get(i, ("?",))[0] != "sent"]
    twice = [i for i in ids if states.get(i) and states[i][2] != states[i][3]]
    short = [i for i in ids if states.get(i) and states[i][0] == "sent" and states[i][1] != states[i][2]]
    audiences = sorted({states[i][2] for i in ids if i in states})
    print(f"alerts not sent: {len(unsent)}; recipients with an alert twice: {len(twice)}; audience {audiences}")
    if ids and not unsent:
        last = max(states[i][4] for i in during) - back_wall if during else 0.0
        print(f"last alert of the outage sent {last:.1f} s after Redis's return (sweep every {SWEEP_SECONDS} s)")
    failed += [f"alerts never sent: {unsent}"] if unsent else []
    failed += [f"alerts delivered twice to someone: {twice}"] if twice else []
    failed += [f"alerts whose recipients count differs: {short}"] if short else []
    heard_twice = [i for i in ids if listener.heard[i] > 1]
    # An alert sent while Redis was going or gone had its live event dropped (pub/sub keeps
    # nothing); the phone learns of it by the pull of the poke every server sends its phones once it
    # listens on Redis again. Any other alert must be heard.
    poked = [t for t in listener.pokes if t >= back_at]
    dropped = [i for i in ids if not listener.heard[i] and states.get(i) and (states[i][4] or 0) < back_wall]
    unheard = [i for i in ids if not listener.heard[i] and (i not in dropped or not poked)]
    print(
        f"alerts sent while Redis was gone, their live event dropped: {dropped}; "
        f"pokes (pull now) heard after Redis's return: {len(poked)}"
        + (f", the first at +{poked[0] - back_at:.1f} s" if poked else "")
    )
    heard_after = sorted(listener.first_heard[i] - back_at for i in during + after if i in listener.first_heard)
    print(
        f"live events: heard {sum(1 for i in ids if listener.heard[i])}/{len(ids)}, twice {len(heard_twice)}, "
        f"unheard {unheard}; Socket.IO (re)connects {listener.connects}"
        + (f"; first event after Redis's return at +{heard_after[0]:.1f} s" if heard_after else "")
    )
    failed += [f"alerts heard twice: {heard_twice}"] if heard_twice else []
    failed += [f"live events never heard: {unheard}"] if unheard else []
    verdict(failed)


if __name__ == "__main__":
    main()
