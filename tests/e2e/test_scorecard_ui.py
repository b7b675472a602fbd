"""The resident's card explained (issue 15 item 5), real server and Chromium at 360×740: 帝豪花园's
resident sees the month's score with what makes it — the inspections' mean less the deductions of
that month's orders — the last months, and the orders not closed now, overdue first, with a line
saying that the score counts only that month's orders. Screenshot: test-artifacts/scorecard-*.png."""

from datetime import timedelta

from server.core import clock
from server.inspections import periods
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_shell import sign_in
from tests.server.inspections_support import inspection, rectification

RESIDENT = "13800000007"  # the world's resident, of 帝豪花园


def test_the_residents_card_explains_its_score_and_lists_the_open_orders(app, db, iw, live_server, phones):
    now = clock.now()
    month_start = periods.month_bounds(periods.month_of(now))[0]
    this_month = month_start + (now - month_start) / 2  # inside this month, before now
    earlier = month_start - timedelta(days=20)  # last month
    first = inspection(iw.dihao, iw.template_id, 96.0, this_month, iw.yuanhang)
    inspection(iw.dihao, iw.template_id, 90.0, this_month, iw.yuanhang)
    rectification(first, iw.dihao, this_month, status="responded", reopenings=1, company_id=iw.yuanhang)
    old = inspection(iw.dihao, iw.template_id, 70.0, earlier, iw.yuanhang)
    rectification(old, iw.dihao, earlier, overdue=True, company_id=iw.yuanhang)  # last month's, escalated
    db.session.commit()

    _, page = phones()
    sign_in(page, live_server, RESIDENT)
    card = page.locator("[data-testid=scorecard][data-kind=compound]")
    card.wait_for()
    month = int(periods.month_of(now)[5:])
    # 93 = mean 93 less 1 for this month's reopening; last month's overdue order costs this month nothing
    assert card.get_by_test_id("scorecard-score").inner_text() == f"{month}月得分 92.0"
    how = card.get_by_test_id("scorecard-how").inner_text()
    assert f"{month}月共检查 2 次，平均 93.0 分" in how and "逾期 0 张" in how and "退回整改 1 次" in how
    months = card.get_by_test_id("scorecard-trend").locator("li")
    assert months.count() == 6 and months.last.inner_text().replace("\n", " ") == f"{month}月 92.0"
    assert "68.0" in months.nth(4).inner_text()  # last month: 70 less 2 for its order that went overdue
    assert card.get_by_test_id("scorecard-open").inner_text() == "现在未完成的整改 2 张，其中逾期 1 张"
    orders = card.get_by_test_id("scorecard-order")
    assert orders.count() == 2
    assert orders.first.get_attribute("data-overdue") == "true" and "逾期，已上报社区" in orders.first.inner_text()
    assert "已回复，待复查" in orders.nth(1).inner_text()
    assert "只扣当月检查产生的整改单" in card.get_by_test_id("scorecard-note").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(ARTIFACTS / "scorecard-resident.png"))
