"""Load: grid workers living an offline day, and admins, against a whole deployment (issue 18, item 3).

    .venv/bin/python bench/load/field_day.py --smoke                      # 20 workers, 30 s (CI: that it runs)
    .venv/bin/python bench/load/field_day.py --workers 200 --minutes 2 --households 5000   # a medium run
    .venv/bin/python bench/load/field_day.py                              # the target: 1,000 workers, 10 min
    .venv/bin/python bench/load/field_day.py --single --workers 200       # its target on `redgrid serve`, SQLite

The full runs are for a quiet machine (nothing else running: the load generator shares its 2 cores
with the deployment); each takes 15–25 minutes in all (the demo city of 20,000 households, the
sign-ins' ramp at --spawn-rate 2 a second, then 10 minutes of the whole load, the check). Each sign-in
costs Argon2id (64 MiB, t=3) about 0.3 s of a core on this machine: at 10 a second the sign-ins alone
want more than its 2 cores, and every latency of the ramp is theirs. The most workers the
machine holds: run again with --workers 400, 600, 800 … and keep the largest whose targets all
say PASS but the size.

The deployment: by default the scaled one (scripts/scaled.sh: nginx, SCALED_SERVERS gunicorn
servers of --threads threads each — every Socket.IO connection holds a thread, so 1,000 workers
need ~400 a server —, 2 RQ workers) on a new PostgreSQL database (dropped afterwards) with the demo
city of --households, Redis database --redis-url (flushed; 9 by default, which no test or other
bench uses), SCALED_DIR /tmp/redgrid-scaled-load and the proxy on --port (8400); with --single, one
`redgrid serve` (gunicorn, one process, --threads threads, no Redis) on SQLite in a temporary folder.
--workers grid worker accounts are added (phones 1371…, the password of the demo's 13800000003),
spread over every grid of the city in turn: a push pokes the other workers of its grid, so the
city's size sets the fan-out (5,000 households make 59 grids; 20,000 about four times as many:
some 4 workers a grid at 1,000 workers).

The people (bench/load/_locustfile.py, run by locust headless in a process of its own): each
grid worker signs in with its first pull page (§5.2.1) and pulls to the end; then, in a loop,
works offline for --offline seconds (no connection), comes online, opens its Socket.IO connection
(websocket), uploads the photos it took through the blob API (HEAD, then PUT whole or in 256 KiB
chunks, as the PWA does; JPEGs of 110–440 KB, each unique), pushes its batch of 1–5 new field
reports naming them (retried unchanged until answered), pulls, and stays online --online seconds,
pulling whenever poked (`sync:poke`, `alert`). --admins city admins (13800000001) dispatch tasks to
those workers (POST /api/tasks) and publish alerts to their grids' workers (POST /api/alerts).

Printed: per endpoint, requests, requests/s, p50/p95/p99 (ms) and failures; the failures by kind;
CPU per process over the load (seconds of CPU per second of run: 1.0 = one core) — nginx, each
server, each RQ worker (with the jobs it forked), PostgreSQL (this database's backends, and the
server's shared processes), Redis (the whole server: shared with whoever else uses it), the load
generator; the load average. Then the invariant check (bench/_invariants.py): lost, duplicated,
unanswered, the change log, every photo a stored report names present with its SHA-256.

Targets (issue 18), printed PASS/MISS: 1,000 workers (200 with --single), 10 minutes, error rate
≤ 0.1 %, push p95 ≤ 500 ms, pull p95 ≤ 300 ms, lost 0, duplicated 0. Exits 1 when an invariant
fails (lost, duplicated, change log, photos) or nothing was pushed; the latency and error targets
are printed, not enforced (the figures of a busy machine say little).
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import _invariants  # noqa: E402
from bench._deployment import PYTHON, add_grid_workers, scaled_deployment, server_errors, single_server  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402

LOCUSTFILE = Path(__file__).with_name("_locustfile.py")
REDIS_URL = "redis://127.0.0.1:6379/9"
PASSWORD = "grid2026a"  # every load account has the demo grid worker's password
ADMIN = ("13800000001", "admin2026")  # 张建国, the city's admin
PHOTO_SIZES = [[1024, 768], [800, 600], [1600, 1200]]  # ~180, ~110, ~440 KB (the last in two chunks)
TARGETS = {"error rate %": 0.1, "push p95 ms": 500, "pull p95 ms": 300}
ENDPOINTS = ("login", "pull", "push", "blob HEAD", "blob PUT", "socket connect", "dispatch task", "publish alert")


def seconds_range(text: str) -> list[float]:
    low, _, high = text.partition("-")
    return [float(low), float(high or low)]


class CpuMeter(threading.Thread):
    """CPU seconds per group of processes between start() and stop(), sampled every 2 s (a process
    that starts later counts from 0; one that ends keeps its last sample)."""

    def __init__(self, groups):
        super().__init__(daemon=True)
        self.groups = groups  # () -> {group: [psutil.Process]}
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.group_of: dict[int, str] = {}
        self.done = threading.Event()

    def sample(self, initial: bool = False) -> None:
        for group, processes in self.groups().items():
            for process in processes:
                try:
                    with process.oneshot():
                        times = process.cpu_times()
                        total = times.user + times.system + times.children_user + times.children_system
                        born = process.create_time()
                except psutil.Error:
                    continue
                self.group_of[process.pid] = group
                if process.pid not in self.first:
                    self.first[process.pid] = total if initial or born < self.started else 0.0
                self.last[process.pid] = total

    def run(self) -> None:
        while not self.done.wait(2):
            self.sample()

    def start(self) -> None:
        self.started = time.time()
        self.sample(initial=True)
        super().start()

    def stop(self) -> dict[str, float]:
        self.sample()
        self.done.set()
        self.ended = time.time()
        totals: dict[str, float] = {}
        for pid, group in self.group_of.items():
            totals[group] = totals.get(group, 0.0) + self.last[pid] - self.first[pid]
        return {group: seconds / (self.ended - self.started) for group, seconds in sorted(totals.items())}


def with_children(pid: int) -> list[psutil.Process]:
    try:
        process = psutil.Process(pid)
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return []


def deployment_groups(run_dir: str | None, database: str, locust_pid: list[int], server_pid: int | None):
    """The processes to measure, by group, found afresh at each sample."""

    def groups() -> dict[str, list[psutil.Process]]:
        found: dict[str, list[psutil.Process]] = {}
        if run_dir:
            for pidfile in sorted(Path(run_dir).glob("*.pid")):
                try:
                    found[pidfile.stem] = with_children(int(pidfile.read_text()))
                except (OSError, ValueError):
                    continue
        if server_pid:
            found["redgrid serve"] = with_children(server_pid)
        for process in psutil.process_iter(["name", "cmdline"]):
            name, cmdline = process.info["name"] or "", " ".join(process.info["cmdline"] or [])
            if name.startswith("postgres") or cmdline.startswith("postgres"):
                if database and f" {database} " in f" {cmdline} ":
                    found.setdefault("postgres (this database)", []).append(process)
                elif "postgres:" in cmdline and " idle" not in cmdline and "127.0.0.1(" not in cmdline:
                    found.setdefault("postgres (shared processes)", []).append(process)
            elif name.startswith("redis-server"):
                found.setdefault("redis (whole server)", []).append(process)
        if locust_pid:
            found["load generator (locust)"] = with_children(locust_pid[0])
        return found

    return groups


def run_locust(base: str, config: dict, args, work: Path, locust_pid: list[int]) -> Path:
    """locust headless in its own process; the CSV prefix of its stats."""
    config_file = work / "config.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    prefix = work / "stats"
    command = [
        str(PYTHON),
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        base,
        "--users",
        str(args.workers + args.admins),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        f"{ramp_seconds(args) + int(args.minutes * 60)}s",  # the sign-ins' ramp, then --minutes of the whole load
        "--stop-timeout",
        "60",
        "--csv",
        str(prefix),
        "--only-summary",
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
    ]
    env = {**os.environ, "LOAD_CONFIG": str(config_file), "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    with open(work / "locust.log", "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        locust_pid.append(process.pid)
        code = process.wait()
    if code != 0 or not Path(f"{prefix}_stats.csv").is_file():
        raise SystemExit(f"locust exited {code}:\n{(work / 'locust.log').read_text(errors='replace')[-4000:]}")
    return prefix


def read_stats(prefix: Path) -> tuple[dict[str, dict], list[dict]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as rows:
        stats = {row["Name"]: row for row in csv.DictReader(rows)}
    with open(f"{prefix}_failures.csv", encoding="utf-8") as rows:
        failures = list(csv.DictReader(rows))
    return stats, failures


def report(stats: dict, failures: list, cpu: dict, ledger: dict, figures: dict, args, load: tuple) -> list[str]:
    """Prints the figures; returns what failed (the invariants)."""
    print(f"\n{'endpoint':<16} {'requests':>9} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'failures':>9}")
    names = [n for n in ENDPOINTS if n in stats] + sorted(set(stats) - set(ENDPOINTS) - {"Aggregated"})
    for name in [*names, "Aggregated"]:
        row = stats.get(name)
        if not row:
            continue
        label = "all" if name == "Aggregated" else name
        print(
            f"{label:<16} {row['Request Count']:>9} {float(row['Requests/s']):>7.1f} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6} {row['Failure Count']:>9}"
        )
    print("(ms; csrf is the sign-in's token fetch)")
    if failures:
        print("failures by kind:")
        for row in sorted(failures, key=lambda r: -int(r["Occurrences"]))[:12]:
            print(f"  {row['Occurrences']:>6} × {row['Method']} {row['Name']}: {row['Error'][:160]}")
    print("\nCPU over the run (1.0 = one core):")
    for group, share in cpu.items():
        print(f"  {group:<30} {share:5.2f}")
    print(f"  {'all measured':<30} {sum(cpu.values()):5.2f}   (the machine has {os.cpu_count()} cores)")
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    sent, acked, refused = len(ledger["sent"]), len(ledger["acked"]), len(ledger["refused"])
    print(f"\nreports sent {sent}, acknowledged {acked}, refused {refused}")
    pokes, pulls, sockets = ledger["pokes"], ledger["poke_pulls"], ledger["socket_errors"]
    print(f"pokes heard {pokes}, pulls on a poke {pulls}, socket failures {sockets}")
    for refusal in ledger["refused"][:5]:
        print(f"  refused: {refusal[:200]}")
    print("invariants:")
    for name, value in figures.items():
        print(f"  {name}: {value}")

    total = stats.get("Aggregated", {})
    requests_ = int(total.get("Request Count", 0) or 0)
    error_rate = 100 * int(total.get("Failure Count", 0) or 0) / max(1, requests_)
    goal_workers = 200 if args.single else 1000
    measured = {
        "error rate %": error_rate,
        "push p95 ms": float(stats.get("push", {}).get("95%", "nan") or "nan"),
        "pull p95 ms": float(stats.get("pull", {}).get("95%", "nan") or "nan"),
    }
    print("\ntargets (issue 18):")
    lines = [
        (f"workers {args.workers} (≥ {goal_workers})", args.workers >= goal_workers),
        (f"minutes {args.minutes:g} (≥ 10)", args.minutes >= 10),
        *((f"{name} {measured[name]:.2f} (≤ {limit})", measured[name] <= limit) for name, limit in TARGETS.items()),
        (f"lost {figures['lost']} (0)", figures["lost"] == 0),
        (f"duplicated {figures['duplicated']} (0)", figures["duplicated"] == 0),
    ]
    for text, ok in lines:
        print(f"  {'PASS' if ok else 'MISS'}  {text}")
    print("TARGETS:", "PASS" if all(ok for _, ok in lines) else "MISS")
    return [*_invariants.failures(figures), *(["no report acknowledged"] if not ledger["acked"] else [])]


def ramp_seconds(args) -> int:
    """How long the sign-ins take to start every worker and admin at --spawn-rate."""
    return int(math.ceil((args.workers + args.admins) / args.spawn_rate))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--admins", type=int, default=2)
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=2,
        help="workers started a second (their sign-ins; each costs Argon2id ~0.3 s of a core here)",
    )
    parser.add_argument("--offline", type=seconds_range, default="30-90", help="seconds offline between syncs")
    parser.add_argument("--online", type=seconds_range, default="60-180", help="seconds online after a sync")
    parser.add_argument("--admin-wait", type=seconds_range, default="5-15", help="seconds between an admin's acts")
    parser.add_argument("--households", type=int, default=20000, help="size of the demo city")
    parser.add_argument("--threads", type=int, default=400, help="threads a server (each socket holds one)")
    parser.add_argument("--servers", type=int, default=3, help="Redgrid server processes (scaled)")
    parser.add_argument("--single", action="store_true", help="one `redgrid serve` on SQLite instead")
    parser.add_argument("--port", type=int, default=8400, help="the proxy's port (scaled; servers on the next)")
    parser.add_argument("--run-dir", default="/tmp/redgrid-scaled-load", help="SCALED_DIR (scaled)")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--redis-url", default=REDIS_URL, help="Redis database of the scaled run (flushed)")
    parser.add_argument("--smoke", action="store_true", help="20 workers for 30 s in the smallest city")
    args = parser.parse_args()
    if args.smoke:
        args.workers, args.minutes, args.admins, args.households = 20, 0.5, 1, 1500
        args.offline, args.online, args.admin_wait, args.spawn_rate, args.threads = [2, 5], [3, 8], [2, 4], 20, 60
        args.port = 0  # any free ports: CI runs benches side by side

    marker = f"load-{uuid.uuid4().hex[:8]}"
    settings = {"REDGRID_LOGIN_RATE_LIMIT": "100000 per minute"}  # every worker signs in from 127.0.0.1
    with tempfile.TemporaryDirectory(prefix="redgrid-load-") as scratch:
        work = Path(scratch)
        blob_dir = work / "blobs"
        settings["REDGRID_BLOB_DIR"] = str(blob_dir)
        if args.single:
            deployment = single_server(args.households, args.threads, **settings)
        else:
            run_dir = args.run_dir if not args.smoke else str(work / "scaled")
            deployment = scaled_deployment(
                args.pg_server,
                "redgrid_load",
                args.redis_url,
                args.households,
                run_dir,
                port=args.port or None,
                SCALED_SERVERS=args.servers,
                SCALED_THREADS=args.threads,
                **settings,
            )
        with deployment as (base, url, *rest):
            server_pid = rest[1].pid if args.single else None
            logs = [rest[2]] if args.single else sorted(Path(run_dir).glob("server-*.log"))
            workers = add_grid_workers(url, args.workers)
            grids = len({w["grid_id"] for w in workers})
            print(
                f"{args.workers} grid workers over {grids} grids, {args.admins} admins, {args.minutes:g} min; "
                f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
                flush=True,
            )
            config = {
                "workers": workers,
                "password": PASSWORD,
                "admin_phone": ADMIN[0],
                "admin_password": ADMIN[1],
                "admins": args.admins,
                "marker": marker,
                "offline_seconds": args.offline,
                "online_seconds": args.online,
                "admin_seconds": args.admin_wait,
                "reports_per_batch": [1, 5],
                "photo_sizes": PHOTO_SIZES,
                "ledger": str(work / "ledger.json"),
            }
            locust_pid: list[int] = []
            database = "" if args.single else url.rsplit("/", 1)[1]
            meter = CpuMeter(deployment_groups(None if args.single else run_dir, database, locust_pid, server_pid))
            meter.start()
            prefix = run_locust(base, config, args, work, locust_pid)
            cpu = meter.stop()
            load = os.getloadavg()
            ledger = json.loads((work / "ledger.json").read_text(encoding="utf-8"))
            errors = server_errors(logs)
            figures = _invariants.check(url, marker, ledger["acked"], set(ledger["sent"]), blob_dir=blob_dir)
        stats, failures = read_stats(prefix)
        failed = report(stats, failures, cpu, ledger, figures, args, load)
    if errors:
        print("exceptions in the servers' logs:")
        for line, count in sorted(errors.items(), key=lambda item: -item[1])[:8]:
            print(f"  {count:>6} × {line}")
    print("VERDICT:", "PASS" if not failed else "FAIL — " + "; ".join(failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
