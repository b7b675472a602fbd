"""Benchmark: GET /api/members/communities/<id>/matching (供需对接, PROTOCOL.md §21) — the
suggestions for every open need of a community, against 200 ms of server time.

    .venv/bin/python bench/matching.py                  # SQLite: 500 open needs, 300 resources
    .venv/bin/python bench/matching.py --postgres       # a throw-away PostgreSQL database
    .venv/bin/python bench/matching.py --smoke          # a tiny run (CI)
    .venv/bin/python bench/matching.py --needs 2000 --resources 1000 --repeat 30

Builds the test world (tests/factories.py) and gives 河西社区 --grids grids, --units units each
serving one to three of them (N对1) with --resources resources between them (skills, kinds and
weekly times drawn at random), and --needs open needs across the categories and grids (plus as many
resolved ones, which the list leaves out). Signs the community's admin in through the API and times
the request in the app (the test client: no network), 3 warm-ups then --repeat runs: median and p90,
the SQL statements of one request, and the suggestions made.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.directory import timed  # noqa: E402

TARGET_MS = 200.0
ADMIN = ("13800000002", "password123")  # 河西社区管理员 of tests/factories.py


def load(app, args) -> int:
    """The world and the community's lists; returns the community's id."""
    from server.extensions import db
    from server.ledger.vocab import SKILLS, SLOTS
    from server.members.models import RESOURCE_KINDS
    from server.org.models import OrgUnit
    from server.tasks.need_models import NEED_CATEGORIES
    from tests.factories import build_world, org_unit
    from tests.server import matching_support as rows

    rng = random.Random(args.seed)
    with app.app_context():
        db.create_all()
        world = build_world()
        community = db.session.get(OrgUnit, world.hexi)
        grids = [world.g1, world.g2] + [
            org_unit("grid", f"河西社区第{i}网格", community).id for i in range(3, args.grids + 1)
        ]
        units = [rows.unit(world.hexi, f"驻区单位{i}", rng.sample(grids, rng.randint(1, 3))) for i in range(args.units)]
        for i in range(args.resources):
            rows.resource(
                rng.choice(units),
                f"资源{i}",
                rng.sample(SKILLS, rng.randint(1, 3)),
                kind=rng.choice(RESOURCE_KINDS),
                availability=rng.sample(SLOTS, rng.randint(0, 3)),
            )
        for i in range(args.needs * 2):  # as many resolved ones, which the list leaves out
            status = rng.choice(("received", "accepted", "in_progress")) if i < args.needs else "resolved"
            text = f"第{i}条诉求：" + "楼道灯坏了，晚上看不见，" * 3
            rows.need(world, rng.choice(NEED_CATEGORIES), rng.choice(grids), status=status, text=text)
        db.session.commit()
        return world.hexi


def bench(url: str, args) -> float:
    from sqlalchemy import event

    from server import create_app
    from server.extensions import db

    app = create_app({"TESTING": True, "DATABASE_URL": url, "RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": None})
    started = time.perf_counter()
    community_id = load(app, args)
    print(f"load {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    csrf = client.get("/api/csrf").get_json()["csrf_token"]
    signed_in = client.post(
        "/api/auth/login", json=dict(zip(("phone", "password"), ADMIN)), headers={"X-CSRFToken": csrf}
    )
    assert signed_in.status_code == 200, signed_in.get_data(as_text=True)
    path = f"/api/members/communities/{community_id}/matching"
    first = client.get(path)
    assert first.status_code == 200, first.get_data(as_text=True)[:300]
    body = first.get_json()
    made = sum(len(n["suggestions"]) for n in body["needs"])
    with app.app_context():
        engine = db.engine
    statements = []
    listener = lambda *a: statements.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    client.get(path)
    event.remove(engine, "before_cursor_execute", listener)
    median, p90 = timed(lambda: client.get(path), args.repeat)
    print(
        f"community: {body['counts']['needs']} open needs, {body['counts']['resources']} resources, "
        f"{args.units} units over {args.grids} grids; {made} suggestions ({len(first.get_data()) / 1024:,.0f} KiB)"
    )
    print(f"statements per request   {len(statements)}")
    print(f"GET matching             median {median:.1f} ms, p90 {p90:.1f} ms (target ≤ {TARGET_MS:.0f} ms)")
    print("within target" if median <= TARGET_MS else "OVER TARGET")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--needs", type=int, default=500)
    parser.add_argument("--resources", type=int, default=300)
    parser.add_argument("--units", type=int, default=60)
    parser.add_argument("--grids", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="a tiny run: 20 needs, 15 resources, 3 repeats")
    parser.add_argument("--postgres", action="store_true", help="bench a fresh PostgreSQL database")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    args = parser.parse_args()
    if args.smoke:
        args.needs, args.resources, args.units, args.grids, args.repeat = 20, 15, 5, 3, 3
    if args.postgres:
        with scratch_postgres(args.pg_server, "redgrid_matching") as (_admin, _names, (url,)):
            print("database: PostgreSQL")
            bench(url, args)
    else:
        with scratch_sqlite("redgrid_matching_") as (_folder, (url,)):
            print("database: SQLite")
            bench(url, args)


if __name__ == "__main__":
    main()
