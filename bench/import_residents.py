"""Benchmark: bulk import of 50,000 residents (issue 16: the commit ≤ 60 s on PostgreSQL, the
preview of the whole file ≤ 15 s).

    .venv/bin/python bench/import_residents.py --postgres     # a throw-away PostgreSQL database (the targets')
    .venv/bin/python bench/import_residents.py                # the same on SQLite
    .venv/bin/python bench/import_residents.py --smoke        # 200 rows on SQLite, in seconds

Setup: a fresh database with a demo city (bench/demo_scale.py's run(), --households, 20,000 by
default) built in a process of its own. The workbook: --rows residents (50,000) over the city's
buildings, as a city register would be: a third join households already there, the others new
households (rooms 9xxx of unit 9单元) of two or three residents, names, phones, genders, birth
years, relations and care flags filled in; an .xlsx made with openpyxl.

Figures: POST /api/admin/imports/residents/preview then /commit with the workbook, through
app.test_client() signed in as the city admin (13800000001) like the PWA; the wall time of each
request in this process (reading the workbook, every row checked, the places and residents
looked up, and for the commit the same again plus the inserts and the commit). Then a second
commit of the same file, which must change nothing, and checks of the counts in the database.
"""

import argparse
import concurrent.futures
import io
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.demo_scale import run as build_database  # noqa: E402
from server.demo.generator import MIN_HOUSEHOLDS  # noqa: E402

PREVIEW_TARGET, COMMIT_TARGET = 15.0, 60.0
ADMIN = ("13800000001", "admin2026")
HEADER = ["小区", "楼栋", "单元", "室", "姓名", "手机号", "性别", "出生年份", "与户主关系", "关怀标记"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英"
RELATIONS = ("户主", "配偶", "子女", "父母")
CARE = ("", "", "", "", "", "", "独居老人", "低保", "残疾", "低保、残疾")


def workbook(app, rows: int, seed: int) -> tuple[bytes, int]:
    """An .xlsx of `rows` residents over the city's buildings; the households it would add."""
    from openpyxl import Workbook
    from sqlalchemy import select

    from server.extensions import db
    from server.org.models import Building, Compound, Household

    rng = random.Random(seed)
    with app.app_context():
        buildings = db.session.execute(
            select(Compound.name, Building.name, Building.id).join(Compound, Compound.id == Building.compound_id)
        ).all()
        existing = db.session.execute(select(Household.building_id, Household.unit, Household.room)).all()
    names = {b_id: (compound, building) for compound, building, b_id in buildings}
    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民")
    sheet.append(HEADER)
    made, new_households, phone = 0, 0, 15000000000
    old = iter(rng.sample(existing, len(existing)))
    while made < rows:
        if made % 3 == 0 and (place := next(old, None)) is not None:
            building_id, unit, room = place
        else:
            building_id = rng.choice(buildings)[2]
            unit, room = "9单元", f"9{new_households:05d}"
            new_households += 1
        compound, building = names[building_id]
        for member in range(min(rng.choice((2, 2, 3)), rows - made)):
            phone += 1
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            sheet.append(
                [
                    compound,
                    building,
                    unit,
                    room,
                    f"{name}{made}",
                    str(phone),
                    rng.choice("男女"),
                    str(rng.randint(1930, 2020)),
                    RELATIONS[min(member, 3)],
                    rng.choice(CARE),
                ]
            )
            made += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), new_households


class Admin:
    def __init__(self, app):
        self.client = app.test_client()
        self.csrf = self.client.get("/api/csrf").get_json()["csrf_token"]
        signed = self.client.post(
            "/api/auth/login", json={"phone": ADMIN[0], "password": ADMIN[1]}, headers={"X-CSRFToken": self.csrf}
        )
        assert signed.status_code == 200, signed.get_json()
        self.csrf = signed.get_json()["csrf_token"]

    def send(self, step: str, data: bytes) -> tuple[float, dict]:
        started = time.perf_counter()
        response = self.client.post(
            f"/api/admin/imports/residents/{step}",
            data={"file": (io.BytesIO(data), "居民.xlsx")},
            content_type="multipart/form-data",
            headers={"X-CSRFToken": self.csrf},
        )
        seconds = time.perf_counter() - started
        assert response.status_code == 200, response.get_json()
        return seconds, response.get_json()


def counts(app) -> tuple[int, int]:
    from sqlalchemy import func, select

    from server.extensions import db
    from server.org.models import Household, Resident

    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Household)),
            db.session.scalar(select(func.count()).select_from(Resident)),
        )


def bench(url: str, kind: str, args) -> bool:
    from server import create_app

    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        built = pool.submit(build_database, url, args.households, args.seed).result()
    print(f"database          {kind}; demo city of {args.households:,} households built in {built['seconds']:.1f} s")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "REDIS_URL": None})
    started = time.perf_counter()
    data, new_households = workbook(app, args.rows, args.seed)
    print(
        f"workbook          {args.rows:,} residents, {new_households:,} new households, "
        f"{len(data) / (1 << 20):.1f} MiB, made in {time.perf_counter() - started:.1f} s"
    )
    households_before, residents_before = counts(app)
    admin = Admin(app)
    load = os.getloadavg()[0]
    preview_s, preview = admin.send("preview", data)
    commit_s, committed = admin.send("commit", data)
    again_s, again = admin.send("commit", data)
    households_after, residents_after = counts(app)
    ok_preview, ok_commit = preview_s <= PREVIEW_TARGET, commit_s <= COMMIT_TARGET
    print(
        f"preview           {preview['counts']} in {preview_s:6.2f} s   target ≤ {PREVIEW_TARGET:.0f} s: "
        f"{'ok' if ok_preview else 'MISSED'}"
    )
    print(
        f"commit            {committed['counts']} in {commit_s:6.2f} s   target ≤ {COMMIT_TARGET:.0f} s: "
        f"{'ok' if ok_commit else 'MISSED'}"
    )
    print(f"same file again   {again['counts']} in {again_s:6.2f} s")
    print(f"load average of the machine before / after: {load:.1f} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    checks = {
        "no row error": preview["errors_total"] == 0,
        "residents added = rows": residents_after - residents_before == args.rows == committed["counts"]["create"],
        "households added": households_after - households_before == new_households == committed["households_created"],
        "second commit changes nothing": again["counts"]
        == {"create": 0, "update": 0, "unchanged": args.rows, "error": 0},
    }
    for name, passed in checks.items():
        print(f"check: {name}: {'ok' if passed else 'WRONG'}")
    return all(checks.values()) and (args.smoke or (ok_preview and ok_commit))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--households", type=int, default=20_000, help="households of the demo city")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL database (the targets')")
    parser.add_argument(
        "--smoke", action="store_true", help="200 rows in the smallest demo city (1,500 households, seed 2026), SQLite"
    )
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    args = parser.parse_args()
    if args.smoke:
        # The other smoke runs' demo city (seed 2026): bench/smoke.py builds it once (BENCH_DEMO_CACHE).
        args.rows, args.households, args.seed, args.postgres = 200, MIN_HOUSEHOLDS, 2026, False
    if not args.postgres:
        with scratch_sqlite("redgrid-import-") as (_, (url,)):
            ok = bench(url, "SQLite", args)
    else:
        with scratch_postgres(args.pg_server, "redgrid_bench_import") as (_, _, (url,)):
            ok = bench(url, "PostgreSQL", args)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
