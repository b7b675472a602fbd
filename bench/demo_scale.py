"""Benchmark: load the demo city at scale into a fresh database and print the figures.

    .venv/bin/python bench/demo_scale.py                       # SQLite, 200,000 households
    .venv/bin/python bench/demo_scale.py --households 50000
    .venv/bin/python bench/demo_scale.py --postgres            # a throw-away PostgreSQL database
    .venv/bin/python bench/demo_scale.py --smoke               # the smallest city (CI: that it still runs)

SQLite: a new file in a temporary folder (removed afterwards unless --keep). PostgreSQL: a new
database redgrid_bench_<pid> on --pg-server (default postgresql+psycopg://postgres@127.0.0.1:5432/),
dropped afterwards. The schema comes from the Alembic migrations when there are any, else from
db.create_all(). The time covers load_demo() only (generation, inserts, commit).
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402

DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
# A folder where the SQLite demo cities built by run() are kept and copied from (bench/smoke.py
# sets it for its benches, which build the same small city again and again); unset: always built.
CACHE_ENV = "BENCH_DEMO_CACHE"


def create_schema(app) -> str:
    from server.extensions import db

    if any((ROOT / "migrations" / "versions").glob("*.py")):
        import flask_migrate

        flask_migrate.upgrade()
        return "alembic upgrade"
    db.create_all()
    return "db.create_all()"


def run(url: str, households: int, seed: int, cache: bool = True) -> dict:
    folder = os.environ.get(CACHE_ENV) if cache else None
    if folder and url.startswith("sqlite:///"):
        return cached_run(Path(folder), url, households, seed)
    from server import create_app
    from server.demo import load_demo
    from server.extensions import db

    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        schema = create_schema(app)
        started = time.perf_counter()
        summary = load_demo(households=households, seed=seed)
        seconds = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()  # SQLite: the last connection closing checkpoints the WAL
    return {"schema": schema, "seconds": seconds, **summary}


def cached_run(folder: Path, url: str, households: int, seed: int) -> dict:
    """run() into a SQLite file, or a copy of the city the same arguments built before."""
    target = Path(url.removeprefix("sqlite:///"))
    kept, summary = folder / f"demo_{households}_{seed}.sqlite3", folder / f"demo_{households}_{seed}.json"
    if not kept.exists():
        result = run(url, households, seed, cache=False)
        summary.write_text(json.dumps(result))
        shutil.copyfile(target, f"{kept}.{os.getpid()}")
        os.replace(f"{kept}.{os.getpid()}", kept)  # whole or not at all, for a bench running beside
        return result
    shutil.copyfile(kept, target)
    return json.loads(summary.read_text())


def report(kind: str, result: dict, size_bytes: int | None) -> None:
    counts = result["counts"]
    seconds = result["seconds"]
    print(f"database          {kind} (schema by {result['schema']})")
    print(f"households        {counts['households']:,}")
    print(f"residents         {counts['residents']:,}")
    print(f"buildings         {counts['buildings']:,}")
    print(f"compounds         {counts['compounds']:,}")
    print(f"org units         {counts['org_units']:,}")
    print(f"seconds           {seconds:.1f}")
    print(f"households/s      {counts['households'] / seconds:,.0f}")
    print(f"rows/s            {sum(counts.values()) / seconds:,.0f}")
    if size_bytes is not None:
        print(f"database size     {size_bytes / 1_000_000:.1f} MB")


def bench_sqlite(args) -> None:
    with scratch_sqlite("redgrid_bench_", keep=args.keep) as (folder, (url,)):
        result = run(url, args.households, args.seed, cache=False)  # the build is the figure
        size = sum(p.stat().st_size for p in folder.glob("bench.sqlite3*"))
        report(f"SQLite {url}", result, size)


def bench_postgres(args) -> None:
    from server.extensions import db

    with scratch_postgres(args.pg_server, "redgrid_bench") as (admin, (name,), (url,)):
        try:
            result = run(url, args.households, args.seed)
            size = admin.execute("SELECT pg_database_size(%s)", (name,)).fetchone()[0]
            report(f"PostgreSQL {name}", result, size)
        finally:
            db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres", action="store_true", help="bench a fresh PostgreSQL database")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file")
    parser.add_argument("--smoke", action="store_true", help="the smallest demo city: that the bench works")
    args = parser.parse_args()
    if args.smoke:
        from server.demo.generator import MIN_HOUSEHOLDS

        args.households = MIN_HOUSEHOLDS
    (bench_postgres if args.postgres else bench_sqlite)(args)


if __name__ == "__main__":
    main()
