"""Exports of the admin's lists (PROTOCOL.md §24): each workbook holds the list's rows for the same
filters and scope, every page; another jurisdiction is refused as the list refuses it; a cap. The
monthly report of a community (联席会议) shows the figures the domains count."""

import io
import uuid
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from server.alerts.models import Alert
from server.audit.models import AuditEntry
from server.core import clock
from server.extensions import db
from server.ledger.models import ServiceEntry
from server.tasks.models import FieldReport, Task
from server.tasks.need_models import Need
from tests.factories import rid, unit_member
from tests.server.inspections_support import inspection_world, scored_november
from tests.server.tasks_support import (
    HEXI_ADMIN,
    ROOT_ADMIN,
    WORKER_A,
    WORKER_B,
    create,
    later,
    new_task,
    push_one,
    signed_in,
)


@pytest.fixture
def admin(app, world):
    return signed_in(app, HEXI_ADMIN)


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.get_data()))


def rows_of(book, index=0) -> list[tuple]:
    return list(book.worksheets[index].iter_rows(values_only=True))


def listed(auth, path, query) -> list[dict]:
    """Every row of a paged list, page by page (per_page 2: the export must not stop at a page)."""
    out, page = [], 1
    while True:
        body = auth.send("GET", f"{path}?{query}&page={page}&per_page=2").get_json()
        out += body["items"]
        if page * 2 >= body["total"]:
            return out
        page += 1


def filename_of(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return unquote(disposition.split("filename*=UTF-8''")[1])


def test_the_tasks_export_has_the_lists_rows_for_the_same_filters(admin, world):
    made = [new_task(admin, "grid", world.g1, title=f"走访{i}", due_at=later(days=i + 1)) for i in range(5)]
    new_task(admin, "grid", world.g2, title="=1+1 核实", type="verify")
    for query in (f"org_unit_id={world.hexi}", f"grid_id={world.g1}&type=visit", "type=verify", "q=走访"):
        rows = listed(admin, "/api/tasks", query)
        response = admin.send("GET", f"/api/tasks/export.xlsx?{query}")
        book = workbook(response)
        header, *body = rows_of(book)
        assert header[:4] == ("编号", "标题", "类型", "状态")
        assert [r[0] for r in body] == [t["id"] for t in rows], query
        assert [r[1] for r in body] == [t["title"] for t in rows]
        assert {r[2] for r in body} <= {"入户走访", "信息核实"} and {r[3] for r in body} == {"待开始"}
        assert book.worksheets[1].title == "筛选条件"
        assert filename_of(response).startswith("任务列表-") and filename_of(response).endswith(".xlsx")
    # Beijing time, not UTC; a formula-looking title stays text.
    book = workbook(admin.send("GET", f"/api/tasks/export.xlsx?grid_id={world.g1}"))
    header, *body = rows_of(book)
    first = next(r for r in body if r[0] == made[0]["id"])
    due = header.index("截止时间")
    utc = datetime.fromisoformat(made[0]["due_at"].replace("Z", "+00:00"))
    assert first[due] == (utc + timedelta(hours=8)).replace(tzinfo=None, microsecond=0)
    book = workbook(admin.send("GET", "/api/tasks/export.xlsx?type=verify"))
    assert rows_of(book)[1][1] == "=1+1 核实" and book.worksheets[0]["B2"].data_type == "s"
    filters = dict(rows_of(workbook(admin.send("GET", f"/api/tasks/export.xlsx?type=verify&grid_id={world.g2}")), 1))
    assert (filters["类型"], filters["网格"], filters["记录数"]) == ("信息核实", "河西社区第二网格", 1)


def test_the_exports_speak_english_and_refuse_what_the_list_refuses(app, admin, world):
    new_task(admin, "grid", world.g1)
    # Another community's subtree: the list says 404, so does the export; bad filters 422 both.
    for query in (f"org_unit_id={world.dihao_community}", "status=lost"):
        listed_status = admin.send("GET", f"/api/tasks?{query}").status_code
        assert listed_status in (404, 422)
        assert admin.send("GET", f"/api/tasks/export.xlsx?{query}").status_code == listed_status
    # A grid worker's export is their grids' tasks, as their list is.
    worker = signed_in(app, WORKER_B)
    assert rows_of(workbook(worker.send("GET", "/api/tasks/export.xlsx")))[1:] == []
    # A control character a workbook cannot hold is dropped from what is written (here the filter).
    filters = dict(rows_of(workbook(admin.send("GET", "/api/tasks/export.xlsx?q=%01入户%1F")), 1))
    assert filters["标题包含"] == "入户"
    # The list's page in the query string is ignored: every row.
    assert len(rows_of(workbook(admin.send("GET", "/api/tasks/export.xlsx?page=2&per_page=1")))) == 2
    signed_out = app.test_client().get("/api/tasks/export.xlsx")
    assert signed_out.status_code == 401
    assert admin.send("PATCH", "/api/me", json={"locale": "en"}).status_code == 200
    response = admin.send("GET", "/api/tasks/export.xlsx")
    header = rows_of(workbook(response))[0]
    assert header[:4] == ("ID", "Title", "Type", "Status")


def test_an_export_above_the_cap_is_refused_with_its_reason(app, admin, world):
    for i in range(3):
        new_task(admin, "grid", world.g1, title=f"走访{i}")
    app.config["EXPORT_MAX_ROWS"] = 2
    try:
        response = admin.send("GET", "/api/tasks/export.xlsx")
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "export_too_large" and "3" in error["message"] and "2" in error["message"]
        assert workbook(admin.send("GET", "/api/tasks/export.xlsx?q=走访1"))
    finally:
        app.config["EXPORT_MAX_ROWS"] = 100_000


def test_the_field_reports_export_has_the_queues_rows(app, admin, world):
    worker = signed_in(app, WORKER_A)
    for i, category in enumerate(("safety", "sanitation", "safety")):
        values = {"category": category, "description": f"问题{i}", "grid_id": world.g1}
        assert push_one(worker, create("field_report", rid(f"r-{i}"), **values))["status"] == "applied"
    for query in ("status=new", "status=all&category=safety", f"grid_id={world.g1}"):
        rows = listed(admin, "/api/field-reports", query)
        book = workbook(admin.send("GET", f"/api/field-reports/export.xlsx?{query}"))
        header, *body = rows_of(book)
        assert [r[0] for r in body] == [r["id"] for r in rows] and len(body) >= 2
        assert [r[header.index("描述")] for r in body] == [r["description"] for r in rows]
    assert admin.send("GET", f"/api/field-reports/export.xlsx?org_unit_id={world.dihao_community}").status_code == 404


# --- the monthly report ------------------------------------------------------------------------


def this_month() -> str:
    return (datetime.now(UTC) + timedelta(hours=8)).strftime("%Y-%m")


def test_the_monthly_report_opens_for_the_communitys_admins_only(app, admin, world):
    page = admin.send("GET", f"/reports/community/{world.hexi}/{this_month()}")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    text = page.get_data(as_text=True)
    assert "河西社区" in text and "月度工作报告" in text
    for key in ("tasks", "needs", "inspections", "alerts", "service"):
        assert f'data-section="{key}"' in text, key
    # Another community: 404 (as every list answers outside the jurisdiction); a worker: 403.
    assert admin.send("GET", f"/reports/community/{world.dihao_community}/{this_month()}").status_code == 404
    assert admin.send("GET", f"/reports/community/{world.g1}/{this_month()}").status_code == 404
    assert signed_in(app, WORKER_A).send("GET", f"/reports/community/{world.hexi}/{this_month()}").status_code == 403
    for bad in ("2026-13", "26-11", "2999-01"):
        response = admin.send("GET", f"/reports/community/{world.hexi}/{bad}")
        assert response.status_code == 422 and "month" in response.get_json()["error"]["fields"], bad
    chooser = admin.send("GET", "/reports/monthly")
    assert chooser.status_code == 200 and "河西社区" in chooser.get_data(as_text=True)
    assert "帝豪社区" not in chooser.get_data(as_text=True)
    jump = admin.send("GET", f"/reports/monthly?community={world.hexi}&month=2026-11")
    assert jump.status_code == 302 and jump.headers["Location"].endswith(f"/reports/community/{world.hexi}/2026-11")


class Report(HTMLParser):
    """The report page read back: per section, its figures {label: value} and its tables
    {caption: [[cell, …], …]} (header, body and total rows)."""

    def __init__(self, text):
        super().__init__()
        self.sections, self.section, self.cell, self.row, self.table = {}, None, None, None, None
        self.caption, self.in_caption, self.in_b, self.value = None, False, False, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-section" in attrs:
            self.section = self.sections.setdefault(attrs["data-section"], {"figures": {}, "tables": {}})
        elif self.section is None:
            return
        elif tag == "table":
            self.table = []
        elif tag == "caption":
            self.in_caption, self.caption = True, ""
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = ""
        elif tag == "li":
            self.cell, self.value = "", None
        elif tag == "b":
            self.in_b = True

    def handle_endtag(self, tag):
        if self.section is None:
            return
        if tag == "section":
            self.section = None
        elif tag == "caption":
            self.in_caption = False
        elif tag == "table":
            self.section["tables"][self.caption] = self.table
        elif tag == "tr":
            self.table.append(self.row)
        elif tag in ("td", "th"):
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "b":
            self.in_b = False
        elif tag == "li" and self.value is not None:
            self.section["figures"][self.cell.strip()] = self.value
            self.cell = None

    def handle_data(self, data):
        if self.in_caption:
            self.caption += data
        elif self.in_b:
            self.value = data.strip()
        elif self.cell is not None:
            self.cell += data


NOV = datetime(2026, 11, 15, 4, 0, tzinfo=UTC)


def _synced(model, **fields):
    return model(id=str(uuid.uuid4()), version=1, field_versions={}, field_writers={}, deleted=False, **fields)


@pytest.fixture
def november(app, world, admin):
    """河西社区's November 2026, made row by row: what each section must count is written beside it."""
    root = signed_in(app, ROOT_ADMIN)
    made = {}
    for name, grid in (
        ("t1", "g1"),
        ("t2", "g1"),
        ("t3", "g1"),
        ("t4", "g1"),
        ("t5", "g1"),
        ("t6", "g2"),
        ("t7", "g2"),
    ):
        made[name] = new_task(admin, "grid", getattr(world, grid), title=name)["id"]
    made["dihao"] = new_task(root, "grid", world.g4, title="帝豪")["id"]
    worker = signed_in(app, WORKER_A)
    for name, category in (("r1", "safety"), ("r2", "safety"), ("r3", "sanitation"), ("r4", "safety")):
        made[name] = rid(name)
        values = {"category": category, "description": name, "grid_id": world.g1}
        assert push_one(worker, create("field_report", made[name], **values))["status"] == "applied"
    day = lambda d, h=4: datetime(2026, 11, d, h, 0, tzinfo=UTC)  # noqa: E731
    october, december = datetime(2026, 10, 20, 4, tzinfo=UTC), datetime(2026, 12, 2, 4, tzinfo=UTC)
    tasks = {
        # created, status, due, finished: g1 gives out 3, does 3 (one late: t2), one overdue (t3)
        "t1": (day(3), "done", day(20), day(16)),
        "t2": (day(4), "done", day(17), day(18)),
        "t3": (day(5), "assigned", day(20), None),
        "t4": (october, "in_progress", datetime(2026, 12, 30, tzinfo=UTC), None),  # due after the month
        "t5": (october, "done", day(5), day(3)),  # done in November, given out before
        # g2 gives out 2, does none in November
        "t6": (day(6), "done", day(28), december),
        "t7": (day(7), "cancelled", day(8), None),
        "dihao": (day(7), "assigned", day(8), None),  # another community's
    }
    reports = {"r1": (day(2), "converted"), "r2": (day(9), "new"), "r3": (day(10), "dismissed"), "r4": (october, "new")}
    with app.app_context():
        for name, (created, status, due, finished) in tasks.items():
            task = db.session.get(Task, made[name])
            task.created_at, task.status, task.due_at, task.finished_at = created, status, due, finished
        for name, (created, status) in reports.items():
            report = db.session.get(FieldReport, made[name])
            report.created_at, report.status = created, status
        # Needs: 3 received (respond within 2 h, resolve within 72 h); rates 1/3, 1/3, 1/2.
        for grid, status, accepted, resolved, rating in (
            (world.g1, "resolved", 1, 30, 5),  # on time twice, satisfied
            (world.g1, "received", None, None, None),  # never answered
            (world.g2, "resolved", 3, 80, 3),  # late twice, not satisfied
        ):
            db.session.add(
                _synced(
                    Need,
                    user_id=world.resident,
                    household_id=world.hh_hexi1[0],
                    category="repair",
                    text="x",
                    status=status,
                    grid_id=grid,
                    community_id=world.hexi,
                    respond_by=day(1, 6),
                    resolve_by=day(4, 4),
                    accepted_at=None if accepted is None else day(1, 4 + accepted),
                    resolved_at=None if resolved is None else day(1, 4) + timedelta(hours=resolved),
                    rating=rating,
                    created_at=day(1, 4),
                )
            )
        # Alerts: sent in November and reaching 河西 — three, 113 people.
        for targeting, category, sent, recipients in (
            ({"org_unit_ids": [world.hexi]}, "utility", day(10), 10),
            ({"org_unit_ids": [world.city]}, "weather", day(11), 100),
            ({"grid_ids": [world.g2]}, "safety", day(12), 3),
            ({"compound_ids": [world.dihao]}, "safety", day(12), 50),  # elsewhere
            ({"org_unit_ids": [world.hexi]}, "utility", october, 7),  # October
            ({"org_unit_ids": [world.hexi]}, "utility", None, 9),  # never sent
        ):
            db.session.add(
                Alert(
                    title="通知",
                    body="x",
                    category=category,
                    targeting=targeting,
                    status="sent" if sent else "draft",
                    author_id=world.hexi_admin,
                    recipients=recipients,
                    sent_at=sent,
                )
            )
        # Service: 6.5 hours by two people in three entries, rated 5 and 4.
        for account, kind, hours, rating, community, at, status in (
            (world.volunteer, "activity", 2.5, 5, world.hexi, day(3), "credited"),
            (world.volunteer, "wish", 1.0, None, world.hexi, day(4), "credited"),
            (world.worker_a, "activity", 3.0, 4, world.hexi, day(5), "credited"),
            (world.worker_a, "activity", 4.0, None, world.hexi, october, "credited"),
            (world.worker_a, "activity", 4.0, None, world.qilidian, day(5), "credited"),
            (world.worker_b, "activity", 4.0, None, world.hexi, day(5), "voided"),
        ):
            db.session.add(
                _synced(
                    ServiceEntry,
                    account_id=account,
                    community_id=community,
                    kind=kind,
                    source_id=str(uuid.uuid4()),
                    title="服务",
                    hours=hours,
                    rating=rating,
                    occurred_at=at,
                    status=status,
                )
            )
        db.session.commit()
        scored_november(inspection_world(world))
    return made


def test_the_monthly_reports_figures_are_the_months(admin, world, november):
    page = admin.send("GET", f"/reports/community/{world.hexi}/2026-11")
    assert page.status_code == 200
    report = Report(page.get_data(as_text=True))
    tasks = report.sections["tasks"]
    assert tasks["figures"] == {
        "本月派发": "5",
        "本月完成": "3",
        "其中逾期完成": "1",
        "逾期未完成": "1",
        "问题上报": "3",
    }
    header, g1, g2, total = tasks["tables"]["各网格任务"]
    assert header == ["网格", "本月派发", "本月完成", "其中逾期完成", "逾期未完成", "按时完成率"]
    assert g1 == ["河西社区第一网格", "3", "3", "1", "1", "66.7%"]
    assert g2 == ["河西社区第二网格", "2", "0", "0", "0", "—"]
    assert total == ["合计", "5", "3", "1", "1", "66.7%"]
    assert tasks["tables"]["问题上报（按类别）"][1:] == [
        ["环境卫生", "1", "0", "1", "0"],
        ["安全隐患", "2", "1", "0", "1"],
        ["合计", "3", "1", "1", "1"],
    ]
    needs = report.sections["needs"]["figures"]
    assert needs == {"本月受理": "3", "响应率": "33.3%", "解决率": "33.3%", "满意率": "50.0%", "上报社区督办": "0"}
    inspections = report.sections["inspections"]
    assert inspections["figures"] == {"本月检查": "3", "未结整改单": "2", "逾期整改单": "2"}
    compounds = {row[0]: row[1:] for row in inspections["tables"]["各小区评分"][1:]}
    assert compounds["河西小区"] == ["许昌万家物业服务有限公司", "2", "80.0", "77.0", "★★★", "2", "2"]
    assert compounds["文峰苑"][:4] == ["许昌万家物业服务有限公司", "1", "95.0", "95.0"] and compounds["文峰苑"][
        -2:
    ] == ["0", "0"]
    assert "帝豪花园" not in compounds
    (company,) = inspections["tables"]["各物业服务企业"][1:]
    assert company == ["许昌万家物业服务有限公司", "2", "86.0", company[3], "2", "2"]
    alerts = report.sections["alerts"]
    assert alerts["figures"] == {"发出通知": "3", "送达人次": "113"}
    assert alerts["tables"]["各类通知"][1:] == [
        ["停水停电", "1", "10"],
        ["天气预警", "1", "100"],
        ["安全提醒", "1", "3"],
    ]
    service = report.sections["service"]
    assert service["figures"] == {
        "服务时长（小时）": "6.5",
        "服务人数": "2",
        "服务次数": "3",
        "居民评价（平均）": "4.50",
    }
    # Another month: nothing of November.
    october = Report(admin.send("GET", f"/reports/community/{world.hexi}/2026-10").get_data(as_text=True))
    assert october.sections["tasks"]["figures"]["本月派发"] == "2"
    assert october.sections["alerts"]["figures"] == {"发出通知": "1", "送达人次": "7"}


def test_the_alerts_export_has_all_of_mine_and_what_waits_for_me(app, admin, world):
    with app.app_context():
        for title, author, status in (
            ("停水通知", world.hexi_admin, "sent"),
            ("=SUM(A1)", world.hexi_admin, "draft"),
            ("全市通知", world.root_admin, "sent"),
        ):
            db.session.add(Alert(title=title, body="x", targeting={}, status=status, author_id=author, recipients=2))
        db.session.commit()
    for view in ("mine", "to_approve"):
        listed_ids = [a["id"] for a in admin.send("GET", f"/api/alerts?view={view}").get_json()["items"]]
        book = workbook(admin.send("GET", f"/api/alerts/export.xlsx?view={view}"))
        header, *body = rows_of(book)
        assert [r[0] for r in body] == listed_ids
    header, *body = rows_of(workbook(admin.send("GET", "/api/alerts/export.xlsx")))
    assert header[:5] == ("编号", "标题", "级别", "类别", "状态")
    assert [(r[1], r[4]) for r in body] == [("=SUM(A1)", "草稿"), ("停水通知", "已发送")]
    assert signed_in(app, WORKER_A).send("GET", "/api/alerts/export.xlsx").status_code == 403
    assert admin.send("GET", "/api/alerts/export.xlsx?view=all").status_code == 422


def test_the_reporting_export_has_the_overviews_units_and_members(app, admin, world):
    with app.app_context():
        unit_member(world.hexi, world.volunteer)
        unit_member(world.hexi, world.worker_a, name="=许昌电信党支部")
        unit_member(world.dihao_community, world.worker_b, name="帝豪物业党支部")
        db.session.commit()
    overview = admin.send("GET", f"/api/members/communities/{world.hexi}").get_json()
    response = admin.send("GET", f"/api/members/communities/{world.hexi}/export.xlsx")
    book = workbook(response)
    assert filename_of(response).startswith("河西社区报到台账-")
    assert [s.title for s in book.worksheets] == ["报到单位", "报到党员", "筛选条件"]
    header, *units = rows_of(book, 0)
    assert header[:3] == ("单位名称", "单位类型", "党组织")
    assert [(u[0], u[1]) for u in units] == [(u["name"], "企业") for u in overview["units"]]
    header, *members = rows_of(book, 1)
    assert [(m[0], m[1], m[4]) for m in members] == [
        (m["display_name"], m["unit_name"], m["phone"]) for m in overview["members"]
    ]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "members.overview_export")
            )
            == 1
        )
    # As the overview: another community's admin is refused the same way, a worker too.
    assert admin.send("GET", f"/api/members/communities/{world.dihao_community}").status_code == (
        admin.send("GET", f"/api/members/communities/{world.dihao_community}/export.xlsx").status_code
    )
    worker = signed_in(app, WORKER_B)
    assert worker.send("GET", f"/api/members/communities/{world.hexi}").status_code == (
        worker.send("GET", f"/api/members/communities/{world.hexi}/export.xlsx").status_code
    )


def test_a_months_bounds_are_beijing_midnights_on_every_database(app, admin, world):
    """A problem reported at 01:30 on 1 December in Beijing (17:30 UTC on 30 November) is
    December's: SQLite keeps an instant's wall time and drops its offset, so the month's bounds
    are compared as UTC instants."""
    worker = signed_in(app, WORKER_A)
    with clock.at(datetime(2026, 11, 30, 17, 30, tzinfo=UTC)):
        values = {"category": "safety", "description": "楼道灯不亮", "grid_id": world.g1}
        assert push_one(worker, create("field_report", rid("r-dawn"), **values))["status"] == "applied"
        new_task(admin, "grid", world.g1, title="凌晨派发")
    with clock.at(datetime(2026, 12, 20, 4, 0, tzinfo=UTC)):
        pages = {m: admin.send("GET", f"/reports/community/{world.hexi}/{m}") for m in ("2026-11", "2026-12")}
    figures = {m: Report(p.get_data(as_text=True)).sections["tasks"]["figures"] for m, p in pages.items()}
    assert (figures["2026-11"]["问题上报"], figures["2026-11"]["本月派发"]) == ("0", "0")
    assert (figures["2026-12"]["问题上报"], figures["2026-12"]["本月派发"]) == ("1", "1")
