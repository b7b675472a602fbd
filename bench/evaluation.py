"""Benchmark: the December evaluation of a city (issue 14: 35,400 in-service members and 493 unit
party organisations reporting to its communities, a year of activities (9,600) and wishes
(5,000): ≤ 5 s on PostgreSQL, ≤ 10 s on SQLite).

    .venv/bin/python bench/evaluation.py                 # SQLite
    .venv/bin/python bench/evaluation.py --postgres      # a throw-away PostgreSQL database
    .venv/bin/python bench/evaluation.py --smoke         # tiny and quick: that it runs, not its figures

Setup (bulk inserts, not timed): a fresh migrated database with bench/scorecard.py's city of 150
communities; --units units (493) and --members members (35,400) shared out over them, each
member an account holding volunteer@community and a member of a unit of that community (双报到,
server/members); the year's service record (server/ledger): --activities activities (9,600),
each attended by 4–12 members of its community for 1–4 hours, and --wishes fulfilled wishes
(5,000) with the residents' 1–5 stars — one service_entry row per attendance and wish (about
80,000), as the domains credit them.

Figures:
  city      the year's facts, record scores and grades of every unit and member of every community
            (server/evaluation/service.year_facts per community: the roster from the members part,
            the ledger's totals, scoring.record_score): what opening the city's rounds reads and
            computes. Median of --runs.
  one round the largest community's round opened over HTTP with 20 evaluators (the round and its
            forms written through the sync engine), every form then submitted (bulk, not timed),
            its results (GET …/results) and its workbook (GET …/results.xlsx).
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._scratch import scratch_postgres, scratch_sqlite  # noqa: E402
from bench.demo_scale import DEFAULT_PG_SERVER  # noqa: E402
from bench.scorecard import _org_units  # noqa: E402

TARGETS = {"PostgreSQL": 5.0, "SQLite": 10.0}
YEAR = 2026
CHUNK = 5000


def _chunks(rows):
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def build(app, args) -> dict:
    """The city, its units, members and their year of service, by bulk inserts."""
    from sqlalchemy import insert

    from server.auth.models import RoleAssignment, User
    from server.extensions import db
    from server.ledger.models import ServiceEntry
    from server.members.models import Member, Unit
    from server.org.models import OrgUnit

    rng = random.Random(args.seed)
    started = time.perf_counter()
    with app.app_context():
        communities = _org_units(db, OrgUnit)
        units = [
            {
                "id": n,
                "community_id": communities[(n - 1) % len(communities)],
                "name": f"驻区单位{n}党组织",
                "kind": rng.choice(("government", "enterprise", "institution", "school", "hospital")),
                "party_org": f"驻区单位{n}党委",
                "contact_name": "联络员",
                "contact_phone": f"1370{n:07d}",
            }
            for n in range(1, args.units + 1)
        ]
        db.session.execute(insert(Unit), units)
        units_of = {}
        for unit in units:
            units_of.setdefault(unit["community_id"], []).append(unit["id"])
        users, roles, members = [], [], []
        member_of = {}  # community -> [account ids]
        for n in range(1, args.members + 1):
            unit = units[rng.randrange(len(units))]
            community = unit["community_id"]
            users.append({"id": n + 1, "phone": f"1710{n:07d}", "display_name": f"党员{n}", "password_hash": "!"})
            roles.append({"user_id": n + 1, "role": "volunteer", "org_unit_id": community})
            members.append(
                {
                    "user_id": n + 1,
                    "community_id": community,
                    "unit_id": unit["id"],
                    "unit_role": "member",
                    "skills": [],
                    "availability": [],
                }
            )
            member_of.setdefault(community, []).append(n + 1)
        for model, rows in ((User, users), (RoleAssignment, roles), (Member, members)):
            for chunk in _chunks(rows):
                db.session.execute(insert(model), chunk)
        entries = []

        def entry(account, community, kind, hours, day, rating=None):
            entries.append(
                {
                    "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "account_id": account,
                    "community_id": community,
                    "kind": kind,
                    "source_id": str(len(entries)),
                    "title": "重阳节敬老" if kind == "activity" else "一位老人想要一副老花镜",
                    "hours": hours,
                    "rating": rating,
                    "occurred_at": day,
                    "status": "credited",
                    "version": 1,
                    "field_versions": {},
                    "field_writers": {},
                    "deleted": False,
                }
            )

        with_members = [c for c in communities if c in member_of]
        for _ in range(args.activities):
            community = rng.choice(with_members)
            day = datetime(YEAR, rng.randrange(1, 13), rng.randrange(1, 28), 9, tzinfo=UTC)
            hours = rng.choice((1, 1.5, 2, 3, 4))
            people = member_of[community]
            for account in rng.sample(people, min(len(people), rng.randrange(4, 13))):
                entry(account, community, "activity", hours, day)
        for _ in range(args.wishes):
            community = rng.choice(with_members)
            day = datetime(YEAR, rng.randrange(1, 13), rng.randrange(1, 28), 15, tzinfo=UTC)
            entry(
                rng.choice(member_of[community]),
                community,
                "wish",
                rng.choice((0.5, 1, 2)),
                day,
                rng.choice((3, 4, 5, 5)),
            )
        for chunk in _chunks(entries):
            db.session.execute(insert(ServiceEntry), chunk)
        db.session.execute(
            insert(User), [{"id": 1, "phone": "13800000001", "display_name": "市级管理员", "password_hash": "!"}]
        )
        db.session.execute(insert(RoleAssignment), [{"user_id": 1, "role": "admin", "org_unit_id": 1}])
        if db.session.get_bind().dialect.name == "postgresql":
            from sqlalchemy import text

            for table in ("users", "role_assignments", "member_units", "members"):
                db.session.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
                )
        db.session.commit()
        largest = max(with_members, key=lambda c: len(member_of[c]))
        return {
            "communities": len(with_members),
            "entries": len(entries),
            "largest": largest,
            "largest_members": len(member_of[largest]),
            "evaluators": member_of[largest][:20],
            "seconds": time.perf_counter() - started,
        }


def city_evaluation(communities) -> tuple[int, Counter]:
    from server.evaluation import scoring
    from server.evaluation.service import year_facts

    grades, subjects = Counter(), 0
    for community in communities:
        for subject in year_facts(community, YEAR):
            subjects += 1
            grades[(subject["kind"], scoring.grade(subject["record"]))] += 1
    return subjects, grades


def bench(url: str, kind: str, args) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select, update

    from server import create_app
    from server.evaluation.models import EvaluationBallot, EvaluationRound
    from server.extensions import db
    from server.org.models import OrgUnit
    from tests.conftest import AuthActions

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "REDIS_URL": None,
            "SECRET_KEY": "bench",
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    with app.app_context():
        upgrade()
    built = build(app, args)
    print(
        f"database          {kind}; {built['communities']} communities, {args.units:,} units, "
        f"{args.members:,} members, "
        f"{built['entries']:,} service record entries ({args.activities:,} activities, {args.wishes:,} wishes); "
        f"built in {built['seconds']:.1f} s"
    )
    with app.app_context():
        communities = list(
            db.session.scalars(select(OrgUnit.id).where(OrgUnit.kind == "community").order_by(OrgUnit.id))
        )
        city_evaluation(communities[:3])  # warm-up
        runs = []
        for number in range(1, args.runs + 1):
            started = time.perf_counter()
            subjects, grades = city_evaluation(communities)
            runs.append(time.perf_counter() - started)
            print(f"run {number}             {runs[-1]:.2f} s")
            db.session.remove()

    from server.auth.passwords import hash_password

    with app.app_context():
        from server.auth.models import User

        db.session.get(User, 1).password_hash = hash_password("bench-admin-2026")
        db.session.commit()
    admin = AuthActions(app.test_client())
    assert admin.login("13800000001", "bench-admin-2026").status_code == 200
    body = {"community_id": built["largest"], "year": YEAR, "evaluators": {"members": built["evaluators"]}}
    started = time.perf_counter()
    opened = admin.send("POST", "/api/evaluation/rounds", json=body)
    open_s = time.perf_counter() - started
    assert opened.status_code == 201, opened.get_json()
    round_id = opened.get_json()["id"]
    with app.app_context():
        found = db.session.get(EvaluationRound, round_id)
        rng = random.Random(args.seed)
        for ballot in db.session.scalars(select(EvaluationBallot).where(EvaluationBallot.round_id == round_id)):
            scores = {
                s["key"]: rng.choice((95, 82, 67, 45))
                for s in found.subjects
                if ballot.evaluator_id not in s["account_ids"]
            }
            db.session.execute(
                update(EvaluationBallot)
                .where(EvaluationBallot.id == ballot.id)
                .values(scores=scores, status="submitted")
            )
        db.session.commit()
    started = time.perf_counter()
    results = admin.client.get(f"/api/evaluation/rounds/{round_id}/results")
    results_s = time.perf_counter() - started
    started = time.perf_counter()
    workbook = admin.client.get(f"/api/evaluation/rounds/{round_id}/results.xlsx")
    xlsx_s = time.perf_counter() - started
    assert results.status_code == 200 and workbook.status_code == 200

    median = statistics.median(runs)
    target = TARGETS[kind]
    print()
    print(
        f"December evaluation of the city: facts, record scores and grades of {subjects:,} units and members "
        f"(median of {len(runs)})  {median:6.2f} s   target ≤ {target:.0f} s: "
        f"{'ok' if median <= target else 'TOO SLOW'}"
    )
    print(
        f"one round: the largest community ({built['largest_members']:,} members) opened with 20 evaluators "
        f"{open_s:6.2f} s; results of 20 forms {results_s:6.2f} s; workbook ({len(workbook.data) / 1024:,.0f} KiB) "
        f"{xlsx_s:6.2f} s"
    )
    print("grades by the record alone: " + ", ".join(f"{k} {g} {n:,}" for (k, g), n in sorted(grades.items())))
    print(f"load average of the machine after the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=35_400)
    parser.add_argument("--units", type=int, default=493)
    parser.add_argument("--activities", type=int, default=9_600)
    parser.add_argument("--wishes", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--postgres", action="store_true", help="bench a fresh PostgreSQL database")
    parser.add_argument("--pg-server", default=DEFAULT_PG_SERVER, help="PostgreSQL server URL (no database)")
    parser.add_argument("--smoke", action="store_true", help="a tiny run: that the bench works, not its figures")
    args = parser.parse_args()
    if args.smoke:
        args.members, args.units, args.activities, args.wishes, args.runs = 600, 30, 120, 60, 1
    if args.postgres:
        with scratch_postgres(args.pg_server, "redgrid_evaluation") as (_admin, _names, (url,)):
            bench(url, "PostgreSQL", args)
    else:
        with scratch_sqlite("redgrid_evaluation_") as (_folder, (url,)):
            bench(url, "SQLite", args)


if __name__ == "__main__":
    main()
