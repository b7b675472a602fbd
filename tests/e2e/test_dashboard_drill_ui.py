"""Drill-down from 工作看板 in real Chromium (issue 16 item 4, PROTOCOL.md §26.1): 河西社区's admin taps a
grid's 新上报 on the desk (1366 wide) and gets that grid's reports of the period, the filters said in words
(网格：河西社区第一网格 ✕, 统计期间：近30天 ✕) and cleared one by one; on a 360×740 phone a grid's 诉求 opens
the needs the figure counted, closed ones too, and clearing the filters brings the queue back.
Screenshots: /tmp/redgrid-shots/drill-*.png."""

import io
from datetime import UTC, datetime, timedelta

import openpyxl

from tests import factories as f
from tests.e2e.admin_desk import admin_signs_in, shoot, text_of
from tests.e2e.conftest import PHONE, wait_until

WIDE = {"width": 1366, "height": 900}
REPORTS = "document.querySelectorAll('[data-testid=report-queue] > li:not(.empty)').length"
NEEDS = "document.querySelectorAll('[data-testid=need-filtered-list] [data-testid=need-row]').length"


def _need(world, household, grid, community, created, status="received"):
    f.need(
        world.resident,
        household,
        community_id=community,
        grid_id=grid,
        status=status,
        created_at=created,
        respond_by=created + timedelta(hours=2),
        resolve_by=created + timedelta(days=3),
        resolved_at=created + timedelta(days=1) if status == "resolved" else None,
        accepted_at=created + timedelta(hours=1) if status != "received" else None,
    )


def test_a_figure_opens_its_records_filtered_and_the_filters_clear(live_server, desk_page, db, world):
    now = datetime.now(UTC)
    w = world
    for grid, status, days in ((w.g1, "new", 1), (w.g1, "new", 3), (w.g1, "converted", 2), (w.g2, "new", 1)):
        f.field_report(grid, status, created_at=now - timedelta(days=days))
    f.field_report(w.g1, "new", created_at=now - timedelta(days=45))  # before the period
    _need(w, w.hh_hexi1[0], w.g1, w.hexi, now - timedelta(days=2), "resolved")
    _need(w, w.hh_hexi1[0], w.g1, w.hexi, now - timedelta(days=1))
    _need(w, w.hh_hexi1[0], w.g1, w.hexi, now - timedelta(days=50))  # before the period
    _need(w, w.hh_wenfeng1[0], w.g2, w.hexi, now - timedelta(days=1))
    db.session.commit()

    page = desk_page
    page.set_viewport_size(WIDE)
    admin_signs_in(page, live_server)
    page.evaluate("location.hash = '#/admin/dashboard'")
    page.get_by_test_id("dash-units").wait_for()
    g1_new = text_of(page, f"[data-testid=cell-{w.g1}-reports-new]")
    assert g1_new == "2"

    # 新上报 of 第一网格: its new reports of the last 30 days, the filters in words.
    page.get_by_test_id(f"cell-{w.g1}-reports-new").click()
    wait_until(page, f"location.hash === '#/admin/reports?grid={w.g1}&period=30d&status=new'")
    wait_until(page, f"{REPORTS} === 2")
    wait_until(page, "document.querySelector('[data-testid=filter-chip-grid]')?.textContent.includes('第一网格')")
    assert text_of(page, "[data-testid=filter-chip-grid]").startswith("网格：河西社区第一网格")
    assert text_of(page, "[data-testid=filter-chip-period]").startswith("统计期间：近30天")
    assert page.get_by_test_id("reports-new").get_attribute("aria-pressed") == "true"
    box = page.get_by_test_id("filter-clear-grid").bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    shoot(page, "reports", prefix="drill")

    page.get_by_test_id("filter-clear-grid").click()  # the community's: 第二网格's too
    wait_until(page, f"{REPORTS} === 3")
    assert "grid=" not in page.evaluate("location.hash")
    assert page.get_by_test_id("filter-chip-grid").count() == 0
    page.get_by_test_id("filter-clear-period").click()  # every new report, the old one too
    wait_until(page, f"{REPORTS} === 4")
    assert page.get_by_test_id("reports-filters").is_hidden()

    # A phone: 诉求 of 第一网格 — the two of the period, resolved or not.
    page.set_viewport_size(PHONE)
    page.evaluate("location.hash = '#/admin/dashboard'")
    page.get_by_test_id("dash-units").wait_for()
    assert text_of(page, f"[data-testid=cell-{w.g1}-needs-count]") == "2"
    page.get_by_test_id(f"cell-{w.g1}-needs-count").click()
    wait_until(page, f"location.hash === '#/admin/needs?grid={w.g1}&period=30d'")
    wait_until(page, f"{NEEDS} === 2")
    wait_until(page, "document.querySelector('[data-testid=filter-chip-grid]')?.textContent.includes('第一网格')")
    assert "共 2 条诉求" in text_of(page, "[data-testid=need-filtered-count]")
    # Its Excel export holds what the list shows: the unit and the period go with it.
    exported = page.get_by_test_id("need-export-all").get_attribute("href")
    assert exported == f"/api/needs/export.xlsx?status=all&unit={w.g1}&period=30d", exported
    with page.expect_download() as download:
        page.get_by_test_id("need-export-all").click()
    rows = list(openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0].values)
    assert len(rows[1:]) == 2, rows  # the two the list shows, not the jurisdiction's four
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "needs", prefix="drill")
    page.get_by_test_id("filter-clear-period").click()
    wait_until(page, f"{NEEDS} === 3")
    exported = page.get_by_test_id("need-export-open").get_attribute("href")
    assert exported == f"/api/needs/export.xlsx?status=open&unit={w.g1}", exported
    page.get_by_test_id("filter-clear-grid").click()  # no filter left: the queue
    page.get_by_test_id("need-open-list").wait_for()
    assert page.get_by_test_id("need-filtered").count() == 0
    assert page.evaluate("location.hash") == "#/admin/needs"
