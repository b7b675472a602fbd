"""Benchmark: scoped reads through the real app on a demo city at scale.

    .venv/bin/python bench/scoped_reads.py                       # SQLite, 200,000 households
    .venv/bin/python bench/scoped_reads.py --households 50000 --repeat 50
    .venv/bin/python bench/scoped_reads.py --postgres            # a throw-away PostgreSQL database
    .venv/bin/python bench/scoped_reads.py --smoke               # the smallest city, 3 repeats (CI: that it runs)

Builds a fresh database exactly like bench/demo_scale.py (its run(): migrations, then
load_demo(households=N)), then signs the demo accounts in through the API (CSRF token, POST
/api/auth/login) with app.test_client() and times GET requests, so the session loader, the
scope filters in server/authz.py and the response schemas all run as in production. Each case
is called 3 times to warm up, then --repeat times; the line gives the median and p90 wall time
of one request and what came back (total of a page, length of a list, counts of a detail).
Ids are found through the API (/api/me, /api/org/units?parent_id=…, the lists), not by SQL.

Without --analyze the planner has no statistics (load_demo does not ANALYZE; on PostgreSQL
autovacuum may or may not have run by then; the header says whether it is on). With --analyze,
VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite) runs after the load, before any request.

Also prints the plan of the org subtree query (path LIKE '/1/2/%'): EXPLAIN on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite, both as a literal and in the bound form the app sends
(path LIKE :prefix || '%', SQLAlchemy's startswith()).

SQLite: a new file in a temporary folder (removed afterwards unless --keep). PostgreSQL: a new
database redgrid_scoped_<pid> on --pg-server, dropped afterwards.
"""

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.demo_scale import run as build_database  # noqa: E402

WARMUP = 3
SUBTREE_SQL = "SELECT id FROM org_units WHERE path LIKE '/1/2/%'"
SUBTREE_SQL_BOUND = "SELECT id FROM org_units WHERE path LIKE :prefix || '%'"

ACCOUNTS = {
    "grid worker": ("13800000003", "grid2026a"),
    "community admin": ("13800000002", "hexi2026"),
    "city admin": ("13800000001", "admin2026"),
    "red steward": ("13800000005", "steward2026"),
    "resident": ("13800000007", "jumin2026"),
}


class Session:
    """One signed-in account: its own test client (cookie jar), signed in like the PWA."""

    def __init__(self, app, label: str):
        self.label = label
        self.client = app.test_client()
        phone, password = ACCOUNTS[label]
        csrf = self.client.get("/api/csrf").get_json()["csrf_token"]
        response = self.client.post(
            "/api/auth/login", json={"phone": phone, "password": password}, headers={"X-CSRFToken": csrf}
        )
        if response.status_code != 200:
            raise SystemExit(
                f"sign-in of {label} ({phone}) failed: {response.status_code} {response.get_data(as_text=True)}"
            )
        self.me = response.get_json()

    def get(self, url: str):
        response = self.client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{self.label} GET {url}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return response.get_json()

    def scope_id(self, role: str) -> int:
        return next(r["scope_id"] for r in self.me["roles"] if r["role"] == role)


def returned(body) -> str:
    """What a response holds: a page's total, a list's length, a detail's counts."""
    if isinstance(body, list):
        return f"{len(body)}"
    if "total" in body:
        return f"total {body['total']:,} ({len(body['items'])} on page)"
    if "compounds_count" in body:
        return f"children {body['children_count']:,}, compounds {body['compounds_count']:,}"
    if "residents" in body:
        return f"1 household, {len(body['residents'])} residents"
    return "1"


def p90(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def time_case(session: Session, url: str, repeat: int) -> tuple[float, float, str]:
    for _ in range(WARMUP):
        body = session.get(url)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        body = session.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), p90(samples), returned(body)


def find_cases(sessions: dict[str, Session]) -> list[tuple[str, str]]:
    """The (account, url) pairs, with ids looked up through the API as each account sees it."""
    grid, community, city = sessions["grid worker"], sessions["community admin"], sessions["city admin"]

    compound = grid.get("/api/places/compounds?per_page=1")["items"][0]["id"]
    building = grid.get(f"/api/places/compounds/{compound}/buildings")[0]["id"]
    household = grid.get(f"/api/places/buildings/{building}/households?per_page=1")["items"][0]["id"]

    hexi = community.scope_id("admin")
    city_id = city.scope_id("admin")
    districts = city.get(f"/api/org/units?parent_id={city_id}")
    weidu = next(u["id"] for u in districts if u["name"] == "魏都区")
    # "Some household" for the city admin: one in the city's last compound (far from 河西社区).
    page = city.get("/api/places/compounds?per_page=1")
    last = city.get(f"/api/places/compounds?per_page=1&page={page['total']}")["items"][0]["id"]
    far_building = city.get(f"/api/places/compounds/{last}/buildings")[0]["id"]
    far_household = city.get(f"/api/places/buildings/{far_building}/households?per_page=1")["items"][0]["id"]

    own_household = sessions["resident"].scope_id("resident")
    return [
        ("grid worker", "/api/places/compounds"),
        ("grid worker", f"/api/places/compounds/{compound}/buildings"),
        ("grid worker", f"/api/places/buildings/{building}/households?per_page=50"),
        ("grid worker", f"/api/places/households/{household}"),
        ("community admin", "/api/places/compounds"),
        ("community admin", f"/api/org/units/{hexi}"),
        ("community admin", "/api/admin/users"),
        ("city admin", "/api/places/compounds?per_page=50"),
        ("city admin", f"/api/places/compounds?org_unit_id={weidu}"),
        ("city admin", f"/api/org/units/{city_id}"),
        ("city admin", f"/api/places/households/{far_household}"),
        ("red steward", "/api/places/compounds"),
        ("resident", f"/api/places/households/{own_household}"),
    ]


def print_subtree_plan(app, postgres: bool) -> None:
    from sqlalchemy import text

    from server.extensions import db

    with app.app_context():
        unit = db.session.execute(text("SELECT name, kind FROM org_units WHERE path = '/1/2/'")).first()
        units = db.session.scalar(text("SELECT count(*) FROM org_units"))
        print()
        print(
            f"org subtree plan ('/1/2/' is {unit.name if unit else '?'} {unit.kind if unit else ''}; "
            f"org_units has {units:,} rows)"
        )
        for label, sql, params in (
            ("literal", SUBTREE_SQL, {}),
            ("bound, as the app sends it", SUBTREE_SQL_BOUND, {"prefix": "/1/2/"}),
        ):
            prefix = "EXPLAIN" if postgres else "EXPLAIN QUERY PLAN"
            print(f"  {prefix} {sql}   -- {label}")
            for row in db.session.execute(text(f"{prefix} {sql}"), params):
                print("    " + str(row[0] if postgres else row[-1]))
        db.session.remove()
        db.engine.dispose()


def planner_statistics(app, kind: str, analyze: bool) -> str:
    """Run (VACUUM) ANALYZE when asked; say what the planner has to go on."""
    from sqlalchemy import text

    from server.extensions import db

    with app.app_context():
        postgres = kind == "PostgreSQL"
        if analyze:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE" if postgres else "ANALYZE")
        said = (
            "VACUUM ANALYZE after load"
            if analyze and postgres
            else "ANALYZE after load"
            if analyze
            else "no ANALYZE after load"
        )
        if postgres:
            said += f", autovacuum {db.session.scalar(text('SHOW autovacuum'))}"
        db.session.remove()
        db.engine.dispose()
    return said


def bench(url: str, kind: str, args) -> None:
    from server import create_app

    loaded = build_database(url, args.households, args.seed)
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "LOGIN_RATE_LIMIT": "1000 per minute",  # five sign-ins from one address in a minute
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    counts = loaded["counts"]
    stats = planner_statistics(app, kind, args.analyze)
    print(
        f"database {kind}; households {counts['households']:,}; load {loaded['seconds']:.1f} s; "
        f"{stats}; repeat {args.repeat} after {WARMUP} warm-up calls"
    )
    sessions = {label: Session(app, label) for label in ACCOUNTS}
    cases = find_cases(sessions)
    print(f"{'account':<16} {'endpoint':<52} {'median ms':>9} {'p90 ms':>8}  returned")
    for label, url_ in cases:
        median, ninetieth, what = time_case(sessions[label], url_, args.repeat)
        print(f"{label:<16} {url_:<52} {median:>9.1f} {ninetieth:>8.1f}  {what}")
    print_subtree_plan(app, postgres=url.startswith("postgresql"))
    with app.app_context():
        from server.extensions import db

        db.session.remove()
        db.engine.dispose()


def bench_sqlite(args) -> None:
    with scratch_sqlite("redgrid_scoped_", keep=args.keep) as (_folder, (url,)):
        bench(url, "SQLite", args)


def bench_postgres(args) -> None:
    with scratch_postgres(args.pg_server, "redgrid_scoped") as (_admin, _names, (url,)):
        bench(url, "PostgreSQL", args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres", action="store_true", help="bench a fresh PostgreSQL database")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--analyze", action="store_true", help="(VACUUM) ANALYZE after the load, as autovacuum would")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--smoke", action="store_true", help="the smallest demo city, 3 repeats: that the bench works")
    args = parser.parse_args()
    if args.smoke:
        from server.demo.generator import MIN_HOUSEHOLDS

        args.households, args.repeat = MIN_HOUSEHOLDS, 3
    (bench_postgres if args.postgres else bench_sqlite)(args)


if __name__ == "__main__":
    main()
