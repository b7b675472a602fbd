"""Benchmark: bulk creation of one task per building (issue 4: 5,000 buildings in ≤ 5 s on SQLite).

    .venv/bin/python bench/bulk_tasks.py                  # SQLite, a demo city of 300,000 households
    .venv/bin/python bench/bulk_tasks.py --postgres       # a throw-away PostgreSQL database
    .venv/bin/python bench/bulk_tasks.py --quick          # 60,000 households, 1,000 buildings, 3 runs
    .venv/bin/python bench/bulk_tasks.py --smoke          # the smallest city, one run (CI: that it still runs)

Setup: a fresh database built like bench/demo_scale.py's run() (migrations, then
load_demo(households=N), which includes the demo's tasks), in a separate process. The org unit whose subtree holds the
fewest buildings ≥ --buildings (5,000; the city when none has enough) is the target of every run.

Figure: POST /api/tasks/bulk {org_unit_id, target_kind "building", type "hazard", title
"{target} 消防器材检查", due in 7 days} through app.test_client(), signed in as the city admin
(13800000001), like the PWA; the wall time of the request in this process ("server time":
places looked up, one create mutation per building pushed through the sync engine in batches
of 500 with the task rules, the change log written in every bucket of each task, commit, pokes).
Median over --runs runs after one warm-up bulk creation in a single community; every run adds
its tasks (the tables grow as in use). The CPU time of this process is printed beside the wall
time, and the machine's load average: on a shared machine the wall time includes waiting.
After the last run, checks: tasks made = buildings, change-log rows = tasks × buckets per task,
and the grid worker 13800000003 pulls their grid's new tasks (and no other grid's). --profile
adds a cProfile summary of one more run.
"""

import argparse
import concurrent.futures
import cProfile
import io
import multiprocessing
import os
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.demo_scale import run as build_database  # noqa: E402
from bench.sync_server import SqlMeter  # noqa: E402

TARGET_SECONDS = 5.0
ADMIN = ("13800000001", "admin2026")
WORKER = ("13800000003", "grid2026a")
PROTOCOL = "redgrid-sync/1"


class Client:
    """A signed-in test client that posts JSON with its CSRF token."""

    def __init__(self, app, phone: str, password: str):
        self.client = app.test_client()
        csrf = self.client.get("/api/csrf").get_json()["csrf_token"]
        response = self.client.post(
            "/api/auth/login", json={"phone": phone, "password": password}, headers={"X-CSRFToken": csrf}
        )
        if response.status_code != 200:
            raise SystemExit(
                f"sign-in of {phone} failed: {response.status_code} {response.get_data(as_text=True)[:300]}"
            )
        self.csrf = response.get_json()["csrf_token"]

    def post(self, url: str, body: dict) -> tuple[float, dict]:
        started, cpu = time.perf_counter(), time.process_time()
        response = self.client.post(url, json=body, headers={"X-CSRFToken": self.csrf})
        seconds = time.perf_counter() - started
        self.cpu = time.process_time() - cpu
        if response.status_code not in (200, 201):
            raise SystemExit(f"POST {url}: {response.status_code} {response.get_data(as_text=True)[:500]}")
        return seconds, response.get_json()


def pick_unit(app, wanted: int) -> tuple[int, str, str, int, int]:
    """(id, kind, name, buildings, grids) of the unit with the fewest buildings ≥ wanted."""
    from sqlalchemy import func, select

    from server.extensions import db
    from server.org.models import Building, Compound, OrgUnit

    with app.app_context():
        units = db.session.execute(
            select(OrgUnit.id, OrgUnit.kind, OrgUnit.name, OrgUnit.path).where(
                OrgUnit.kind.in_(("city", "district", "street", "community"))
            )
        ).all()
        per_community = dict(
            db.session.execute(
                select(Compound.community_id, func.count(Building.id))
                .join(Building, Building.compound_id == Compound.id)
                .group_by(Compound.community_id)
            ).all()
        )
        paths = dict(db.session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.kind == "community")).all())
        grids = db.session.execute(select(OrgUnit.path).where(OrgUnit.kind == "grid")).scalars().all()
        sized = []
        for unit_id, kind, name, path in units:
            count = sum(n for c, n in per_community.items() if paths[c].startswith(path))
            sized.append((count, unit_id, kind, name, sum(1 for g in grids if g.startswith(path))))
        enough = [s for s in sized if s[0] >= wanted]
        count, unit_id, kind, name, grid_count = min(enough) if enough else max(sized)
        smallest = min((s for s in sized if s[2] == "community" and s[0] > 0), default=None)
        return (unit_id, kind, name, count, grid_count), (smallest[1], smallest[3], smallest[0]) if smallest else None


def counts(app) -> tuple[int, int]:
    from sqlalchemy import func, select

    from server.extensions import db
    from server.sync.models import SyncLogEntry
    from server.tasks.models import Task

    with app.app_context():
        tasks = db.session.scalar(select(func.count()).select_from(Task))
        log = db.session.scalar(select(func.count()).select_from(SyncLogEntry).where(SyncLogEntry.entity == "task"))
        db.session.remove()
        return tasks, log


def body(unit_id: int) -> dict:
    due = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    return {
        "org_unit_id": unit_id,
        "target_kind": "building",
        "type": "hazard",
        "title": "{target} 消防器材检查",
        "due_at": due,
        "priority": "high",
    }


def worker_pull(app) -> tuple[int, set[str], float]:
    worker = Client(app, *WORKER)
    cursor, tasks, buckets, started = None, 0, set(), time.perf_counter()
    while True:
        _, page = worker.post("/api/sync/pull", {"protocol": PROTOCOL, "cursor": cursor, "limit": 2000})
        tasks += sum(1 for c in page["changes"] if c["entity"] == "task")
        buckets |= {c["bucket"] for c in page["changes"]}
        cursor = page["cursor"]
        if not page["has_more"]:
            return tasks, buckets, time.perf_counter() - started


def bench(url: str, kind: str, args) -> None:
    from server import create_app

    began = time.perf_counter()
    # Built in a process of its own: a server process has not just made a city of objects
    # (whose garbage-collector passes would be billed to the bulk creation measured here).
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        built = pool.submit(build_database, url, args.households, args.seed).result()
    print(f"database          {kind}; demo city of {args.households:,} households built in {built['seconds']:.1f} s")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "REDIS_URL": None})
    (unit_id, unit_kind, unit_name, buildings, grids), warm = pick_unit(app, args.buildings)
    print(f"target subtree    {unit_name} ({unit_kind} {unit_id}): {buildings:,} buildings in {grids:,} grids")
    admin = Client(app, *ADMIN)
    meter = SqlMeter(app)
    if warm:
        seconds, result = admin.post("/api/tasks/bulk", body(warm[0]))
        print(f"warm-up           {warm[1]}: {result['created']} tasks in {seconds * 1000:.0f} ms")
    tasks_before, log_before = counts(app)
    runs, cpus, statements = [], [], []
    load = os.getloadavg()[0]
    for number in range(1, args.runs + 1):
        meter.reset()
        seconds, result = admin.post("/api/tasks/bulk", body(unit_id))
        runs.append(seconds)
        cpus.append(admin.cpu)
        statements.append(meter.count)
        print(
            f"run {number}             {result['created']:,} tasks ({result['unassigned']:,} unassigned, "
            f"{len(result['skipped'])} skipped) in {seconds:6.2f} s (CPU of this process {admin.cpu:5.2f} s); "
            f"{meter.count:,} statements, {meter.ms / 1000:.2f} s in execute"
        )
    tasks_after, log_after = counts(app)
    made = tasks_after - tasks_before
    per_task = (log_after - log_before) / made if made else 0
    pulled, pulled_buckets, pull_seconds = worker_pull(app)
    median = statistics.median(runs)
    print()
    print(
        f"bulk creation of one task per building, {result['created']:,} buildings (median of {len(runs)})"
        f"   {median:6.2f} s   target ≤ {TARGET_SECONDS:.0f} s: {'ok' if median <= TARGET_SECONDS else 'MISSED'}"
    )
    print(f"  CPU time of this process (median; the database server's is not in it) {statistics.median(cpus):6.2f} s")
    print(
        f"  load average of the machine before / after the runs: {load:.1f} / {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs (wall time above CPU time is waiting for a CPU or the database)"
    )
    print(f"tasks per second                                                    {result['created'] / median:8,.0f}")
    print(f"statements per run (median)                                         {statistics.median(statements):8,.0f}")
    print(
        f"check: tasks made {made:,} = {args.runs} × {result['created']:,}: "
        f"{'ok' if made == args.runs * result['created'] else 'WRONG'}; "
        f"change-log rows per task {per_task:.2f} (grid + org units above it)"
    )
    print(
        f"check: grid worker {WORKER[0]} pulls {pulled:,} tasks of {sorted(pulled_buckets)} "
        f"in {pull_seconds * 1000:.0f} ms"
    )
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        admin.post("/api/tasks/bulk", body(unit_id))
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(args.profile_sort).print_stats(args.profile_lines)
        print("\nprofile of one more run:\n" + out.getvalue())
    print(f"total run {time.perf_counter() - began:.0f} s")
    if made != args.runs * result["created"] or not result["created"]:
        raise SystemExit("check failed: the tasks made are not one per building and run")


def bench_sqlite(args) -> None:
    with scratch_sqlite("redgrid_bulk_", keep=args.keep) as (folder, (url,)):
        bench(url, "SQLite", args)


def bench_postgres(args) -> None:
    with scratch_postgres(args.pg_server, "redgrid_bulk") as (_admin, _names, (url,)):
        bench(url, "PostgreSQL", args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--households", type=int, default=300_000, help="size of the demo city (about 60 households per building)"
    )
    parser.add_argument("--buildings", type=int, default=5_000, help="buildings wanted in the target subtree")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="60,000 households, 1,000 buildings, 3 runs")
    parser.add_argument("--postgres", action="store_true", help="bench a fresh PostgreSQL database")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of one more run")
    parser.add_argument("--profile-lines", type=int, default=25)
    parser.add_argument("--profile-sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--smoke", action="store_true", help="the smallest demo city, one run: that the bench works")
    args = parser.parse_args()
    if args.quick:
        args.households, args.buildings, args.runs = 60_000, 1_000, 3
    if args.smoke:
        from server.demo.generator import MIN_HOUSEHOLDS

        args.households, args.buildings, args.runs = MIN_HOUSEHOLDS, 50, 1
    (bench_postgres if args.postgres else bench_sqlite)(args)


if __name__ == "__main__":
    main()
