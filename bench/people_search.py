"""Benchmark: the people screen's searches (GET /api/admin/users?q=…) at scale.

    .venv/bin/python bench/people_search.py                 # PostgreSQL, 100,000 users
    .venv/bin/python bench/people_search.py --users 300000
    .venv/bin/python bench/people_search.py --smoke         # 2,000 users on SQLite, seconds

Builds a throw-away database (migrations, then a street of --communities communities with 8 grids
each), bulk-inserts --users accounts (Core executemany in chunks, one password hash for all) each
holding a role in one of the street's communities (volunteer@community or grid_worker@grid), runs
(VACUUM) ANALYZE, then signs in a community admin and a street admin through the API with
app.test_client() and times the list's searches: a name fragment, a phone fragment, a role filter,
a name fragment with a role. Each case runs 3 times to warm up, then --repeat times; each line
gives p50 and p95 of one request's wall time against the target (≤ 100 ms) and the total found.

PostgreSQL: a new database redgrid_people_<pid> on --pg-server, dropped afterwards. SQLite: a
file in a temporary folder, removed afterwards.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402

DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"
TARGET_MS = 100
WARMUP = 3
CHUNK = 5_000
PASSWORD = "bench-people-2026"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华红玉兰建国志强春梅海燕文博子涵浩然欣怡雨轩思远"
ADMINS = {"community admin": "13900000001", "street admin": "13900000002"}


def build(url: str, users: int, communities: int, seed: int) -> dict:
    """The street, its communities and grids, the two admins, then `users` accounts with roles."""
    import flask_migrate
    from sqlalchemy import insert, select

    from server import create_app
    from server.auth.models import RoleAssignment, User
    from server.auth.passwords import hash_password
    from server.extensions import db
    from server.org.models import OrgUnit

    rng = random.Random(seed)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "RATELIMIT_STORAGE_URI": "memory://", "REDIS_URL": None})
    started = time.perf_counter()
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))

        def unit(kind, name, parent=None):
            row = OrgUnit(kind=kind, name=name, parent_id=parent.id if parent else None, path="", depth=0)
            db.session.add(row)
            db.session.flush()
            row.path = f"{parent.path if parent else '/'}{row.id}/"
            row.depth = (parent.depth + 1) if parent else 0
            return row

        city = unit("city", "许昌市")
        district = unit("district", "魏都区", city)
        street = unit("street", "文峰街道", district)
        units = []
        for c in range(communities):
            community = unit("community", f"第{c + 1}社区", street)
            grids = [unit("grid", f"第{c + 1}社区第{g + 1}网格", community) for g in range(8)]
            units.append((community.id, [g.id for g in grids]))
        hashed = hash_password(PASSWORD)
        for label, phone, scope in (
            ("community admin", ADMINS["community admin"], units[0][0]),
            ("street admin", ADMINS["street admin"], street.id),
        ):
            admin = User(phone=phone, display_name=label, password_hash=hashed)
            db.session.add(admin)
            db.session.flush()
            db.session.add(RoleAssignment(user_id=admin.id, role="admin", org_unit_id=scope))
        db.session.commit()
        first_id = (db.session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) or 0) + 1
        phones = rng.sample(range(10_000_000, 99_999_999), users)
        user_table, role_table = User.__table__, RoleAssignment.__table__
        for start in range(0, users, CHUNK):
            batch = range(start, min(start + CHUNK, users))
            db.session.execute(
                insert(user_table),
                [
                    {
                        "id": first_id + i,
                        "phone": f"137{phones[i]:08d}",
                        "display_name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
                        "password_hash": hashed,
                        "locale": "zh-CN",
                        "active": rng.random() > 0.05,
                    }
                    for i in batch
                ],
            )
            rows = []
            for i in batch:
                community, grids = rng.choice(units)
                if rng.random() < 0.6:
                    rows.append({"user_id": first_id + i, "role": "volunteer", "org_unit_id": community})
                else:
                    rows.append({"user_id": first_id + i, "role": "grid_worker", "org_unit_id": rng.choice(grids)})
            db.session.execute(insert(role_table), rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text(f"SELECT setval('users_id_seq', {first_id + users})"))
            db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE")
        db.session.remove()
    return {"app": app, "seconds": time.perf_counter() - started}


class Session:
    def __init__(self, app, label):
        self.label = label
        self.client = app.test_client()
        csrf = self.client.get("/api/csrf").get_json()["csrf_token"]
        response = self.client.post(
            "/api/auth/login", json={"phone": ADMINS[label], "password": PASSWORD}, headers={"X-CSRFToken": csrf}
        )
        if response.status_code != 200:
            raise SystemExit(f"sign-in of {label} failed: {response.status_code} {response.get_data(as_text=True)}")

    def get(self, url):
        response = self.client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{self.label} GET {url}: {response.status_code} {response.get_data(as_text=True)[:300]}")
        return response.get_json()


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run(url: str, kind: str, args) -> bool:
    built = build(url, args.users, args.communities, args.seed)
    app = built["app"]
    print(
        f"database {kind}; {args.users:,} users over {args.communities} communities × 8 grids; "
        f"load {built['seconds']:.1f} s; repeat {args.repeat} after {WARMUP} warm-up calls"
    )
    cases = [
        ("baseline", "/api/me"),  # the request's own cost: session, user, schema, no search
        ("name fragment", "/api/admin/users?q=伟"),
        ("phone fragment", "/api/admin/users?q=5678"),
        ("role filter", "/api/admin/users?role=grid_worker"),
        ("name + role", "/api/admin/users?q=张&role=grid_worker&active=true"),
    ]
    print(f"{'account':<16} {'case':<15} {'endpoint':<52} {'p50 ms':>7} {'p95 ms':>7}  found   ≤{TARGET_MS} ms")
    held = True
    for label in ADMINS:
        session = Session(app, label)
        for case, endpoint in cases:
            for _ in range(WARMUP):
                body = session.get(endpoint)
            samples = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                body = session.get(endpoint)
                samples.append((time.perf_counter() - started) * 1000)
            p50, p95 = statistics.median(samples), percentile(samples, 0.95)
            found = f"{body['total']:>6,}" if "total" in body else "     -"
            ok = p95 <= TARGET_MS
            held &= ok
            print(f"{label:<16} {case:<15} {endpoint:<52} {p50:>7.1f} {p95:>7.1f}  {found}  {'yes' if ok else 'NO'}")
    with app.app_context():
        from server.extensions import db

        db.session.remove()
        db.engine.dispose()
    print("target held" if held else "target MISSED")
    return held


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=None, help="accounts to insert (100,000; --smoke: 2,000)")
    parser.add_argument("--communities", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="a small run on SQLite (unless --postgres)")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL even with --smoke")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    args = parser.parse_args()
    if args.users is None:
        args.users = 2_000 if args.smoke else 100_000
    if args.smoke:
        args.repeat = min(args.repeat, 5)
    if args.smoke and not args.postgres:
        with scratch_sqlite("redgrid_people_") as (_folder, (url,)):
            held = run(url, "SQLite", args)
    else:
        with scratch_postgres(args.pg_server, "redgrid_people") as (_admin, _names, (url,)):
            held = run(url, "PostgreSQL", args)
    if not args.smoke and not held:
        sys.exit(1)


if __name__ == "__main__":
    main()
