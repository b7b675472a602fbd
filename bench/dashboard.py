"""Benchmark: a street's dashboard (工作看板, issue 16 item 4, PROTOCOL.md §26) — a street of 30
communities with ~300,000 records; GET /api/dashboard/<street> ≤ 500 ms.

    .venv/bin/python bench/dashboard.py                      # PostgreSQL (a throw-away database)
    .venv/bin/python bench/dashboard.py --records 100000 --runs 10
    .venv/bin/python bench/dashboard.py --smoke              # a tiny run on SQLite

Setup (not timed): a fresh migrated database; a city → district → 文峰街道 (30 communities of 6 grids, a
compound per grid, one building, 20 households each, a resident account per compound and a worker per
grid) beside another street of 5 communities (its records must not count); --records records in all,
bulk-inserted (PostgreSQL COPY, SQLite executemany) over the last year (a task older than a month
mostly done): tasks 40 %, field reports
10 %, needs 15 %, inspections 5 % with rectification orders 10 %, alert receipts (inbox entries, half
with a push delivery) 15 %, service entries 5 %; then ANALYZE.

Figure: GET /api/dashboard/<street>?period=30d through app.test_client() signed in as the street's
admin, like the PWA: the wall time of the request in this process (every section's aggregates and the
JSON). p50 and p95 of --runs after one warm-up; also this month and a community's dashboard.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import migrated_app, scratch_postgres, scratch_sqlite  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.scorecard import ADMIN_PASSWORD as PASSWORD  # noqa: E402
from bench.scorecard import ADMIN_PHONE, Client  # noqa: E402

TARGET_MS = 500
NOW = datetime(2026, 12, 5, 4, 0, tzinfo=UTC)
SHARES = {"tasks": 0.40, "reports": 0.10, "needs": 0.15, "inspections": 0.05, "orders": 0.10, "receipts": 0.15}
SHARES["service"] = 1 - sum(SHARES.values())


class Loader:
    """Rows into a table, fast: COPY on PostgreSQL, executemany on SQLite. Python-side column
    defaults are filled in (COPY knows only the database's)."""

    def __init__(self, db):
        self.db = db
        self.postgres = db.engine.dialect.name == "postgresql"
        self.count = 0

    def load(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        table = model.__table__
        for column in table.columns:
            default = column.default
            if default is None or column.name in rows[0]:
                continue
            value = NOW if default.is_callable else default.arg
            for row in rows:
                row[column.name] = value
        self.count += len(rows)
        if not self.postgres:
            self.db.session.execute(table.insert(), rows)
            return
        columns = list(rows[0])
        raw = self.db.session.connection().connection.dbapi_connection
        with raw.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v
                            for v in (row[c] for c in columns)
                        ]
                    )


def _synced(**fields) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "version": 1,
        "field_versions": {},
        "field_writers": {},
        "deleted": False,
        **fields,
    }


def _org(db, loader):
    """The city, its district, 文峰街道 (30 communities × 6 grids) and another street (5 × 6)."""
    from server.org.models import OrgUnit

    rows, ids = [], iter(range(1, 100_000))
    city, district = next(ids), next(ids)
    rows.append({"id": city, "kind": "city", "name": "许昌市", "parent_id": None, "path": f"/{city}/", "depth": 0})
    rows.append(
        {
            "id": district,
            "kind": "district",
            "name": "魏都区",
            "parent_id": city,
            "path": f"/{city}/{district}/",
            "depth": 1,
        }
    )
    streets = []
    for name, communities in (("文峰街道", 30), ("西大街道", 5)):
        street = next(ids)
        path = f"/{city}/{district}/{street}/"
        rows.append({"id": street, "kind": "street", "name": name, "parent_id": district, "path": path, "depth": 2})
        grids = []
        for c in range(communities):
            community = next(ids)
            cpath = f"{path}{community}/"
            rows.append(
                {
                    "id": community,
                    "kind": "community",
                    "name": f"{name[:2]}第{c + 1}社区",
                    "parent_id": street,
                    "path": cpath,
                    "depth": 3,
                }
            )
            for g in range(6):
                grid = next(ids)
                rows.append(
                    {
                        "id": grid,
                        "kind": "grid",
                        "name": f"第{g + 1}网格",
                        "parent_id": community,
                        "path": f"{cpath}{grid}/",
                        "depth": 4,
                    }
                )
                grids.append((grid, community))
        streets.append((street, grids))
    loader.load(OrgUnit, rows)
    return streets


def build(app, records: int, seed: int) -> dict:
    from server.alerts.models import Alert
    from server.auth.models import RoleAssignment, User
    from server.auth.passwords import hash_password
    from server.extensions import db
    from server.inspections.models import Inspection, InspectionTemplate, RectificationOrder
    from server.ledger.models import ServiceEntry
    from server.notices.models import Delivery, InboxEntry
    from server.org.models import Building, Compound, GridCoverage, Household, PropertyCompany
    from server.tasks.models import FieldReport, Task
    from server.tasks.need_models import Need

    rng = random.Random(seed)
    started = time.perf_counter()
    when = lambda: NOW - timedelta(minutes=rng.randint(1, 365 * 24 * 60))  # noqa: E731  the last year
    with app.app_context():
        loader = Loader(db)
        (street, grids), (_other, other_grids) = _org(db, loader)
        all_grids = grids * 9 + other_grids  # nine records in the street for one beyond it
        loader.load(
            PropertyCompany, [{"id": n, "name": f"物业公司{n}", "has_party_branch": False} for n in range(1, 21)]
        )
        cells = [(grid, community, n + 1) for n, (grid, community) in enumerate(grids + other_grids)]
        loader.load(
            Compound,
            [{"id": n, "name": f"小区{n}", "community_id": c, "property_company_id": n % 20 + 1} for _g, c, n in cells],
        )
        loader.load(
            GridCoverage, [{"id": n, "grid_id": g, "compound_id": n, "building_id": None} for g, _c, n in cells]
        )
        loader.load(
            Building, [{"id": n, "compound_id": n, "name": "1号楼", "units": 1, "floors": 6} for _g, _c, n in cells]
        )
        loader.load(
            Household,
            [
                {"id": n * 20 + r, "building_id": n, "unit": "1单元", "room": str(101 + r)}
                for _g, _c, n in cells
                for r in range(20)
            ],
        )
        digest = hash_password(PASSWORD)
        users = [{"id": 1, "phone": ADMIN_PHONE, "display_name": "文峰街道管理员", "password_hash": digest}]
        roles = [{"user_id": 1, "role": "admin", "org_unit_id": street, "household_id": None}]
        person = {}  # cell number -> (worker id, resident id)
        for g, _c, n in cells:
            worker, resident = 2 * n, 2 * n + 1
            users += [
                {"id": worker, "phone": f"139{worker:08d}", "display_name": f"网格员{n}", "password_hash": digest},
                {"id": resident, "phone": f"137{resident:08d}", "display_name": f"居民{n}", "password_hash": digest},
            ]
            roles += [
                {"user_id": worker, "role": "grid_worker", "org_unit_id": g, "household_id": None},
                {"user_id": resident, "role": "resident", "org_unit_id": None, "household_id": n * 20},
            ]
            person[n] = (worker, resident)
        loader.load(User, users)
        loader.load(RoleAssignment, [{"id": i + 1, **r} for i, r in enumerate(roles)])
        template = InspectionTemplate(
            code="bench",
            version=1,
            name="物业服务检查",
            categories=[],
            max_score=100.0,
            severity_deadlines={"minor": 168},
            status="published",
        )
        db.session.add(template)
        alerts = [Alert(title=f"通知{n}", body="内容", author_id=1, status="sent", sent_at=when()) for n in range(30)]
        db.session.add_all(alerts)
        db.session.flush()
        cell_of = {g: (c, n) for g, c, n in cells}
        share = {key: int(records * value) for key, value in SHARES.items()}

        def place():
            grid = rng.choice(all_grids)[0]
            community, n = cell_of[grid]
            return grid, community, n

        rows = []
        for _ in range(share["tasks"]):
            grid, _community, n = place()
            created = when()
            recent = created > NOW - timedelta(days=30)
            status = rng.choice(
                ("assigned", "in_progress", "done", "done", "done", "unable")
                if recent
                else ("done",) * 18 + ("assigned", "unable")
            )
            rows.append(
                _synced(
                    type="visit",
                    title="入户走访",
                    target_kind="grid",
                    target_id=grid,
                    grid_id=grid,
                    compound_id=n,
                    status=status,
                    created_at=created,
                    due_at=created + timedelta(days=rng.randint(1, 10)),
                    finished_at=created + timedelta(days=rng.randint(0, 12)) if status == "done" else None,
                    assignee_id=person[n][0],
                )
            )
        loader.load(Task, rows)
        rows = []
        for _ in range(share["reports"]):
            grid, _community, _n = place()
            rows.append(
                _synced(
                    category="safety",
                    description="楼道堆物",
                    grid_id=grid,
                    created_at=when(),
                    status=rng.choice(("new", "converted", "dismissed")),
                )
            )
        loader.load(FieldReport, rows)
        rows = []
        for _ in range(share["needs"]):
            grid, community, n = place()
            created = when()
            accepted = created + timedelta(hours=rng.randint(1, 4)) if rng.random() < 0.8 else None
            status = rng.choice(("in_progress", "resolved", "resolved", "referred")) if accepted else "received"
            rows.append(
                _synced(
                    user_id=person[n][1],
                    household_id=n * 20,
                    category="repair",
                    text="水管漏水",
                    grid_id=None if rng.random() < 0.1 else grid,
                    community_id=community,
                    status=status,
                    created_at=created,
                    respond_by=created + timedelta(hours=2),
                    resolve_by=created + timedelta(hours=72),
                    accepted_at=accepted,
                    resolved_at=created + timedelta(hours=rng.randint(5, 100)) if status == "resolved" else None,
                    rating=rng.choice((None, 2, 4, 5)) if status == "resolved" else None,
                    escalated=rng.random() < 0.05,
                )
            )
        loader.load(Need, rows)
        inspections, orders = [], []
        for _ in range(share["inspections"]):
            _grid, _community, n = place()
            at = when()
            inspections.append(
                _synced(
                    compound_id=n,
                    template_id=template.id,
                    kind="adhoc",
                    status="submitted",
                    submitted_at=at,
                    created_at=at,
                    score=float(rng.randint(60, 100)),
                    max_score=100.0,
                    company_id=n % 20 + 1,
                )
            )
        for _ in range(share["orders"]):
            inspection = rng.choice(inspections)
            orders.append(
                _synced(
                    inspection_id=inspection["id"],
                    compound_id=inspection["compound_id"],
                    company_id=inspection["company_id"],
                    item_code="i01",
                    item_text="检查项",
                    category_name="环境",
                    severity="minor",
                    deadline_at=inspection["submitted_at"] + timedelta(days=7),
                    created_at=inspection["submitted_at"],
                    status=rng.choice(("closed", "closed", "responded", "open", "reopened")),
                )
            )
        loader.load(Inspection, inspections)
        loader.load(RectificationOrder, orders)
        entries, deliveries = [], []
        for _ in range(share["receipts"]):
            _grid, _community, n = place()
            alert, created = rng.choice(alerts), when()
            user = person[n][rng.random() < 0.7]
            entry = _synced(
                user_id=user,
                alert_id=alert.id,
                title=alert.title,
                created_at=created,
                read_at=created + timedelta(hours=1) if rng.random() < 0.4 else None,
            )
            entries.append(entry)
            if rng.random() < 0.5:
                deliveries.append(
                    {
                        "alert_id": alert.id,
                        "inbox_id": entry["id"],
                        "user_id": user,
                        "token": uuid.uuid4().hex,
                        "state": "delivered",
                        "delivered_at": created + timedelta(minutes=1),
                    }
                )
        loader.load(InboxEntry, entries)
        loader.load(Delivery, [{"id": i + 1, **d} for i, d in enumerate(deliveries)])
        rows = []
        for _ in range(share["service"]):
            _grid, community, n = place()
            rows.append(
                _synced(
                    account_id=person[n][1],
                    community_id=community,
                    kind="activity",
                    source_id=str(uuid.uuid4()),
                    title="社区清扫",
                    hours=rng.choice((0.5, 1.0, 2.0)),
                    occurred_at=when(),
                    status=rng.choice(("credited", "credited", "credited", "revoked")),
                )
            )
        loader.load(ServiceEntry, rows)
        db.session.commit()
        if loader.postgres:
            for table in ("users", "role_assignments", "alerts", "deliveries", "inspection_templates"):
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                    )
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
    return {
        "street": street,
        "community": grids[0][1],
        "records": loader.count,
        "seconds": time.perf_counter() - started,
    }


def _by_section(app, street_id: int) -> dict[str, float]:
    """Each part's section of the street's dashboard timed alone (server.core.dashboard's registry)."""
    from server.core import dashboard
    from server.extensions import db
    from server.org import rollup
    from server.org.models import OrgUnit

    out = {}
    with app.app_context():
        street = db.session.get(OrgUnit, street_id)
        children = rollup.children(street)
        period = dashboard.Period.parse("30d")
        for section in dashboard._sections:
            times = []
            for _ in range(3):
                started = time.perf_counter()
                key = section(None, street, children, period)["key"]
                times.append((time.perf_counter() - started) * 1000)
            out[key] = statistics.median(times)
    return out


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench(url: str, kind: str, args) -> bool:
    from server.core import clock

    app = migrated_app(url)
    built = build(app, args.records, args.seed)
    print(f"database          {kind}; {built['records']:,} rows bulk-inserted in {built['seconds']:.1f} s")
    client = Client(app)  # the city admin's phone and password: here the street's admin
    street = f"/api/dashboard/{built['street']}"
    with clock.at(NOW):
        warm, body = client.get(f"{street}?period=30d")
        body = json.loads(body)
        print(f"warm-up           {warm * 1000:.0f} ms")
        runs = [client.get(f"{street}?period=30d")[0] * 1000 for _ in range(args.runs)]
        month, _ = client.get(f"{street}?period=month")
        november, _ = client.get(f"{street}?period=2026-11")
        community, _ = client.get(f"/api/dashboard/{built['community']}?period=30d")
        parts = _by_section(app, built["street"])
        if os.environ.get("DASHBOARD_PROFILE"):  # where a request's time goes
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(client.get, f"{street}?period=30d")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    p50, p95 = statistics.median(runs), _percentile(runs, 0.95)
    sections = {s["key"]: s["total"] for s in body["sections"]}
    print()
    print(f"street dashboard, {len(body['children'])} communities, period 30d ({args.runs} runs)")
    print(
        f"  p50 {p50:6.0f} ms   p95 {p95:6.0f} ms   target ≤ {TARGET_MS} ms: {'ok' if p95 <= TARGET_MS else 'TOO SLOW'}"
    )
    print(
        f"  this month {month * 1000:.0f} ms; 2026-11 {november * 1000:.0f} ms; a community's {community * 1000:.0f} ms"
    )
    print(
        f"  totals: tasks {sections['tasks']}, needs {sections['needs']['count']} "
        f"(响应率 {sections['needs']['response_rate']}), alerts {sections['alerts']}, service {sections['service']}"
    )
    print("  by section (median of 3): " + ", ".join(f"{key} {ms:.0f} ms" for key, ms in parts.items()))
    print(
        f"load average after the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time includes waiting)"
    )
    return p95 <= TARGET_MS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="a tiny run on SQLite (2,000 records, 3 runs)")
    parser.add_argument("--sqlite", action="store_true", help="bench SQLite instead of PostgreSQL")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--url", help="an empty database of yours, kept afterwards (to EXPLAIN the queries)")
    args = parser.parse_args()
    if args.url:
        sys.exit(0 if bench(args.url, args.url.split(":")[0], args) else 1)
    if args.smoke:
        args.records, args.runs, args.sqlite = min(args.records, 2_000), 3, True
    if args.sqlite:
        with scratch_sqlite("redgrid_dashboard_") as (_folder, (url,)):
            ok = bench(url, "SQLite", args)
    else:
        with scratch_postgres(args.pg_server, "redgrid_dashboard") as (_admin, _names, (url,)):
            ok = bench(url, "PostgreSQL", args)
    sys.exit(0 if ok or args.smoke else 1)


if __name__ == "__main__":
    main()
