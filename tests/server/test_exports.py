"""Exports of the admin's lists (PROTOCOL.md §25): each workbook holds the list's rows for the same
filters and scope, every page; another jurisdiction is refused as the list refuses it; a cap. The
monthly report of a community (联席会议) shows the figures the domains count."""

import io
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from tests.factories import rid
from tests.server.tasks_support import HEXI_ADMIN, WORKER_A, WORKER_B, create, later, new_task, push_one, signed_in


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
