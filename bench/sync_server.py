"""Benchmark: the offline sync engine on the server (pull, incremental pull, push), through the app.

    .venv/bin/python bench/sync_server.py                  # SQLite, 200,000 households, 1,000,000 log rows
    .venv/bin/python bench/sync_server.py --postgres       # throw-away PostgreSQL databases
    .venv/bin/python bench/sync_server.py --quick          # 20,000 households, 100,000 log rows
    .venv/bin/python bench/sync_server.py --analyze        # SQLite with planner statistics
    .venv/bin/python bench/sync_server.py --smoke          # the smallest city, 12,000 log rows, one run each

Setup, twice: a database with a full change log (--log-rows, 1,000,000) and one with a small
log (--small-log-rows, 10,000), each built like bench/demo_scale.py's run() (migrations, then
load_demo(households=N)). A bench-only entity "bench_task" (bench/_sync_task.py: its own table on its
own metadata, ~600 bytes of JSON per record, bucketed with by_grid_field("grid_id"), so a record
is in "grid:<grid>" and in "org:<unit>" of the 5 org units city … grid: 6 buckets) is registered
with server.sync.registry. The change log is then filled directly (Core executemany into
bench_tasks and sync_log, consecutive seqs, one log row per (bucket, record) as the engine writes
it, sync_state.last_seq set to the last seq): tasks go to random grids, except that the grid of
the demo grid worker 13800000003 (河西社区第一网格) gets min(--grid-tasks, records / 2) of them,
spread over the whole seq range. ANALYZE runs after the fill on PostgreSQL (autovacuum would,
soon after a bulk load), on SQLite only with --analyze (the app never runs it); --no-analyze
turns it off on PostgreSQL.

Figures, through app.test_client() with the grid worker signed in (CSRF token, POST
/api/auth/login); "server time" is the wall time of the request in this process (request bodies
are encoded before the clock starts). Requests carry "Accept-Encoding: gzip" (--accept-encoding),
as a phone's browser does, so the time includes the app's response compression (Flask-Compress):
  (a) first full pull of the worker's scope on the full log: POST /api/sync/pull from cursor null
      with limit 2000, paging until has_more is false; the sum over the pages; median over
      --pull-runs runs after one warm-up. Payload: the response bodies uncompressed (raw), each
      gzipped here at level 6 (summed; the target's figure), and as the app sent them.
  (b) incremental pull of 100 changes: on each database the worker pushes 100 updates (status,
      notes) of tasks of its grid in one POST /api/sync/push, then pulls from its cursor of before
      the push; --repeat pulls per database after 3 warm-ups, alternating between the two databases
      so both see the same machine load; medians and their ratio.
  (c) on the full log, POST /api/sync/push of 200 creates of new tasks in the grid, after a warm-up
      push of one create; median over --push-runs batches; each batch is then sent again unchanged
      (every mutation id known): median of those retries.
(a) and (c) stop early (at least one run) once a figure has taken --budget seconds.
Then the plan of the pull query (the statements SqlStore.changes_since sent, captured): EXPLAIN
QUERY PLAN on SQLite, EXPLAIN on PostgreSQL. --profile adds a cProfile summary per figure.

SQLite: new files in a temporary folder (removed unless --keep). PostgreSQL: new databases
redgrid_sync_<pid>_full and _small on --pg-server, dropped afterwards.
"""

import argparse
import cProfile
import gzip
import io
import json
import pstats
import random
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402
from bench._sync_task import ENTITY  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.demo_scale import run as build_database  # noqa: E402
from bench.scoped_reads import Session  # noqa: E402
from server.core.fields import compact_json  # noqa: E402
from server.sync.models import SerializedJSON  # noqa: E402

PROTOCOL = "redgrid-sync/1"
WORKER_PHONE = "13800000003"  # 王志强, grid worker of 河西社区第一网格 (password grid2026a)
TODAY = date(2026, 11, 27)
PULL_LIMIT = 2000
CHANGED = 100  # (b)
BATCH = 200  # (c)

TARGETS = {  # figure: (target, unit)
    "a_time": (250, "ms"),
    "a_gzip": (500, "KB"),
    "b_time": (20, "ms"),
    "b_ratio": (1.5, "x"),
    "c_push": (300, "ms"),
    "c_retry": (100, "ms"),
}


# --- filling the change log --------------------------------------------------------------------


def _log_tables():
    """sync_log and sync_log_data as Core tables, the data column taking JSON text as it is."""
    from sqlalchemy import BigInteger, Column, DateTime, MetaData, String, Table

    metadata = MetaData()
    log = Table(
        "sync_log",
        metadata,
        Column("bucket", String(64)),
        Column("entity", String(32)),
        Column("record_id", String(64)),
        Column("seq", BigInteger),
        Column("op", String(8)),
        Column("version", BigInteger),
        Column("committed_at", DateTime(timezone=True)),
    )
    data = Table(
        "sync_log_data",
        metadata,
        Column("entity", String(32)),
        Column("record_id", String(64)),
        Column("data", SerializedJSON()),
    )
    return log, data


class Filler:
    """Puts tasks into the database directly, as if pushed one by one by the engine."""

    CHUNK = 2000  # records per executemany

    def __init__(self, app, seed: int, grid_tasks: int):
        from sqlalchemy import select

        from server.auth.models import RoleAssignment, User
        from server.extensions import db
        from server.org.models import OrgUnit
        from server.sync.buckets import grid_buckets

        self.app = app
        self.grid_tasks = grid_tasks
        self.rng = random.Random(f"redgrid-bench:{seed}:tasks")
        self.log_table, self.data_table = _log_tables()
        with app.app_context():
            grids = db.session.scalars(select(OrgUnit.id).where(OrgUnit.kind == "grid").order_by(OrgUnit.id)).all()
            self.buckets = {g: grid_buckets(g) for g in grids}
            self.worker_id = db.session.scalar(select(User.id).where(User.phone == WORKER_PHONE))
            self.target = db.session.scalar(
                select(RoleAssignment.org_unit_id).where(
                    RoleAssignment.user_id == self.worker_id, RoleAssignment.role == "grid_worker"
                )
            )
            self.target_name = db.session.scalar(select(OrgUnit.name).where(OrgUnit.id == self.target))
            db.session.remove()
        self.others = [g for g in self.buckets if g != self.target]
        self.log_rows = self.records = self.target_records = 0

    @property
    def buckets_per_record(self) -> float:
        return statistics.mean(len(b) for b in self.buckets.values())

    def fill_to(self, log_rows: int) -> dict:
        """Add tasks until the change log holds about `log_rows` rows; returns what was added."""
        from sqlalchemy import insert, select, text, update

        from bench._sync_task import Task, row_values, task_values
        from server.extensions import db
        from server.sync.models import SyncState

        per_target = len(self.buckets[self.target])
        records_total = int(log_rows / self.buckets_per_record)
        add_target = max(0, min(self.grid_tasks, records_total // 2) - self.target_records)
        budget = log_rows - self.log_rows - add_target * per_target
        grids = [self.target] * add_target
        while True:
            grid = self.rng.choice(self.others)
            if len(self.buckets[grid]) > budget:
                break
            grids.append(grid)
            budget -= len(self.buckets[grid])
        self.rng.shuffle(grids)
        started = time.perf_counter()
        now = datetime.now(UTC)
        with self.app.app_context():
            if db.session.get_bind().dialect.name == "sqlite":
                # Bigger page cache for the load only (the engine is disposed afterwards).
                db.session.execute(text("PRAGMA cache_size=-400000"))
            state = db.session.get(SyncState, 1)
            if state is None:
                db.session.add(SyncState(id=1, last_seq=0, purged_through=0, epoch=uuid.uuid4().hex))
                db.session.flush()
                last = 0
            else:
                last = state.last_seq
            seq = last
            for start in range(0, len(grids), self.CHUNK):
                tasks, log, stored = [], [], []
                for grid in grids[start : start + self.CHUNK]:
                    seq += 1
                    assignee = self.worker_id if grid == self.target else self.rng.randint(1, 5000)
                    values = task_values(self.rng, grid, assignee, TODAY)
                    record_id = _uuid(self.rng)
                    tasks.append(
                        {
                            "id": record_id,
                            "version": seq,
                            "deleted": False,
                            "field_versions": dict.fromkeys(values, seq),
                            "field_writers": dict.fromkeys(values, "bench-fill"),
                            **row_values(values),
                        }
                    )
                    stored.append({"entity": ENTITY, "record_id": record_id, "data": compact_json(values)})
                    for bucket in self.buckets[grid]:
                        log.append(
                            {
                                "bucket": bucket,
                                "entity": ENTITY,
                                "record_id": record_id,
                                "seq": seq,
                                "op": "put",
                                "version": seq,
                                "committed_at": now,
                            }
                        )
                db.session.execute(insert(Task.__table__), tasks)
                db.session.execute(insert(self.log_table), log)
                db.session.execute(insert(self.data_table), stored)
                self.log_rows += len(log)
            db.session.execute(update(SyncState).where(SyncState.id == 1).values(last_seq=seq))
            db.session.commit()
            check = db.session.scalar(select(SyncState.last_seq))
            assert check == seq, (check, seq)
            db.session.remove()
            db.engine.dispose()
        self.records += len(grids)
        self.target_records += add_target
        return {"records": len(grids), "seqs": (last + 1, seq), "seconds": time.perf_counter() - started}


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def analyze(app, postgres: bool) -> None:
    from server.extensions import db

    with app.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
        db.engine.dispose()


# --- the signed-in worker -------------------------------------------------------------------------


class SqlMeter:
    """Counts the statements of a request and the time spent in cursor.execute (on SQLite that
    is until the first row; the fetch of the others is not in it)."""

    def __init__(self, app):
        from sqlalchemy import event

        from server.extensions import db

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        self.reset()

    def reset(self) -> None:
        self.count, self.ms, self._started = 0, 0.0, 0.0

    def _before(self, *_args) -> None:
        self._started = time.perf_counter()

    def _after(self, *_args) -> None:
        self.count += 1
        self.ms += (time.perf_counter() - self._started) * 1000


class Worker:
    """The demo grid worker, signed in like the PWA; posts pre-encoded JSON and times it."""

    def __init__(self, app, accept_encoding: str = "gzip"):
        self.accept_encoding = accept_encoding
        self.session = Session(app, "grid worker")
        self.client = self.session.client
        self.csrf = self.client.get("/api/csrf").get_json()["csrf_token"]
        self.profile: cProfile.Profile | None = None
        self.meter = SqlMeter(app)
        self.sql = (0, 0.0)  # statements and ms in cursor.execute of the last request
        self.sent = 0  # bytes of the last response body as sent (compressed or not)

    def post(self, url: str, body: dict) -> tuple[float, bytes]:
        """(ms, the response body decoded); self.sent is its size as sent."""
        data = json.dumps(body).encode()
        headers = {"X-CSRFToken": self.csrf}
        if self.accept_encoding:
            headers["Accept-Encoding"] = self.accept_encoding
        if self.profile is not None:
            self.profile.enable()
        self.meter.reset()
        started = time.perf_counter()
        response = self.client.post(url, data=data, content_type="application/json", headers=headers)
        ms = (time.perf_counter() - started) * 1000
        self.sql = (self.meter.count, self.meter.ms)
        if self.profile is not None:
            self.profile.disable()
        raw = response.get_data()
        self.sent = len(raw)
        encoding = response.headers.get("Content-Encoding")
        if encoding == "gzip":
            raw = gzip.decompress(raw)
        elif encoding == "br":
            import brotli

            raw = brotli.decompress(raw)
        elif encoding:
            raise SystemExit(f"POST {url}: unexpected Content-Encoding {encoding}")
        if response.status_code != 200:
            raise SystemExit(f"POST {url}: {response.status_code} {raw[:500]!r}")
        return ms, raw

    def pull(self, cursor, limit=PULL_LIMIT) -> tuple[float, bytes, dict]:
        ms, raw = self.post("/api/sync/pull", {"protocol": PROTOCOL, "cursor": cursor, "limit": limit})
        return ms, raw, json.loads(raw)

    def push(self, mutations: list[dict]) -> tuple[float, dict]:
        ms, raw = self.post(
            "/api/sync/push", {"protocol": PROTOCOL, "client_id": "bench-phone", "mutations": mutations}
        )
        return ms, json.loads(raw)


def full_pull(worker: Worker) -> dict:
    """Pull from null until has_more is false: server time, payload, the records seen."""
    cursor, total_ms, raw_bytes, gzip_bytes, sent_bytes, pages, versions, changes = None, 0.0, 0, 0, 0, 0, {}, 0
    statements, sql_ms = 0, 0.0
    while True:
        ms, raw, page = worker.pull(cursor)
        total_ms += ms
        statements, sql_ms = statements + worker.sql[0], sql_ms + worker.sql[1]
        raw_bytes += len(raw)
        gzip_bytes += len(gzip.compress(raw, 6))
        sent_bytes += worker.sent
        pages += 1
        changes += len(page["changes"])
        for change in page["changes"]:
            if change["entity"] == ENTITY:
                versions[change["id"]] = change["version"]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    return {
        "ms": total_ms,
        "raw": raw_bytes,
        "gzip": gzip_bytes,
        "sent": sent_bytes,
        "pages": pages,
        "versions": versions,
        "changes": changes,
        "cursor": cursor,
        "sql": (statements, sql_ms),
    }


def change_records(worker: Worker, versions: dict, rng: random.Random) -> None:
    """(b): the worker updates CHANGED tasks of its grid, one push (notes always new: no no-op)."""
    from bench._sync_task import NOTES

    chosen = rng.sample(sorted(versions), CHANGED)
    mutations = [
        {
            "id": _uuid(rng),
            "entity": ENTITY,
            "record_id": rid,
            "op": "update",
            "base_version": versions[rid],
            "fields": {"status": "done", "notes": f"复查完成（{rng.randrange(10**8):08d}）。{rng.choice(NOTES)}"},
            "client_time": "2026-11-27T09:14:03+08:00",
        }
        for rid in chosen
    ]
    _, body = worker.push(mutations)
    statuses = {r["status"] for r in body["results"]}
    if statuses != {"applied"}:
        raise SystemExit(f"the {CHANGED} updates were not all applied: {statuses}")


def check_incremental(page: dict) -> None:
    if len(page["changes"]) != CHANGED or page["has_more"]:
        raise SystemExit(f"incremental pull gave {len(page['changes'])} changes, has_more {page['has_more']}")


def incremental_pair(pairs: dict, repeat: int) -> dict:
    """(b): pull from each (worker, cursor) in turn, so that both logs see the same machine load."""
    samples, sql = {key: [] for key in pairs}, {key: [] for key in pairs}
    for i in range(3 + repeat):
        for key, (worker, cursor) in pairs.items():
            ms, _raw, page = worker.pull(cursor)
            check_incremental(page)
            if i >= 3:
                samples[key].append(ms)
                sql[key].append(worker.sql)
    return {key: (statistics.median(values), _mean_sql(sql[key])) for key, values in samples.items()}


def empty_pull(worker: Worker, cursor: str, repeat: int) -> tuple[float, tuple]:
    """A pull that finds nothing new: the fixed cost of a pull request."""
    samples, sql = [], []
    for i in range(3 + repeat):
        ms, _raw, page = worker.pull(cursor)
        if page["changes"]:
            raise SystemExit("the empty pull found changes")
        if i >= 3:
            samples.append(ms)
            sql.append(worker.sql)
    return statistics.median(samples), _mean_sql(sql)


def _mean_sql(samples: list[tuple[int, float]]) -> tuple[float, float]:
    return statistics.mean(n for n, _ in samples), statistics.mean(ms for _, ms in samples)


def create_batch(rng: random.Random, grid_id: int, size: int = BATCH) -> list[dict]:
    from bench._sync_task import task_values

    batch = []
    for _ in range(size):
        values = task_values(rng, grid_id, None, TODAY)
        values.pop("priority", None)  # admin-only fields: a grid worker's create leaves them out
        batch.append(
            {
                "id": _uuid(rng),
                "entity": ENTITY,
                "record_id": _uuid(rng),
                "op": "create",
                "fields": values,
                "client_time": "2026-11-27T09:14:03+08:00",
            }
        )
    return batch


def pushes(worker: Worker, grid_id: int, runs: int, budget: float, rng: random.Random) -> tuple:
    """(c): after a warm-up push of one create, batches of BATCH creates, each sent twice."""
    worker.push(create_batch(rng, grid_id, 1))
    first, again, sql_first, sql_again = [], [], [], []
    started = time.perf_counter()
    while len(first) < runs and (not first or time.perf_counter() - started < budget):
        batch = create_batch(rng, grid_id)
        ms, body = worker.push(batch)
        sql_first.append(worker.sql)
        statuses = {r["status"] for r in body["results"]}
        if statuses != {"applied"}:
            raise SystemExit(f"push of {BATCH} creates: statuses {statuses}: {body['results'][0]}")
        ms_again, body_again = worker.push(batch)
        sql_again.append(worker.sql)
        if body_again != body:
            raise SystemExit("the retried batch did not return the first results")
        first.append(ms)
        again.append(ms_again)
    return statistics.median(first), statistics.median(again), len(first), _mean_sql(sql_first), _mean_sql(sql_again)


def full_pulls(worker: Worker, runs: int, budget: float) -> tuple[list[dict], dict]:
    """(a): one warm-up full pull, then up to `runs` within about `budget` seconds (at least one)."""
    warm = full_pull(worker)
    done = []
    started = time.perf_counter()
    while len(done) < runs and (not done or time.perf_counter() - started < budget):
        done.append(full_pull(worker))
    return done, warm


# --- plans and profiles -----------------------------------------------------------------------------


@contextmanager
def captured_pull_sql(app):
    """The statements SqlStore.changes_since sends (SELECT … FROM sync_log … ORDER BY …)."""
    from sqlalchemy import event

    from server.extensions import db

    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if "FROM sync_log" in statement and "ORDER BY sync_log.seq" in statement:
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def print_plan(app, label: str, statement: str, parameters, postgres: bool) -> None:
    from server.extensions import db

    prefix = "EXPLAIN" if postgres else "EXPLAIN QUERY PLAN"
    print(f"  {prefix} of the {label} query:")
    with app.app_context():
        with db.engine.connect() as conn:
            for row in conn.exec_driver_sql(f"{prefix} {statement}", parameters):
                print("    " + str(row[0] if postgres else row[-1]))


PROFILE_SORT = {"tottime": "own time", "cumulative": "cumulative time"}
PROFILE_LINES = [12, "tottime"]  # set from --profile-lines and --profile-sort


def print_profile(label: str, profile: cProfile.Profile, calls: int) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    lines_wanted, sort = PROFILE_LINES
    stats.sort_stats(sort).print_stats(lines_wanted)
    print(f"\n--- cProfile, {label} ({calls} request(s)), top by {PROFILE_SORT[sort]} ---")
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    for line in lines[start : start + lines_wanted + 1]:
        print(line.rstrip())


def profiles(setup: "Setup", rng: random.Random) -> None:
    worker, grid = setup.worker, setup.filler.target
    worker.profile = cProfile.Profile()
    worker.pull(None)
    print_profile(f"first page of a full pull (limit {PULL_LIMIT})", worker.profile, 1)
    worker.profile = None
    now = full_pull(worker)
    change_records(worker, now["versions"], rng)
    worker.profile = cProfile.Profile()
    for _ in range(10):
        check_incremental(worker.pull(now["cursor"])[2])
    print_profile(f"incremental pull of {CHANGED} changes", worker.profile, 10)
    worker.profile = cProfile.Profile()
    batch = create_batch(rng, grid)
    worker.push(batch)
    print_profile(f"push of {BATCH} creates", worker.profile, 1)
    worker.profile = cProfile.Profile()
    worker.push(batch)
    print_profile("the same batch again", worker.profile, 1)
    cursor = full_pull(worker)["cursor"]
    worker.profile = cProfile.Profile()
    for _ in range(20):
        worker.pull(cursor)
    print_profile("a pull that finds nothing", worker.profile, 20)
    worker.profile = None


# --- the run ------------------------------------------------------------------------------------------


class Setup:
    """One database: the demo city, the task entity, the change log filled to `log_rows`."""

    def __init__(self, url: str, kind: str, log_rows: int, args):
        from bench._sync_task import install
        from server import create_app
        from server.extensions import db

        self.url, self.kind = url, kind
        self.loaded = build_database(url, args.households, args.seed)
        self.app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": url,
                "LOGIN_RATE_LIMIT": "1000 per minute",
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        with self.app.app_context():
            install(db.engine)
            db.engine.dispose()
        self.filler = Filler(self.app, args.seed, args.grid_tasks)
        self.fill = self.filler.fill_to(log_rows)
        if args.analyze:
            analyze(self.app, kind == "PostgreSQL")
        self.worker = Worker(self.app, args.accept_encoding)

    def close(self) -> None:
        from server.extensions import db

        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def describe(self, label: str) -> str:
        f = self.filler
        return (
            f"{label}: {f.log_rows:,} log rows = {f.records:,} records "
            f"(seqs {self.fill['seqs'][0]:,}..{self.fill['seqs'][1]:,}), "
            f"{f.target_records:,} in the worker's grid {f.target_name} (grid:{f.target}); "
            f"demo load {self.loaded['seconds']:.0f} s, log fill {self.fill['seconds']:.0f} s"
        )


def verdict(key: str, value: float, targets: dict = TARGETS) -> str:
    target, unit = targets[key]
    return f"target <= {target:g} {unit:<2}  {'PASS' if value <= target else 'MISS'}"


def bench(urls: tuple[str, str], kind: str, args) -> None:
    postgres = kind == "PostgreSQL"
    began = time.perf_counter()
    rng = random.Random(f"redgrid-bench:{args.seed}:mutations")
    big = Setup(urls[0], kind, args.log_rows, args)
    small = Setup(urls[1], kind, args.small_log_rows, args)
    try:
        # (a) on the full log.
        runs, warm = full_pulls(big.worker, args.pull_runs, args.budget)
        a = runs[-1]
        a_ms = statistics.median(r["ms"] for r in runs)
        a_sql = _mean_sql([r["sql"] for r in runs])
        with captured_pull_sql(big.app) as first_sql:
            big.worker.pull(None)
        # (b) on both logs, alternating; then a pull that finds nothing, for the fixed cost.
        start = full_pull(small.worker)
        change_records(small.worker, start["versions"], rng)
        change_records(big.worker, a["versions"], rng)
        with captured_pull_sql(big.app) as incremental_sql:
            b = incremental_pair(
                {"big": (big.worker, a["cursor"]), "small": (small.worker, start["cursor"])}, args.repeat
            )
        empty_ms, empty_sql = empty_pull(big.worker, full_pull(big.worker)["cursor"], args.repeat)
        # (c) on the full log.
        c_push, c_retry, c_runs, c_sql, c_retry_sql = pushes(
            big.worker, big.filler.target, args.push_runs, args.budget, rng
        )

        stats = "ANALYZE after the log fill" if args.analyze else "no ANALYZE (as the app runs)"
        print(
            f"database {kind}; households {big.loaded['counts']['households']:,}; "
            f"grids {len(big.filler.buckets):,}; {stats}"
        )
        print(
            f"task entity: {big.filler.buckets_per_record:g} buckets per record (grid + org units city..grid); "
            f"~{_record_bytes():,.0f} B of JSON per record "
            f"(UTF-8, compact; {a['raw'] / len(a['versions']):,.0f} B per change as sent)"
        )
        print(big.describe("full log "))
        print(small.describe("small log"))
        print(
            f"runs: (a) {len(runs)} full pulls after 1 warm-up ({warm['ms']:.0f} ms); "
            f"(b) {args.repeat} pulls per log after 3, alternating; "
            f"(c) {c_runs} batch(es) after a 1-create warm-up"
        )
        print()
        b_big, b_small = b["big"][0], b["small"][0]
        print(
            f"(a) full pull, server time (median; {len(a['versions']):,} records, {a['pages']} pages of {PULL_LIMIT})"
            f"{a_ms:9.0f} ms   {verdict('a_time', a_ms)}"
        )
        print(f"(a) full pull, payload raw                                          {a['raw'] / 1000:9,.0f} KB")
        print(
            f"(a) full pull, payload as sent (Accept-Encoding: {args.accept_encoding or '-'})".ljust(68)
            + f"{a['sent'] / 1000:9,.0f} KB"
        )
        print(
            f"(a) full pull, payload gzip -6 (each page, summed)                  {a['gzip'] / 1000:9,.0f} KB   "
            f"{verdict('a_gzip', a['gzip'] / 1000)}"
        )
        print(
            f"(b) incremental pull of {CHANGED} changes, log {big.filler.log_rows:>9,} rows (median)   "
            f"{b_big:9.1f} ms   {verdict('b_time', b_big)}"
        )
        print(
            f"(b) incremental pull of {CHANGED} changes, log {small.filler.log_rows:>9,} rows (median)   "
            f"{b_small:9.1f} ms   {verdict('b_time', b_small)}"
        )
        ratio = b_big / b_small
        print(
            f"(b) ratio full log / small log                                      {ratio:9.2f} x    "
            f"{verdict('b_ratio', ratio)}"
        )
        print(
            f"(c) push of {BATCH} creates (median)                                    {c_push:9.0f} ms   "
            f"{verdict('c_push', c_push)}"
        )
        print(
            f"(c) same batch again, all mutation ids known (median)               {c_retry:9.0f} ms   "
            f"{verdict('c_retry', c_retry)}"
        )
        print()
        print("where the time goes (mean statements per request or run, and their time in cursor.execute):")
        for label, median_ms, (count, sql_ms) in (
            ("(a) one full pull", a_ms, a_sql),
            ("(b) incremental pull, full log", b_big, b["big"][1]),
            ("(b) incremental pull, small log", b_small, b["small"][1]),
            ("    a pull that finds nothing, full log", empty_ms, empty_sql),
            ("(c) push of 200 creates", c_push, c_sql),
            ("(c) the same batch again", c_retry, c_retry_sql),
        ):
            print(f"  {label:<40} {median_ms:9.1f} ms median; {count:7,.0f} statements, {sql_ms:9.1f} ms in execute")
        print()
        print("plans on the full log (the statements SqlStore.changes_since sent, with their parameters):")
        if first_sql:
            print_plan(big.app, "first pull (cursor null), first page", *first_sql[0], postgres)
        if incremental_sql:
            print_plan(big.app, "incremental pull", *incremental_sql[0], postgres)
        if args.profile:
            profiles(big, rng)
        print(f"\ntotal run {time.perf_counter() - began:.0f} s")
    finally:
        big.close()
        small.close()


def _record_bytes() -> float:
    """Mean size of a task's values as compact UTF-8 JSON (a sample of 2,000)."""
    from bench._sync_task import task_values

    rng = random.Random(0)
    return statistics.mean(
        len(json.dumps(task_values(rng, 1, 1, TODAY), ensure_ascii=False, separators=(",", ":")).encode())
        for _ in range(2000)
    )


def bench_sqlite(args) -> None:
    with scratch_sqlite("redgrid_sync_", ("full", "small"), keep=args.keep) as (folder, urls):
        bench(tuple(urls), "SQLite", args)
        size = sum(p.stat().st_size for p in folder.glob("full.sqlite3*"))
        print(f"database size (full log) {size / 1e6:,.0f} MB" + (f"; kept in {folder}" if args.keep else ""))


def bench_postgres(args) -> None:
    with scratch_postgres(args.pg_server, "redgrid_sync", ("full", "small")) as (admin, names, urls):
        bench(tuple(urls), "PostgreSQL", args)
        size = admin.execute("SELECT pg_database_size(%s)", (names[0],)).fetchone()[0]
        print(f"database size (full log) {size / 1e6:,.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--log-rows", type=int, default=1_000_000, help="change log rows at the full size")
    parser.add_argument("--small-log-rows", type=int, default=10_000, help="change log rows for the small-log (b)")
    parser.add_argument(
        "--grid-tasks", type=int, default=10_000, help="tasks in the worker's grid (at most half the records)"
    )
    parser.add_argument("--pull-runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=30, help="pulls timed for (b)")
    parser.add_argument("--push-runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="20,000 households, 100,000 log rows, fewer runs")
    parser.add_argument("--postgres", action="store_true", help="bench a fresh PostgreSQL database")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument(
        "--analyze",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="ANALYZE after the log fill (default: on PostgreSQL, as autovacuum would; off on SQLite, as the app runs)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=60,
        help="seconds per figure (a) and (c) before fewer runs are taken (at least one)",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary per figure")
    parser.add_argument("--profile-lines", type=int, default=12, help="functions listed per cProfile summary")
    parser.add_argument("--profile-sort", choices=sorted(PROFILE_SORT), default="tottime")
    parser.add_argument(
        "--accept-encoding",
        default="gzip",
        help="Accept-Encoding of every request (the app compresses responses; '' for none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite files")
    parser.add_argument("--smoke", action="store_true", help="a tiny run: that the bench works, not its figures")
    args = parser.parse_args()
    PROFILE_LINES[:] = [args.profile_lines, args.profile_sort]
    if args.quick:
        args.households, args.log_rows, args.pull_runs, args.repeat, args.push_runs = 20_000, 100_000, 3, 20, 3
    if args.smoke:
        from server.demo.generator import MIN_HOUSEHOLDS

        args.households, args.log_rows, args.small_log_rows, args.grid_tasks = MIN_HOUSEHOLDS, 12_000, 4_000, 1_000
        args.pull_runs, args.repeat, args.push_runs = 1, 3, 1
    if args.analyze is None:
        args.analyze = args.postgres
    if args.small_log_rows >= args.log_rows:
        parser.error("--small-log-rows must be below --log-rows")
    (bench_postgres if args.postgres else bench_sqlite)(args)


if __name__ == "__main__":
    main()
