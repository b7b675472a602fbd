"""Exports and the monthly report in the browser (issue 16 item 5), real server and Chromium: 河西社区's
admin filters the task list and clicks 导出 Excel at the desk (the workbook holds the rows the list
counts), the field reports' and the needs' 导出 Excel at 360 px; then opens 社区月度报告 from home, chooses the month
and reads the printable page, checked by axe at both widths. Screenshots: /tmp/redgrid-shots/exports-*.png."""

import io
import uuid
from datetime import UTC, datetime

import openpyxl

from server.extensions import db
from server.tasks.need_models import Need
from tests.e2e.admin_desk import admin_signs_in, shoot
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DESK, PHONE
from tests.factories import rid
from tests.server.tasks_support import HEXI_ADMIN, WORKER_A, create, new_task, push_one, signed_in


def test_the_admin_exports_the_lists_and_prints_the_monthly_report(app, world, live_server, desk_page):
    admin = signed_in(app, HEXI_ADMIN)
    for i in range(3):
        new_task(admin, "grid", world.g1, title=f"入户走访{i}")
    new_task(admin, "grid", world.g2, title="核实住户信息", type="verify")
    worker = signed_in(app, WORKER_A)
    values = {"category": "safety", "description": "楼道堆放杂物", "grid_id": world.g1}
    assert push_one(worker, create("field_report", rid("r-1"), **values))["status"] == "applied"

    page = desk_page
    admin_signs_in(page, live_server)
    page.evaluate("location.hash = '#/admin/tasks'")
    page.get_by_test_id("admin-task-open").first.wait_for()
    page.get_by_test_id("filter-type").select_option("visit")
    page.locator("[data-testid=admin-task-count]", has_text="3").wait_for()
    with page.expect_download() as download:
        page.get_by_test_id("admin-tasks-export").click()
    assert download.value.suggested_filename.startswith("任务列表-")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    titles = sorted(row[1] for row in list(book.worksheets[0].values)[1:])
    assert titles == ["入户走访0", "入户走访1", "入户走访2"]
    assert ("类型", "入户走访") in [tuple(r[:2]) for r in book.worksheets[1].values]
    shoot(page, "tasks", prefix="exports")

    page.set_viewport_size(PHONE)
    page.evaluate("location.hash = '#/admin/reports'")
    page.get_by_test_id("reports-export").wait_for()
    with page.expect_download() as download:
        page.get_by_test_id("reports-export").click()
    rows = list(openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0].values)
    assert [r[2] for r in rows[1:]] == ["楼道堆放杂物"]

    # 诉求督办's export: the server's copy of the needs the queue lists from the phone.
    with app.app_context():
        db.session.add(
            Need(
                id=str(uuid.uuid4()),
                user_id=world.resident,
                household_id=world.hh_hexi1[0],
                category="repair",
                text="楼道灯坏了",
                status="received",
                grid_id=world.g1,
                community_id=world.hexi,
                created_at=datetime.now(UTC),
                version=1,
                field_versions={},
                field_writers={},
            )
        )
        db.session.commit()
    page.evaluate("location.hash = '#/admin/needs'")
    page.get_by_test_id("need-export-open").wait_for()
    with page.expect_download() as download:
        page.get_by_test_id("need-export-open").click()
    assert download.value.suggested_filename.startswith("居民诉求-")
    rows = list(openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0].values)
    assert [(r[2], r[3], r[7]) for r in rows[1:]] == [("设施维修", "楼道灯坏了", "已接收")]

    page.evaluate("location.hash = '#/'")
    page.get_by_test_id("admin-monthly-open").click()
    page.get_by_test_id("monthly-choose").wait_for()
    assert_accessible(page, "/reports/monthly at 360 px")
    page.get_by_role("button", name="查看").click()
    page.get_by_test_id("monthly-report").wait_for()
    assert page.get_by_test_id("report-community").inner_text() == "河西社区"
    tasks = page.locator("[data-section=tasks]")
    assert "本月派发" in tasks.inner_text() and tasks.locator("tfoot").first.inner_text().split()[:2] == ["合计", "4"]
    assert page.locator("nav.actions").is_visible()
    assert_accessible(page, "the monthly report at 360 px")
    page.set_viewport_size(DESK)
    assert_accessible(page, "the monthly report at desk width")
    page.emulate_media(media="print")
    assert not page.locator("nav.actions").is_visible()  # no buttons on paper
    page.emulate_media(media="screen")
    shoot(page, "monthly", prefix="exports")
