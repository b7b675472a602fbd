"""Benchmark: GET /api/grids/<id>/directory (the grid directory a phone keeps offline).

    .venv/bin/python bench/directory.py                    # SQLite, demo city of 15,000 households
    .venv/bin/python bench/directory.py --postgres         # a throw-away PostgreSQL database
    .venv/bin/python bench/directory.py --households 30000 --repeat 50
    .venv/bin/python bench/directory.py --smoke            # the smallest city, 3 repeats (CI: that it still runs)

Builds a demo city like bench/demo_scale.py (at 15,000 households 帝豪花园 has 1,200 households
split between two grids of ~600: the size the directory is meant for), signs the city admin in
through the API (who may read every grid), and times, per grid picked (the largest, one near 600
households and a median one): a full GET (200), a revalidation with If-None-Match (304), the
SQL statements of one request, and the bytes sent (JSON as is and gzip'd, as the phone gets it).
Each case runs 3 times to warm up, then --repeat times; the line gives median and p90.

The database is ANALYZEd after the load, as autovacuum would have done on a live server: on
PostgreSQL without statistics the planner scans every resident of the city instead of the
grid's few through the index (--no-analyze shows that case).
"""

import argparse
import gzip
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
CITY_ADMIN = ("13800000001", "admin2026")


def grid_sizes(app) -> list[tuple[int, str, int]]:
    """(grid id, name, households) of every grid, largest first (SQL: only to pick the cases)."""
    from sqlalchemy import func, or_, select

    from server.extensions import db
    from server.org.models import Building, GridCoverage, Household, OrgUnit

    with app.app_context():
        rows = db.session.execute(
            select(OrgUnit.id, OrgUnit.name, func.count(func.distinct(Household.id)))
            .join(GridCoverage, GridCoverage.grid_id == OrgUnit.id)
            .join(
                Building, or_(Building.compound_id == GridCoverage.compound_id, Building.id == GridCoverage.building_id)
            )
            .join(Household, Household.building_id == Building.id)
            .group_by(OrgUnit.id, OrgUnit.name)
        ).all()
    return sorted(((r[0], r[1], r[2]) for r in rows), key=lambda r: -r[2])


def timed(fn, repeat: int) -> tuple[float, float]:
    for _ in range(WARMUP):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * (len(samples) - 1))]


def bench(url: str, args) -> None:
    from sqlalchemy import create_engine, event, text

    from server import create_app
    from server.extensions import db

    built = build_database(url, args.households, args.seed)
    if not args.no_analyze:
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
        engine.dispose()
    app = create_app({"TESTING": True, "DATABASE_URL": url, "RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": None})
    client = app.test_client()
    csrf = client.get("/api/csrf").get_json()["csrf_token"]
    signed_in = client.post(
        "/api/auth/login", json=dict(zip(("phone", "password"), CITY_ADMIN)), headers={"X-CSRFToken": csrf}
    )
    assert signed_in.status_code == 200, signed_in.get_data(as_text=True)

    grids = grid_sizes(app)
    near_600 = min(grids, key=lambda g: abs(g[2] - 600))
    picked = list(dict.fromkeys([grids[0], near_600, grids[len(grids) // 2]]))
    print(
        f"city: {built['counts']['households']:,} households, {built['counts']['residents']:,} residents, "
        f"{len(grids)} grids; demo load {built['seconds']:.1f} s; "
        f"{'no statistics' if args.no_analyze else 'ANALYZEd'}"
    )
    with app.app_context():
        engine = db.engine
    for grid_id, name, households in picked:
        path = f"/api/grids/{grid_id}/directory"
        first = client.get(path, headers={"Accept-Encoding": "identity"})
        assert first.status_code == 200, first.get_data(as_text=True)[:300]
        body, etag = first.get_data(), first.headers["ETag"]
        residents = sum(len(h["residents"]) for h in first.get_json()["households"])
        statements = []
        listener = lambda *a, statements=statements: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        client.get(path)
        event.remove(engine, "before_cursor_execute", listener)
        full = timed(lambda path=path: client.get(path, headers={"Accept-Encoding": "gzip"}), args.repeat)
        fresh = timed(lambda path=path, etag=etag: client.get(path, headers={"If-None-Match": etag}), args.repeat)
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
        print(f"\n{name} (grid {grid_id}): {households} households, {residents} residents")
        print(f"  statements per request   {len(statements)}")
        print(
            f"  JSON                     {len(body) / 1024:,.0f} KiB, "
            f"gzip {len(gzip.compress(body, 6)) / 1024:,.0f} KiB"
        )
        print(f"  200 (gzip)               median {full[0]:.1f} ms, p90 {full[1]:.1f} ms")
        print(f"  304 (If-None-Match)      median {fresh[0]:.1f} ms, p90 {fresh[1]:.1f} ms")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=15_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="bench a fresh PostgreSQL database")
    parser.add_argument("--no-analyze", action="store_true", help="leave the planner without statistics")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--smoke", action="store_true", help="the smallest demo city, 3 repeats: that the bench works")
    args = parser.parse_args()
    if args.smoke:
        from server.demo.generator import MIN_HOUSEHOLDS

        args.households, args.repeat = MIN_HOUSEHOLDS, 3
    if args.postgres:
        with scratch_postgres(args.pg_server, "redgrid_directory") as (_admin, _names, (url,)):
            print("database: PostgreSQL")
            bench(url, args)
    else:
        with scratch_sqlite("redgrid_directory_") as (_folder, (url,)):
            print("database: SQLite")
            bench(url, args)


if __name__ == "__main__":
    main()
