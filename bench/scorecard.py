"""Benchmark: the monthly scorecard of a city (issue 5: 3,000 compounds and 36,000 inspections,
≤ 2 s on SQLite and on PostgreSQL).

    .venv/bin/python bench/scorecard.py                 # SQLite
    .venv/bin/python bench/scorecard.py --postgres      # a throw-away PostgreSQL database
    .venv/bin/python bench/scorecard.py --compounds 600 --runs 3   # quick
    .venv/bin/python bench/scorecard.py --smoke         # 60 compounds, one run (CI: that it still runs)

Setup (bulk inserts, not timed): a fresh migrated database with a city of 6 districts, 5 streets
each, 5 communities per street, and --compounds compounds (3,000) shared out over the
communities and 60 property companies; one published 40-item template; one submitted
inspection per compound and month over the 12 months up to the benched month (36,000), with
answers for every item, a score and its failed items; one rectification order per failed item
(about 1.6 per inspection) with a realistic mix: most closed, some responded or open, one in
eight gone overdue, one in twenty reopened once or twice.

Figure: GET /api/scorecards?month=… through app.test_client(), signed in as the city admin,
like the PWA: the wall time of the request in this process (the aggregates, ranks, companies
and the JSON of 3,000 rows). Median of --runs after one warm-up. Also printed: a compound's
card with its 12-month trend, a company's card, and the XLSX export of the whole city.
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

TARGET_SECONDS = 2.0
MONTH = "2026-11"
ADMIN_PHONE, ADMIN_PASSWORD = "13800000001", "bench-admin-2026"
ITEMS = 40
COMPANIES = 60


def _org_units(db, OrgUnit) -> list[int]:
    """city → 6 districts → 5 streets → 5 communities; returns the community ids."""
    from sqlalchemy import insert

    next_id = iter(range(1, 10_000))
    rows, communities = [], []
    city = next(next_id)
    rows.append({"id": city, "kind": "city", "name": "许昌市", "parent_id": None, "path": f"/{city}/", "depth": 0})
    for d in range(6):
        district = next(next_id)
        rows.append(
            {
                "id": district,
                "kind": "district",
                "name": f"第{d + 1}区",
                "parent_id": city,
                "path": f"/{city}/{district}/",
                "depth": 1,
            }
        )
        for s in range(5):
            street = next(next_id)
            rows.append(
                {
                    "id": street,
                    "kind": "street",
                    "name": f"第{d + 1}区第{s + 1}街道",
                    "parent_id": district,
                    "path": f"/{city}/{district}/{street}/",
                    "depth": 2,
                }
            )
            for _ in range(5):
                community = next(next_id)
                rows.append(
                    {
                        "id": community,
                        "kind": "community",
                        "name": f"社区{community}",
                        "parent_id": street,
                        "path": f"/{city}/{district}/{street}/{community}/",
                        "depth": 3,
                    }
                )
                communities.append(community)
    db.session.execute(insert(OrgUnit), rows)
    return communities


def _template(db):
    from server.inspections.models import InspectionTemplate

    items = [
        {
            "code": f"i{n:02d}",
            "text": f"检查项{n}",
            "weight": 100 / ITEMS,
            "severity": ("critical", "major", "minor")[n % 3],
            "photo_required_on_fail": False,
        }
        for n in range(ITEMS)
    ]
    categories = [{"code": f"c{c}", "name": f"类别{c}", "items": items[c * 5 : (c + 1) * 5]} for c in range(ITEMS // 5)]
    template = InspectionTemplate(
        code="bench",
        version=1,
        name="物业服务检查",
        categories=categories,
        max_score=100.0,
        severity_deadlines={"critical": 24, "major": 72, "minor": 168},
        status="published",
    )
    db.session.add(template)
    db.session.flush()
    return template.id


def build(app, compounds: int, seed: int) -> dict:
    """The city, its inspections and orders, by bulk inserts."""
    from sqlalchemy import insert

    from server.auth.models import RoleAssignment, User
    from server.auth.passwords import hash_password
    from server.extensions import db
    from server.inspections import periods
    from server.inspections.models import Inspection, RectificationOrder
    from server.org.models import Compound, OrgUnit, PropertyCompany

    rng = random.Random(seed)
    started = time.perf_counter()
    with app.app_context():
        communities = _org_units(db, OrgUnit)
        db.session.execute(
            insert(PropertyCompany),
            [{"id": n, "name": f"物业公司{n}", "has_party_branch": n % 2 == 0} for n in range(1, COMPANIES + 1)],
        )
        db.session.execute(
            insert(Compound),
            [
                {
                    "id": n,
                    "name": f"小区{n}",
                    "community_id": communities[n % len(communities)],
                    "property_company_id": None if n % 25 == 0 else rng.randint(1, COMPANIES),
                }
                for n in range(1, compounds + 1)
            ],
        )
        admin = User(phone=ADMIN_PHONE, display_name="市级管理员", password_hash=hash_password(ADMIN_PASSWORD))
        db.session.add(admin)
        db.session.flush()
        db.session.add(RoleAssignment(user_id=admin.id, role="admin", org_unit_id=1))
        template_id = _template(db)
        company_of = dict(
            db.session.execute(db.select(Compound.id, Compound.property_company_id).order_by(Compound.id)).all()
        )
        inspections = orders = 0
        for month in periods.last_months(MONTH, 12):
            batch, order_rows = _month(rng, periods.month_start(month), month, template_id, company_of)
            db.session.execute(insert(Inspection), batch)
            if order_rows:
                db.session.execute(insert(RectificationOrder), order_rows)
            inspections += len(batch)
            orders += len(order_rows)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
    return {"inspections": inspections, "orders": orders, "seconds": time.perf_counter() - started}


def _month(rng, start, month: str, template_id: int, company_of: dict) -> tuple[list[dict], list[dict]]:
    """One submitted inspection per compound in the month, and an order per failed item."""
    batch, order_rows = [], []
    for compound_id, company_id in company_of.items():
        record_id = str(uuid.uuid4())
        failed = [i for i in range(ITEMS) if rng.random() < 0.04]
        at = start + timedelta(days=rng.randint(0, 26), hours=rng.randint(0, 23))
        answers = {
            f"i{i:02d}": {"result": "fail" if i in failed else "pass", "note": "需整改" if i in failed else ""}
            for i in range(ITEMS)
        }
        batch.append(
            {
                "id": record_id,
                "version": 1,
                "field_versions": {},
                "field_writers": {},
                "deleted": False,
                "compound_id": compound_id,
                "template_id": template_id,
                "kind": "periodic",
                "period": month,
                "status": "submitted",
                "answers": answers,
                "submitted_at": at,
                "created_at": at,
                "score": round(100 - len(failed) * 100 / ITEMS, 1),
                "max_score": 100.0,
                "failed_count": len(failed),
                "company_id": company_id,
            }
        )
        for i in failed:
            overdue, reopened = rng.random() < 0.125, rng.random() < 0.05
            order_rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "version": 1,
                    "field_versions": {},
                    "field_writers": {},
                    "deleted": False,
                    "inspection_id": record_id,
                    "compound_id": compound_id,
                    "company_id": company_id,
                    "item_code": f"i{i:02d}",
                    "item_text": f"检查项{i}",
                    "category_name": f"类别{i // 5}",
                    "severity": "major",
                    "deadline_at": at + timedelta(hours=72),
                    "created_at": at,
                    "status": rng.choice(("closed", "closed", "closed", "responded", "open")),
                    "reopen_count": rng.choice((1, 2)) if reopened else 0,
                    "overdue_at": at + timedelta(hours=72) if overdue else None,
                    "escalation_level": 1 if overdue else 0,
                }
            )
    return batch, order_rows


class Client:
    """A signed-in test client."""

    def __init__(self, app):
        self.client = app.test_client()
        csrf = self.client.get("/api/csrf").get_json()["csrf_token"]
        response = self.client.post(
            "/api/auth/login", json={"phone": ADMIN_PHONE, "password": ADMIN_PASSWORD}, headers={"X-CSRFToken": csrf}
        )
        if response.status_code != 200:
            raise SystemExit(f"sign-in failed: {response.status_code} {response.get_data(as_text=True)[:300]}")

    def get(self, url: str) -> tuple[float, bytes]:
        started = time.perf_counter()
        response = self.client.get(url)
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code} {response.get_data(as_text=True)[:500]}")
        return seconds, response.get_data()


def bench(url: str, kind: str, args) -> None:
    from server.core import clock

    app = migrated_app(url)
    built = build(app, args.compounds, args.seed)
    print(
        f"database          {kind}; {args.compounds:,} compounds, {built['inspections']:,} inspections, "
        f"{built['orders']:,} orders built in {built['seconds']:.1f} s"
    )
    client = Client(app)
    with clock.at(datetime(2026, 11, 28, 4, 0, tzinfo=UTC)):
        scorecard = f"/api/scorecards?month={MONTH}"
        warm, body = client.get(scorecard)
        print(f"warm-up           {warm * 1000:.0f} ms")
        runs = []
        for number in range(1, args.runs + 1):
            seconds, body = client.get(scorecard)
            runs.append(seconds)
            print(f"run {number}             {seconds * 1000:.0f} ms")
        card = json.loads(body)
        scored = [row for row in card["compounds"] if row["score"] is not None]
        compound_s, _ = client.get(f"/api/scorecards/compounds/1?month={MONTH}")
        company_s, _ = client.get(f"/api/scorecards/companies/1?month={MONTH}")
        xlsx_s, xlsx = client.get(f"/api/scorecards/export.xlsx?month={MONTH}")
    median = statistics.median(runs)
    print()
    print(
        f"monthly scorecard of the city, {len(card['compounds']):,} compounds, {len(card['companies'])} companies "
        f"(median of {len(runs)})"
        f"  {median:6.3f} s   target ≤ {TARGET_SECONDS:.0f} s: {'ok' if median <= TARGET_SECONDS else 'TOO SLOW'}"
    )
    print(f"compound card with its 12-month trend                                   {compound_s:6.3f} s")
    print(f"company card with its compounds and trend                               {company_s:6.3f} s")
    print(f"XLSX export of the city ({len(xlsx) / 1024:,.0f} KiB)                                     {xlsx_s:6.3f} s")
    print(
        f"load average of the machine after the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(the wall time includes waiting)"
    )
    print(
        f"check: compounds with a score {len(scored):,} = compounds {args.compounds:,}: "
        f"{'ok' if len(scored) == args.compounds else 'WRONG'}; "
        f"mean score {statistics.mean(r['score'] for r in scored):.1f}"
    )
    if len(scored) != args.compounds:
        raise SystemExit("check failed: not every compound has a score")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compounds", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres", action="store_true", help="bench a fresh PostgreSQL database")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--smoke", action="store_true", help="60 compounds, one run: that the bench works")
    args = parser.parse_args()
    if args.smoke:
        args.compounds, args.runs = 60, 1
    if args.postgres:
        with scratch_postgres(args.pg_server, "redgrid_scorecard") as (_admin, _names, (url,)):
            bench(url, "PostgreSQL", args)
    else:
        with scratch_sqlite("redgrid_scorecard_") as (_folder, (url,)):
            bench(url, "SQLite", args)


if __name__ == "__main__":
    main()
