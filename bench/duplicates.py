"""Benchmark: the duplicate finder (issue 16 item 6) over 100,000 residents.

    .venv/bin/python bench/duplicates.py --postgres     # a throw-away PostgreSQL database
    .venv/bin/python bench/duplicates.py                # the same on SQLite
    .venv/bin/python bench/duplicates.py --smoke        # a small city on SQLite, in seconds

Setup: a fresh database with a demo city of --households (40,000: about 100,000 residents) built
in a process of its own; then --pairs duplicates planted among them, a third of each rule
(same name and phone in another household; the same name again in the household; the same phone
with one character of the name changed); then VACUUM ANALYZE (ANALYZE on SQLite), as autovacuum
would after a load this size.

Figures: GET /api/places/residents/duplicates (first page and a far page, 20 pairs a page)
through app.test_client(), signed in as the city's admin (the whole register) and as 河西社区's
admin; the wall time of each request in this process, the best of three. A merge of the first
pair then, and the finder again.
"""

import argparse
import multiprocessing
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.demo_scale import run as build_database  # noqa: E402

ADMINS = {"city": ("13800000001", "admin2026"), "community": ("13800000002", "hexi2026")}


def plant(app, pairs: int, seed: int) -> int:
    """Copies of `pairs` random residents, a third per rule; returns the residents counted."""
    from sqlalchemy import func, insert, select, text

    from server.extensions import db
    from server.org.models import Household, Resident

    rng = random.Random(seed)
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(Resident))
        households = db.session.scalars(select(Household.id)).all()
        picked = db.session.execute(
            select(Resident.household_id, Resident.name, Resident.phone, Resident.birth_year)
            .where(Resident.phone.is_not(None), func.length(Resident.name) == 3)
            .order_by(Resident.id)
            .limit(pairs * 10)
        ).all()
        rows = []
        for number, (household_id, name, phone, year) in enumerate(rng.sample(picked, pairs)):
            row = {"name": name, "phone": phone, "birth_year": year, "relation": "other"}
            if number % 3 == 0:
                row["household_id"] = rng.choice(households)
            elif number % 3 == 1:
                row.update(household_id=household_id, phone=None)
            else:
                row.update(household_id=rng.choice(households), name=name[:2] + "乙")
            rows.append(row)
        db.session.execute(insert(Resident), rows)
        db.session.commit()
        # As autovacuum would after a load this size: statistics and the visibility map.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            vacuum = "VACUUM ANALYZE residents" if connection.dialect.name == "postgresql" else "ANALYZE"
            connection.execute(text(vacuum))
        return total + len(rows)


def measure(app, label: str, phone: str, password: str) -> None:
    client = app.test_client()
    token = client.get("/api/csrf").get_json()["csrf_token"]
    signed = client.post("/api/auth/login", json={"phone": phone, "password": password}, headers={"X-CSRFToken": token})
    assert signed.status_code == 200, signed.get_json()
    first = client.get("/api/places/residents/duplicates?per_page=20").get_json()
    total = first["total"]
    far = max(1, (total + 19) // 20 // 2)
    for name, url in (("page 1", "?per_page=20"), (f"page {far}", f"?per_page=20&page={far}")):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(f"/api/places/residents/duplicates{url}")
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        print(f"{label:<10} {name:<9} {min(times) * 1000:8.1f} ms   ({total:,} pairs)")


def bench(url: str, households: int, pairs: int, seed: int) -> None:
    from server import create_app

    with multiprocessing.get_context("spawn").Pool(1) as pool:  # the city in a process of its own
        built = pool.apply(build_database, (url, households, seed))
    print(f"city              {households:,} households in {built['seconds']:.1f} s")
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    residents = plant(app, pairs, seed)
    print(f"residents         {residents:,} (with {pairs:,} planted duplicates)")
    for label, (phone, password) in ADMINS.items():
        measure(app, label, phone, password)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_PG_SERVER, help="a PostgreSQL server URL")
    parser.add_argument("--households", type=int, default=40_000)
    parser.add_argument("--pairs", type=int, default=600)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.households, args.pairs = 1500, 30
    if args.postgres:
        with scratch_postgres(args.postgres, "redgrid_bench_dupes") as (_, _, urls):
            bench(urls[0], args.households, args.pairs, args.seed)
    else:
        with scratch_sqlite("redgrid-bench-dupes-") as (_, urls):
            bench(urls[0], args.households, args.pairs, args.seed)


if __name__ == "__main__":
    main()
