"""The admin's desk for property-service inspections in real Chromium (issue 5): a random spot
check drawn with a seed, shown with what makes it checkable, verified by the server and drawn the
same again; a periodic plan added and this period's inspection made; the month's scorecard with
a compound's score and stars from a submitted inspection, and its workbook downloaded.
Screens are photographed at 360×740 and 1280×800 into /tmp/redgrid-shots/admin-*.png."""

from sqlalchemy import select

from server.inspections.models import Inspection, InspectionPlan, SpotCheckDraw
from tests.e2e.admin_desk import admin_signs_in, shoot, text_of
from tests.e2e.conftest import wait_until
from tests.server.inspections_support import HEXI_STEWARD, ITEMS, answers, signed_in, start, submit
from tests.server.tasks_support import photo


def test_a_spot_check_is_drawn_verified_and_drawn_the_same_again(live_server, app, desk, desk_page, db, iw):
    page = desk_page
    admin_signs_in(page, live_server)
    page.get_by_test_id("admin-spot-checks-open").click()
    page.get_by_test_id("draw-form").wait_for()
    wait_until(page, "document.querySelector('[data-testid=draw-population]').textContent.includes('2 个小区')")
    page.get_by_test_id("draw-k").fill("1")
    assert page.get_by_test_id("draw-all-warning").is_hidden()
    page.get_by_test_id("draw-seed-input").fill("红格2026")
    page.get_by_test_id("draw-submit").click()
    confirm = page.get_by_test_id("draw-confirm")  # asked first: a draw is recorded for good
    assert "2 个小区中抽取 1 个" in confirm.inner_text()
    page.get_by_test_id("draw-confirm-yes").click()
    latest = page.get_by_test_id("draw-latest")
    latest.get_by_test_id("draw").wait_for()
    assert latest.get_by_test_id("draw-seed").inner_text() == "红格2026"
    picked = latest.get_by_test_id("draw-picked").inner_text().strip()
    assert picked in ("河西小区", "文峰苑"), picked  # the compounds of 河西社区
    latest.get_by_test_id("draw-verify").click()
    wait_until(
        page,
        "document.querySelector('[data-testid=draw-latest] [data-testid=draw-verify-result]')"
        ".textContent.includes('复核一致')",
    )
    shoot(page, "spot-check")
    draw = db.session.scalars(select(SpotCheckDraw)).one()
    assert (
        draw.seed == "红格2026"
        and len(draw.picked) == 1
        and sorted(draw.population) == sorted([iw.hexi_xiaoqu, iw.wenfeng_yuan])
    )
    made = db.session.scalars(select(Inspection).where(Inspection.draw_id == draw.id)).all()
    assert [(i.kind, i.compound_id) for i in made] == [("random", draw.picked[0])]

    # The same seed over the same compounds draws the same one.
    page.get_by_test_id("draw-submit").click()
    page.get_by_test_id("draw-confirm-yes").click()
    wait_until(
        page,
        "document.querySelectorAll('[data-testid=draw-history] [data-testid=draw], .draws [data-testid=draw]')"
        ".length >= 2",
    )
    again = db.session.scalars(select(SpotCheckDraw).order_by(SpotCheckDraw.id.desc())).first()
    assert again.id != draw.id and again.picked == draw.picked


def test_a_spot_check_of_every_compound_is_said_in_words_and_asked_first(live_server, app, phone_page, db, iw):
    page = phone_page  # 360 px
    admin_signs_in(page, live_server)
    page.evaluate("location.hash = '#/admin/spot-checks'")
    page.get_by_test_id("draw-form").wait_for()
    wait_until(page, "document.querySelector('[data-testid=draw-population]').textContent.includes('2 个小区')")
    page.get_by_test_id("draw-k").fill("2")  # as many as there are: nothing random happens
    warning = page.get_by_test_id("draw-all-warning")
    assert "所有小区都会被抽中" in warning.inner_text() and "没有随机性" in warning.inner_text()
    page.get_by_test_id("draw-submit").click()
    confirm = page.get_by_test_id("draw-confirm")
    assert "没有随机性" in confirm.inner_text() and "仍然全部安排" in confirm.inner_text()
    page.screenshot(path="/tmp/redgrid-shots/admin-spot-all-360.png")
    page.get_by_test_id("draw-confirm-no").click()  # going back draws nothing
    assert confirm.count() == 0 and db.session.scalars(select(SpotCheckDraw)).all() == []
    page.get_by_test_id("draw-k").fill("3")  # more than there are: said at the field, nothing asked
    assert "超过了小区总数 2" in warning.inner_text()
    page.get_by_test_id("draw-submit").click()
    assert "超过了小区总数 2" in page.get_by_test_id("draw-k-error").inner_text()
    assert page.get_by_test_id("draw-confirm").count() == 0
    page.get_by_test_id("draw-k").fill("2")
    page.get_by_test_id("draw-submit").click()
    page.get_by_test_id("draw-confirm-yes").click()
    page.get_by_test_id("draw-latest").get_by_test_id("draw").wait_for()
    assert sorted(db.session.scalars(select(SpotCheckDraw)).one().picked) == sorted([iw.hexi_xiaoqu, iw.wenfeng_yuan])


def test_a_plan_makes_this_periods_inspection_once(live_server, app, desk, desk_page, db, iw):
    page = desk_page
    admin_signs_in(page, live_server)
    page.get_by_test_id("admin-plans-open").click()
    page.get_by_test_id("plan-form").wait_for()
    page.get_by_test_id("plan-submit").click()  # no compound chosen: said next to the field
    assert "请选择小区" in page.get_by_test_id("plan-compound-error").inner_text()
    page.get_by_test_id("plan-compound").select_option(str(iw.hexi_xiaoqu))
    page.get_by_test_id("plan-submit").click()
    page.get_by_test_id("plan").wait_for()
    assert "河西小区" in page.get_by_test_id("plan").inner_text() and "每月" in page.get_by_test_id("plan").inner_text()
    page.get_by_test_id("plans-generate").click()
    wait_until(page, "document.querySelector('[data-testid=plans-generated]').textContent.includes('新生成 1 次')")
    page.get_by_test_id("plans-generate").click()
    wait_until(page, "document.querySelector('[data-testid=plans-generated]').textContent.includes('新生成 0 次')")
    shoot(page, "plans")
    plan = db.session.scalars(select(InspectionPlan)).one()
    made = db.session.scalars(select(Inspection).where(Inspection.plan_id == plan.id)).all()
    assert len(made) == 1 and made[0].compound_id == iw.hexi_xiaoqu and made[0].kind == "periodic"


def test_the_scorecard_shows_a_submitted_inspection_and_downloads_the_workbook(
    live_server, app, desk, desk_page, db, iw
):
    steward = signed_in(app, HEXI_STEWARD)
    # 河西小区: everything passes but the bins (20 of 100 points): 80 → four stars.
    results = {code: "pass" for code in ITEMS} | {"env.bins": "fail"}
    submit(
        steward,
        start(steward, iw.hexi_xiaoqu, iw.template_id),
        answers=answers(results, notes={"env.bins": "分类桶缺盖"}),
    )
    page = desk_page
    admin_signs_in(page, live_server)
    page.get_by_test_id("admin-scorecards-open").click()
    row = page.locator(f'[data-testid=scorecard-compound][data-id="{iw.hexi_xiaoqu}"]')
    row.wait_for()
    assert row.get_by_test_id("compound-score").inner_text() == "80.0"
    assert row.get_by_test_id("stars").get_attribute("data-stars") == "4"
    assert "扣分" in text_of(page, "[data-testid=scorecard-rules]") or "计分规则" in text_of(
        page, "[data-testid=scorecard-rules]"
    )
    month = page.get_by_test_id("scorecard-month").inner_text()
    href = page.get_by_test_id("scorecard-xlsx").get_attribute("href")
    assert href.startswith("/api/scorecards/export.xlsx?month=")
    shoot(page, "scorecards")
    workbook = page.request.get(live_server + href)
    assert workbook.ok and workbook.body()[:2] == b"PK", "an XLSX is a zip"
    # A month back: no inspection then.
    page.get_by_test_id("month-prev").click()
    wait_until(page, f"document.querySelector('[data-testid=scorecard-month]').textContent !== {month!r}")
    row.get_by_test_id("compound-score").wait_for()
    assert row.get_by_test_id("compound-score").inner_text() == "—"
    # The compound's trend.
    page.get_by_test_id("month-next").click()
    # this month drawn again before its row is opened (the last month's link would open that month)
    wait_until(page, f"document.querySelector('[data-testid=scorecard-month]').textContent === {month!r}")
    row.get_by_test_id("compound-score").filter(has_text="80.0").wait_for()
    page.locator(f'[data-testid=scorecard-compound][data-id="{iw.hexi_xiaoqu}"] a').click()
    page.get_by_test_id("compound-trend").wait_for()
    assert "80.0" in page.get_by_test_id("compound-trend").inner_text()
    # Its open order (the bins) and the inspection with its printable report.
    page.get_by_test_id("compound-order").wait_for()
    assert "垃圾分类投放点规范" in page.get_by_test_id("compound-order").inner_text()
    assert "得分 80.0，不合格 1 项" in page.get_by_test_id("compound-inspection").inner_text()
    shoot(page, "compound-scorecard")
    report = page.request.get(live_server + page.get_by_test_id("inspection-report").get_attribute("href"))
    assert report.ok and "河西小区" in report.text() and "分类桶缺盖" in report.text()


def test_an_overdue_order_reaches_the_community_admin_in_the_inbox(live_server, app, desk, desk_page, db, iw):
    from datetime import timedelta

    from server.core import clock
    from server.inspections.escalation import escalate
    from server.inspections.models import RectificationOrder

    steward = signed_in(app, HEXI_STEWARD)
    # The fire exits fail (critical: 24 hours to fix); nobody answers.
    results = {code: "pass" for code in ITEMS} | {"fire.exits": "fail"}
    photo_sha = photo(steward)
    submit(
        steward,
        start(steward, iw.hexi_xiaoqu, iw.template_id),
        answers=answers(results, photos={"fire.exits": [photo_sha]}, notes={"fire.exits": "二号楼消防通道堆放杂物"}),
    )
    order = db.session.scalars(select(RectificationOrder)).one()
    page = desk_page
    api_calls = []
    page.on("request", lambda request: api_calls.append(request.url) if "/api/notifications" in request.url else None)
    admin_signs_in(page, live_server)
    assert page.get_by_test_id("notifications-unread").is_hidden()
    wait_until(page, "document.documentElement.dataset.live === 'on'")
    with app.app_context():  # a day later, while the admin's home is open: the count appears without a reload
        counts = escalate(now=clock.now() + timedelta(hours=25))
    assert counts["escalated"] == 1, counts
    wait_until(page, "document.querySelector('[data-testid=notifications-unread]')?.textContent === '1'")
    shoot(page, "home-escalation")
    page.get_by_test_id("notifications-open").click()
    row = page.get_by_test_id("inbox-row").first
    row.wait_for()
    assert row.get_attribute("data-unread") == "true" and row.get_attribute("data-category") == "rectification"
    assert row.get_by_test_id("alert-level").get_attribute("data-level") == "warning"
    text = row.inner_text()
    assert "逾期整改单上报社区：河西小区" in text and "消防通道" in text and "整改结果" in text, text
    assert "T" not in row.locator(".inbox-row__body").inner_text().split("（")[1][:12], (
        "the deadline in Xuchang time, not an ISO instant"
    )
    shoot(page, "inbox-escalation")
    # Opening it marks it read (synced later) and leads to the order.
    row.click()
    page.get_by_test_id("alert-detail").wait_for()
    assert page.get_by_test_id("alert-link").get_attribute("href") == f"#/orders/{order.id}"
    wait_until(page, "document.querySelector('[data-testid=alert-read]')?.dataset.read === 'true'")
    page.get_by_test_id("alert-back").click()
    wait_until(page, "document.querySelector('[data-testid=inbox-row]')?.dataset.unread === 'false'")
    assert api_calls == [], "the inbox and home's count come from IndexedDB, not GET /api/notifications"
    db.session.expire_all()
    assert db.session.get(RectificationOrder, order.id).escalation_level >= 1


def test_editing_a_published_checklist_makes_the_next_version(live_server, app, desk, desk_page, db, iw):
    from server.inspections.models import InspectionTemplate
    from tests.server.inspections_support import ROOT_ADMIN

    page = desk_page
    admin_signs_in(page, live_server, ROOT_ADMIN)  # the template is city-wide: the city's admin
    page.get_by_test_id("admin-templates-open").click()
    page.locator(f'[data-testid=template][data-id="{iw.template_id}"] a').click()
    page.get_by_test_id("template-editor").wait_for()
    assert page.get_by_test_id("template-status").inner_text() == "使用中"
    assert (
        "与满分 100.0 一致" in page.get_by_test_id("template-totals").inner_text()
        or "一致" in page.get_by_test_id("template-totals").inner_text()
    )
    clean = page.locator('[data-testid=template-item][data-code="env.clean"]')
    clean.get_by_test_id("item-weight").fill("30")  # 90 of 100: said at once, and refused by the server
    assert "须一致" in page.get_by_test_id("template-totals").inner_text()
    page.get_by_test_id("template-save").click()
    page.get_by_test_id("template-error").get_by_text("100", exact=False).first.wait_for()
    bins = page.locator('[data-testid=template-item][data-code="env.bins"]')
    bins.get_by_test_id("item-weight").fill("30")
    bins.get_by_test_id("item-text").fill("垃圾分类投放点规范，桶盖完好")
    page.get_by_test_id("template-save").click()
    page.get_by_test_id("admin-flash").wait_for()
    assert "第 2 版" in page.get_by_test_id("admin-flash").inner_text()
    assert page.get_by_test_id("template-status").inner_text() == "草稿"
    shoot(page, "template-draft")
    page.get_by_test_id("template-publish").click()
    wait_until(page, "document.querySelector('[data-testid=template-status]')?.textContent === '使用中'")
    db.session.expire_all()
    versions = {
        t.version: t
        for t in db.session.scalars(select(InspectionTemplate).where(InspectionTemplate.code == "property-test"))
    }
    assert versions[1].status == "retired" and versions[2].status == "published"
    weights = {i["code"]: i["weight"] for c in versions[1].categories for i in c["items"]}
    assert weights["env.clean"] == 40 and weights["env.bins"] == 20, "the old version is as it was"
    new = {i["code"]: (i["weight"], i["text"]) for c in versions[2].categories for i in c["items"]}
    assert new["env.clean"][0] == 30 and new["env.bins"] == (30, "垃圾分类投放点规范，桶盖完好")
