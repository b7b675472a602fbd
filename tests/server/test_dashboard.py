"""The dashboards of org units (PROTOCOL.md §26): every figure of a street's and a community's
dashboard equals a count made here, independently, from the records the factories made (seeded
random tasks, field reports, needs, inspections and orders, alert receipts, service hours); who may
open which dashboard; the period."""

import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from server.core import clock
from server.extensions import db
from server.tasks.need_stats import figures_of, with_rates
from tests import factories as f
from tests.server.tasks_support import HEXI_ADMIN, ROOT_ADMIN, WORKER_A, WORKER_B, signed_in

NOW = datetime(2026, 12, 5, 4, 0, tzinfo=UTC)
NOVEMBER = (datetime(2026, 10, 31, 16, 0, tzinfo=UTC), datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # China time
STREET_ADMIN = "13800000090"
OPEN = ("assigned", "in_progress")


def _when(rng):
    """An instant between mid-October and now."""
    return NOW - timedelta(hours=rng.randint(1, 50 * 24))


@pytest.fixture
def records(app, world):
    """Seeded random records in 文峰街道 (河西: G1, G2; 七里店: G3) and beyond it (帝豪, G4); the specs kept."""
    rng = random.Random(16)
    w = world
    grid_community = {w.g1: w.hexi, w.g2: w.hexi, w.g3: w.qilidian, w.g4: w.dihao_community}
    households = {w.g1: w.hh_hexi1[0], w.g2: w.hh_wenfeng1[0], w.g3: w.hh_qili1[0], w.g4: w.hh_dihao1[0]}
    kept = {"tasks": [], "reports": [], "needs": [], "inspections": [], "orders": [], "receipts": [], "hours": []}
    with app.app_context():
        f.user("文峰街道管理员", [("admin", "org_unit_id", w.wenfeng)], phone=STREET_ADMIN)
        for _ in range(80):
            grid = rng.choice(list(grid_community))
            status = rng.choice(("assigned", "in_progress", "done", "done", "unable", "cancelled"))
            created = _when(rng)
            due = created + timedelta(days=rng.randint(1, 20)) if rng.random() < 0.8 else None
            finished = created + timedelta(days=rng.randint(0, 10)) if status == "done" else None
            deleted = rng.random() < 0.05
            f.task(grid, status, created_at=created, due_at=due, finished_at=finished, deleted=deleted)
            if not deleted:
                kept["tasks"].append((grid, status, created, due, finished))
        for _ in range(40):
            grid = rng.choice(list(grid_community))
            status, created = rng.choice(("new", "converted", "dismissed")), _when(rng)
            f.field_report(grid, status, created_at=created)
            kept["reports"].append((grid, status, created))
        for _ in range(60):
            grid = rng.choice(list(grid_community))
            created = _when(rng)
            accepted = created + timedelta(hours=rng.randint(1, 4)) if rng.random() < 0.7 else None
            status = (
                rng.choice(("received", "in_progress", "resolved", "resolved", "referred")) if accepted else "received"
            )
            resolved = created + timedelta(hours=rng.randint(5, 100)) if status == "resolved" else None
            spec = SimpleNamespace(
                grid_id=None if rng.random() < 0.2 else grid,
                community_id=grid_community[grid],
                status=status,
                created_at=created,
                respond_by=created + timedelta(hours=2),
                resolve_by=created + timedelta(hours=72),
                accepted_at=accepted,
                resolved_at=resolved,
                rating=rng.choice((None, 1, 3, 4, 5)) if status == "resolved" else None,
                escalated=rng.random() < 0.2,
            )
            f.need(w.resident, households[grid], **vars(spec))
            kept["needs"].append(spec)
        template = f.inspection_template()
        compounds = {w.hexi_xiaoqu: w.wanjia, w.wenfeng_yuan: w.wanjia, w.qilidian_yuan: None, w.dihao: w.yuanhang}
        for _ in range(30):
            compound = rng.choice(list(compounds))
            submitted, score = _when(rng), float(rng.randint(50, 100))
            row = f.inspection(compound, template, submitted_at=submitted, score=score, max_score=100.0)
            kept["inspections"].append((compound, submitted, score))
            for _ in range(rng.randint(0, 2)):
                status = rng.choice(("open", "responded", "reopened", "closed"))
                deadline = NOW + timedelta(days=rng.randint(-5, 5))
                f.order(row, compounds[compound], status=status, deadline_at=deadline)
                kept["orders"].append((compound, compounds[compound], status, deadline))
        author = w.root_admin
        people = {w.worker_a: {w.g1}, w.worker_b: {w.g2}, w.hexi_admin: {w.hexi}, w.resident: {w.dihao_community, w.g4}}
        for _ in range(6):
            alert = f.alert(author, sent_at=_when(rng))
            for person in people:
                if rng.random() < 0.8:
                    created = _when(rng)
                    delivered = created if rng.random() < 0.6 else None
                    read = created if rng.random() < 0.4 else None
                    f.alert_receipt(alert, person, delivered_at=delivered, created_at=created, read_at=read)
                    kept["receipts"].append((people[person], created, bool(delivered or read), bool(read)))
        volunteers = [w.volunteer, w.worker_a, w.resident]
        for _ in range(30):
            community = rng.choice((w.hexi, w.qilidian, w.dihao_community))
            person, hours, occurred = rng.choice(volunteers), rng.choice((0.5, 1.0, 2.5)), _when(rng)
            status = rng.choice(("credited", "credited", "revoked"))
            f.service_entry(person, community, hours, occurred, status=status)
            kept["hours"].append((community, person, hours, occurred, status))
        db.session.commit()
    return world, kept


def _get(auth, unit, period=None):
    with clock.at(NOW):
        return auth.send("GET", f"/api/dashboard/{unit}", query_string={"period": period} if period else {})


def _sections(body):
    return {s["key"]: s for s in body["sections"]}


def test_every_figure_of_the_street_is_counted_as_the_records_say(app, records):
    w, kept = records
    body = _get(signed_in(app, STREET_ADMIN), w.wenfeng, "2026-11")
    assert body.status_code == 200, body.get_json()
    body = body.get_json()
    start, end = NOVEMBER
    assert [c["name"] for c in body["children"]] == ["河西社区", "七里店社区"]
    community_of = {w.g1: w.hexi, w.g2: w.hexi, w.g3: w.qilidian, w.hexi: w.hexi, w.qilidian: w.qilidian}
    got = _sections(body)
    children = (w.hexi, w.qilidian)

    def check(key, per_child):
        """per_child: fn(child id) -> expected figures; the total the sum (counts) unless given."""
        section = got[key]
        for child in children:
            assert {k: section["units"][str(child)][k] for k in per_child(child)} == per_child(child), (key, child)

    # Tasks: given out / done in November, open and overdue now.
    def tasks(child):
        rows = [t for t in kept["tasks"] if community_of.get(t[0]) == child]
        return {
            "created": sum(start <= t[2] < end for t in rows),
            "done": sum(t[1] == "done" and start <= t[4] < end for t in rows),
            "open": sum(t[1] in OPEN for t in rows),
            "overdue": sum(t[1] in OPEN and t[3] is not None and t[3] < NOW for t in rows),
        }

    check("tasks", tasks)
    assert got["tasks"]["total"] == {k: sum(tasks(c)[k] for c in children) for k in tasks(w.hexi)}
    hexi_links = got["tasks"]["links"]["units"][str(w.hexi)]
    assert hexi_links["done"] == f"#/admin/tasks?unit={w.hexi}&status=done&finished=2026-11"
    assert hexi_links["overdue"] == f"#/admin/tasks?unit={w.hexi}&overdue=1"

    def reports(child):
        rows = [r for r in kept["reports"] if community_of.get(r[0]) == child and start <= r[2] < end]
        return {
            "reported": len(rows),
            "new": sum(r[1] == "new" for r in rows),
            "handled": sum(r[1] != "new" for r in rows),
        }

    check("reports", reports)

    def needs(child):
        counts = None
        for n in kept["needs"]:
            if n.community_id == child and start <= n.created_at < end:
                part = figures_of(n, NOW)
                counts = part if counts is None else {k: counts[k] + part[k] for k in part}
        return with_rates(counts or dict.fromkeys(figures_of(kept["needs"][0], NOW), 0))

    check("needs", needs)
    assert any(needs(c)["response_rate"] not in (None, 0, 1) for c in children)  # a rate worth comparing

    compound_community = {w.hexi_xiaoqu: w.hexi, w.wenfeng_yuan: w.hexi, w.qilidian_yuan: w.qilidian}

    def inspections(child):
        rows = [i for i in kept["inspections"] if compound_community.get(i[0]) == child and start <= i[1] < end]
        orders = [o for o in kept["orders"] if compound_community.get(o[0]) == child and o[2] != "closed"]
        return {
            "inspections": len(rows),
            "mean_score": round(sum(i[2] for i in rows) / len(rows), 1) if rows else None,
            "open_orders": len(orders),
            "overdue_orders": sum(o[3] < NOW for o in orders),
        }

    check("inspections", inspections)
    companies = {row["id"]: row for row in got["inspections"]["groups"][0]["rows"]}
    wanjia = [o for o in kept["orders"] if o[1] == w.wanjia and o[2] != "closed"]
    assert (
        companies[w.wanjia]["open_orders"] == len(wanjia) and w.yuanhang not in companies
    )  # 帝豪 is not this street's
    assert companies[w.wanjia]["overdue_orders"] == sum(o[3] < NOW for o in wanjia)

    def alerts(child):
        rows = [r for r in kept["receipts"] if any(community_of.get(u) == child for u in r[0]) and start <= r[1] < end]
        return {"sent": len(rows), "delivered": sum(r[2] for r in rows), "read": sum(r[3] for r in rows)}

    check("alerts", alerts)
    assert got["alerts"]["total"]["sent"] == sum(alerts(c)["sent"] for c in children)

    def service(child):
        rows = [h for h in kept["hours"] if h[0] == child and h[4] == "credited" and start <= h[3] < end]
        return {"hours": sum(h[2] for h in rows), "people": len({h[1] for h in rows})}

    check("service", service)
    street_rows = [h for h in kept["hours"] if h[0] in children and h[4] == "credited" and start <= h[3] < end]
    assert got["service"]["total"]["people"] == len({h[1] for h in street_rows})


def test_a_community_counts_by_its_grids(app, records):
    """河西: G1 and G2; a need in no grid and a compound no grid covers whole count in the total only."""
    w, kept = records
    body = _get(signed_in(app, HEXI_ADMIN), w.hexi, "30d").get_json()
    start, end = NOW - timedelta(days=30), NOW
    assert [c["id"] for c in body["children"]] == [w.g1, w.g2] and body["period"]["text"] == "30d"
    got = _sections(body)
    for grid in (w.g1, w.g2):
        rows = [t for t in kept["tasks"] if t[0] == grid]
        assert got["tasks"]["units"][str(grid)]["created"] == sum(start <= t[2] < end for t in rows)
        assert got["tasks"]["links"]["units"][str(grid)]["open"] == f"#/admin/tasks?grid={grid}&open=1"
        needs = [n for n in kept["needs"] if n.grid_id == grid and start <= n.created_at < end]
        assert got["needs"]["units"][str(grid)]["count"] == len(needs)
    hexi_needs = [n for n in kept["needs"] if n.community_id == w.hexi and start <= n.created_at < end]
    assert got["needs"]["total"]["count"] == len(hexi_needs)
    g1_inspections = [i for i in kept["inspections"] if i[0] == w.hexi_xiaoqu and start <= i[1] < end]
    assert got["inspections"]["units"][str(w.g1)]["inspections"] == len(g1_inspections)
    assert got["inspections"]["units"][str(w.g2)]["inspections"] == 0  # G2 covers a building, not 文峰苑
    whole = [i for i in kept["inspections"] if i[0] in (w.hexi_xiaoqu, w.wenfeng_yuan) and start <= i[1] < end]
    assert got["inspections"]["total"]["inspections"] == len(whole)
    assert [p["id"] for p in body["path"]] == []  # nothing above 河西 is this admin's
    grid = _get(signed_in(app, WORKER_A), w.g1, "30d").get_json()  # a grid: its totals, no table
    assert grid["children"] == [] and grid["unit"]["kind"] == "grid"
    assert _sections(grid)["tasks"]["total"] == got["tasks"]["units"][str(w.g1)]
    assert _sections(grid)["needs"]["total"]["count"] == got["needs"]["units"][str(w.g1)]["count"]


def test_who_may_open_which_dashboard(app, records):
    w, _kept = records
    hexi = signed_in(app, HEXI_ADMIN)
    for unit in (w.qilidian, w.wenfeng, w.g3, 999999):  # another community, the street above, their grid, none
        response = _get(hexi, unit)
        assert response.status_code == 404, unit
        assert response.get_json()["error"]["code"] == _get(hexi, 999999).get_json()["error"]["code"]
    assert _get(hexi, w.g2).status_code == 200
    worker = signed_in(app, WORKER_A)
    assert _get(worker, w.g1).status_code == 200 and _get(worker, w.hexi).status_code == 404
    assert _get(signed_in(app, WORKER_B), w.g1).status_code == 404
    resident = signed_in(app, "13800000007")
    assert _get(resident, w.dihao_community).status_code == 403
    street = signed_in(app, STREET_ADMIN)
    with clock.at(NOW):
        own = street.send("GET", "/api/dashboard").get_json()
    assert own["unit"]["id"] == w.wenfeng


def test_the_way_up_is_what_the_admin_may_open(app, records):
    w, _kept = records
    root = _get(signed_in(app, ROOT_ADMIN), w.hexi).get_json()
    assert [p["name"] for p in root["path"]] == ["许昌市", "魏都区", "文峰街道"]


@pytest.mark.parametrize("period", ["2026-13", "2027-01", "yesterday", "30", "2026-1", "x" * 11, "2026-11\x00"])
def test_a_bad_period_is_422(app, records, period):
    w, _kept = records
    response = _get(signed_in(app, HEXI_ADMIN), w.hexi, period)
    assert response.status_code == 422, period
    assert "period" in response.get_json()["error"]["fields"]


def test_the_periods(app, records):
    w, kept = records
    admin = signed_in(app, HEXI_ADMIN)

    def created(period, start):
        got = _sections(_get(admin, w.hexi, period).get_json())["tasks"]["total"]["created"]
        return got, sum(t[0] in (w.g1, w.g2) and start <= t[2] < NOW for t in kept["tasks"])

    assert created("7d", NOW - timedelta(days=7))[0] == created("7d", NOW - timedelta(days=7))[1]
    december = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    got, expected = created("month", december)
    assert got == expected and expected > 0
    body = _get(admin, w.hexi, "2026-12").get_json()
    assert body["period"]["end"].startswith("2026-12-05T04:00")  # a month not ended: to now


def test_the_task_list_filters_open_tasks_as_the_dashboard_links_to_them(app, records):
    """GET /api/tasks?open=true (added for the dashboards' 待办): assigned or in progress; false: the others."""
    w, kept = records
    admin = signed_in(app, HEXI_ADMIN)
    hexi = [t for t in kept["tasks"] if t[0] in (w.g1, w.g2)]
    for flag, expected in (("true", sum(t[1] in OPEN for t in hexi)), ("false", sum(t[1] not in OPEN for t in hexi))):
        body = admin.send("GET", "/api/tasks", query_string={"open": flag, "org_unit_id": w.hexi, "per_page": 200})
        assert body.status_code == 200 and body.get_json()["total"] == expected, flag
    g1_open = admin.send("GET", "/api/tasks", query_string={"open": "true", "grid_id": w.g1, "per_page": 200})
    assert {t["status"] for t in g1_open.get_json()["items"]} <= set(OPEN)
    assert g1_open.get_json()["total"] == sum(t[0] == w.g1 and t[1] in OPEN for t in kept["tasks"])
