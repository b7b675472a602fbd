"""S2 end to end (DESIGN.md §3), real server and Chromium: a red steward of 帝豪花园 starts an
ad-hoc inspection with no signal, fails three items with a photo each (the app flags a failed
item without its photo before submitting), submits, and goes back online; the staff of 远航物业,
signed in on another phone, sees the three rectification orders appear without a reload and
answers two of them (one with a photo); the steward re-inspects: closes the one, reopens the
other with a note and a photo; the compound's scorecard counts the open orders accordingly.
The first answer is made offline too. Screenshots at 360×740 and 1280 wide go to
/tmp/redgrid-shots/inspect-*.png."""

import uuid

import pytest
from sqlalchemy import select

from server.blobs.models import Blob
from server.inspections.models import Inspection, RectificationOrder
from tests.e2e.conftest import PHONE, XUCHANG, wait_until, xuchang_phone
from tests.e2e.test_shell import sign_in
from tests.e2e.test_tasks_ui import camera_photo
from tests.e2e.test_tasks_ui import shoot as shoot_both
from tests.server.inspections_support import DIHAO_ADMIN, DIHAO_RESIDENT, DIHAO_STEWARD, YUANHANG_STAFF, start
from tests.server.tasks_support import create, later, push_one, signed_in

SYNCED = "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')"
OUTBOX = "import('/js/db.js').then((db) => db.listOutbox()).then((entries) => entries.length)"
TEMPLATES = "import('/js/db.js').then((db) => db.listTemplateEntries()).then((entries) => entries.length)"
FAILED = {"env.clean": (150, 90, 40), "fire.exits": (200, 40, 40), "fire.lift": (90, 90, 160)}


@pytest.fixture
def steward(browser):
    ctx = xuchang_phone(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def staff(browser):
    """The property company's phone, beside the steward's."""
    ctx = xuchang_phone(browser)
    yield ctx
    ctx.close()


def open_page(ctx):
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


def shoot(page, name: str) -> None:
    """inspect-<name>-360.png and -1280.png, full length."""
    shoot_both(page, f"inspect-{name}")


def go(page, path: str) -> None:
    page.evaluate("(path) => { location.hash = path; }", f"#{path}")


def item(page, code: str):
    return page.locator(f'[data-testid=inspection-item][data-code="{code}"]')


def answer(page, code: str, result: str) -> None:
    page.locator(f'label:has([data-testid="item-{code}-{result}"])').click()
    wait_until(
        page,
        f"document.querySelector('[data-testid=inspection-item][data-code=\"{code}\"]').dataset.result === '{result}'",
    )


def photo(page, code: str, colour) -> None:
    page.locator(f'[data-testid="item-photos-{code}-input"]').set_input_files(
        {"name": "IMG.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(colour)}
    )
    item(page, code).get_by_test_id("photo-thumb").wait_for()


def open_started_inspection(app, live_server, iw, steward):
    """An inspection of 帝豪花园 the steward started (through sync), open on the steward's phone."""
    auth = signed_in(app, DIHAO_STEWARD)
    inspection_id = start(auth, iw.dihao, iw.template_id)["record_id"]
    page = open_page(steward)
    sign_in(page, live_server, DIHAO_STEWARD)
    page.locator(f'[data-testid=inspection-row][data-id="{inspection_id}"]').click()
    page.get_by_test_id("inspection-items").locator("[data-testid=inspection-item]").first.wait_for()
    return inspection_id, page


def order_rows(page) -> int:
    return page.evaluate("document.querySelectorAll('[data-testid=order-row]').length")


def card_of(resident, compound_id) -> dict:
    """The resident's scorecard of their compound this month: {score, stars, open_orders …}."""
    response = resident.send("GET", "/api/scorecards/mine")
    assert response.status_code == 200, response.get_json()
    (card,) = [c for c in response.get_json()["compounds"] if c["id"] == compound_id]
    return card


def test_s2_an_offline_inspection_becomes_orders_the_company_answers_and_the_steward_re_inspects(
    live_server, app, db, iw, browser, steward, staff
):
    dihao = iw.dihao
    resident = signed_in(app, DIHAO_RESIDENT)  # signed in once: sign-ins are rate-limited
    before = card_of(resident, dihao)
    open_before = before["open_orders"]
    assert before["score"] is None, "no inspection of 帝豪花园 this month yet"

    # The company's phone is open on its orders all along.
    desk = open_page(staff)
    sign_in(desk, live_server, YUANHANG_STAFF)
    desk.get_by_test_id("my-orders").wait_for()
    desk.get_by_test_id("orders-empty").wait_for()
    wait_until(desk, SYNCED, timeout=30)
    desk.evaluate("window.__sameDocument = true")

    # The steward signs in online: the shell and the published checklist come onto the phone.
    page = open_page(steward)
    sign_in(page, live_server, DIHAO_STEWARD)
    page.get_by_test_id("my-inspections").wait_for()
    page.get_by_test_id("adhoc").wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, f"{TEMPLATES}.then((n) => n >= 1)")
    wait_until(page, SYNCED, timeout=30)
    shoot(page, "home-steward")

    # Inside the compound: no signal. An ad-hoc inspection starts on the phone.
    steward.set_offline(True)
    wait_until(page, "document.querySelector('[data-testid=net-status]').dataset.online === 'false'")
    page.get_by_test_id("adhoc-start").click()
    page.get_by_test_id("inspection").wait_for()
    page.get_by_test_id("inspection-items").locator("[data-testid=inspection-item]").first.wait_for()
    assert page.get_by_test_id("inspection-status").inner_text() == "检查中"
    assert page.get_by_test_id("category-header").count() == 2
    inspection_id = page.evaluate("location.hash.split('/')[2]")

    answer(page, "env.bins", "pass")
    for code in FAILED:
        answer(page, code, "fail")
    page.get_by_test_id("item-note-env.clean").fill("3号楼楼道堆放纸箱、旧家具")
    photo(page, "env.clean", FAILED["env.clean"])
    photo(page, "fire.exits", FAILED["fire.exits"])
    assert page.get_by_test_id("inspection-progress").inner_text() == "已答 4/4"
    assert page.get_by_test_id("inspection-failed").inner_text() == "不合格 3 项"

    # A failed item that needs a photo and has none is flagged at the item: nothing leaves.
    page.get_by_test_id("inspection-submit").click()
    wait_until(page, "document.querySelector('[data-testid=submit-error]').textContent.includes('1 项不合格未拍照')")
    assert item(page, "fire.lift").get_by_test_id("item-problem").inner_text() == "不合格项必须拍照"
    shoot(page, "form-flagged")
    photo(page, "fire.lift", FAILED["fire.lift"])
    assert item(page, "fire.lift").get_by_test_id("item-problem").inner_text() == ""
    page.get_by_test_id("inspection-notes").fill("消防通道和电梯问题需优先整改。")
    page.get_by_test_id("inspection-submit").click()
    wait_until(page, "document.querySelector('[data-testid=inspection-status]')?.textContent === '已提交'")
    page.get_by_test_id("pending-note").wait_for()
    assert page.get_by_test_id("inspection-score").inner_text() == "待同步后评分"
    db.session.expire_all()
    assert db.session.get(Inspection, inspection_id) is None, "nothing has left the phone"

    # Closed and reopened, still offline: the inspection is there, submitted and pending.
    page.close()
    page = open_page(steward)
    page.goto(live_server)
    page.get_by_test_id("my-inspections").wait_for()
    row = page.locator(f'[data-testid=inspection-row][data-id="{inspection_id}"]')
    assert row.get_attribute("data-status") == "submitted"
    assert row.get_by_test_id("badge-pending").is_visible()

    # Back online: it all goes by itself; the server scores it and makes one order per failed item.
    steward.set_offline(False)
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=45)
    wait_until(page, SYNCED, timeout=30)
    db.session.expire_all()
    inspection = db.session.get(Inspection, inspection_id)
    assert (inspection.status, inspection.failed_count, inspection.start_location_status) == ("submitted", 3, "ok")
    assert inspection.answers["env.clean"]["note"] == "3号楼楼道堆放纸箱、旧家具"
    assert inspection.notes == "消防通道和电梯问题需优先整改。"
    hashes = [h for code in FAILED for h in inspection.answers[code]["photos"]]
    assert len(hashes) == 3 and all(db.session.get(Blob, h) for h in hashes)
    orders = db.session.scalars(
        select(RectificationOrder).where(RectificationOrder.inspection_id == inspection_id)
    ).all()
    assert sorted(o.item_code for o in orders) == sorted(FAILED)
    wait_until(
        page, "document.querySelector('[data-testid=inspection-score]')?.textContent === '得分 20 / 100'", timeout=15
    )
    go(page, f"/inspections/{inspection_id}")
    page.get_by_test_id("inspection-result").wait_for()
    wait_until(
        page, "document.querySelectorAll('[data-testid=inspection-orders] [data-testid=order-row]').length === 3"
    )
    assert page.get_by_test_id("inspection-score").inner_text() == "得分 20 / 100"
    shoot(page, "result")

    # The company's phone shows the three orders without a reload.
    wait_until(desk, "document.querySelectorAll('[data-testid=order-row]').length === 3", timeout=20)
    assert desk.evaluate("window.__sameDocument === true")
    shoot(desk, "orders-staff")
    after_submission = card_of(resident, dihao)
    assert (after_submission["open_orders"], after_submission["score"], after_submission["stars"]) == (
        open_before + 3,
        20.0,
        1,
    )

    # The staff answer the blocked fire exit with a photo, and the lift with a text.
    by_item = {o.item_code: o.id for o in orders}

    def respond(order_id, text, colour=None):
        go(desk, f"/orders/{order_id}")
        desk.get_by_test_id("response-form").wait_for()
        desk.get_by_test_id("response-text").fill(text)
        if colour:
            desk.get_by_test_id("response-photos-input").set_input_files(
                {"name": "IMG.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(colour)}
            )
            desk.get_by_test_id("photo-thumb").wait_for()
        desk.get_by_test_id("response-save").click()
        wait_until(desk, "document.querySelector('[data-testid=order-status]')?.textContent === '已回复'")

    # The fire exit is answered in the basement, offline: saved on the phone, sent once back.
    staff.set_offline(True)
    respond(by_item["fire.exits"], "已清理消防通道内的杂物，并张贴禁止堆放提示。", (40, 160, 90))
    desk.get_by_test_id("pending-note").wait_for()
    shoot(desk, "order-responded")
    staff.set_offline(False)
    wait_until(desk, f"{OUTBOX}.then((n) => n === 0)", timeout=30)
    respond(by_item["fire.lift"], "已联系电梯维保单位检修。")
    wait_until(desk, f"{OUTBOX}.then((n) => n === 0)", timeout=30)
    db.session.expire_all()
    assert {db.session.get(RectificationOrder, by_item[c]).status for c in ("fire.exits", "fire.lift")} == {"responded"}
    assert len(db.session.get(RectificationOrder, by_item["fire.exits"]).response_photos) == 1

    # The steward re-inspects: the exit passes (closed), the lift does not (reopened, note + photo).
    go(page, "/")
    page.get_by_test_id("orders-responded").wait_for()
    wait_until(
        page,
        "document.querySelectorAll('[data-testid=orders-responded] [data-testid=order-row]').length === 2",
        timeout=20,
    )
    go(page, f"/orders/{by_item['fire.exits']}")
    page.get_by_test_id("review-form").wait_for()
    # 复查 with the failed item's photo (整改前) beside the company's (整改后), one above the other at 360 px.
    compare = page.get_by_test_id("order-compare")
    compare.get_by_test_id("compare-after").locator(".thumb__open").wait_for()
    before_box = compare.get_by_test_id("compare-before").bounding_box()
    after_box = compare.get_by_test_id("compare-after").bounding_box()
    assert after_box["y"] >= before_box["y"] + before_box["height"], "stacked on a phone"
    shoot(page, "review")
    compare.get_by_test_id("compare-after").locator(".thumb__open").click()
    page.get_by_test_id("photo-viewer").wait_for()
    assert page.locator(".pswp__counter").inner_text().replace(" ", "") == "2/2", "the order's photos, before first"
    assert page.get_by_test_id("photo-viewer-caption").inner_text() == "整改后 第 1 张照片"
    page.keyboard.press("Escape")
    wait_until(page, "document.querySelector('[data-testid=photo-viewer]') === null")
    page.locator("label:has([data-testid=review-closed])").click()
    page.get_by_test_id("review-save").click()
    wait_until(page, "document.querySelector('[data-testid=order-status]')?.textContent === '已关闭'")
    go(page, f"/orders/{by_item['fire.lift']}")
    page.get_by_test_id("review-form").wait_for()
    page.locator("label:has([data-testid=review-reopened])").click()
    page.get_by_test_id("review-save").click()
    assert page.locator("#review-note-input-error").inner_text() == "不通过时请写明原因。"
    page.get_by_test_id("review-note").fill("电梯仍有异响，请彻底检修。")
    page.get_by_test_id("review-photos-input").set_input_files(
        {"name": "IMG.jpg", "mimeType": "image/jpeg", "buffer": camera_photo((30, 30, 30))}
    )
    page.get_by_test_id("photo-thumb").wait_for()
    page.get_by_test_id("review-save").click()
    wait_until(page, "document.querySelector('[data-testid=order-status]')?.textContent === '重新整改'")
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=30)
    db.session.expire_all()
    exits, lift = (
        db.session.get(RectificationOrder, by_item["fire.exits"]),
        db.session.get(RectificationOrder, by_item["fire.lift"]),
    )
    assert (exits.status, lift.status, lift.reopen_count, lift.review_note) == (
        "closed",
        "reopened",
        1,
        "电梯仍有异响，请彻底检修。",
    )
    assert len(lift.review_photos) == 1
    assert [e["to"] for e in lift.history] == ["open", "responded", "reopened"]
    page.get_by_test_id("order-history").wait_for()

    # The company sees it back on its list, overdue or not, as 重新整改, without a reload.
    go(desk, "/")
    wait_until(
        desk,
        f"document.querySelector('[data-testid=order-row][data-id=\"{by_item['fire.lift']}\"]')"
        "?.dataset.status === 'reopened'",
        timeout=20,
    )
    assert desk.evaluate("window.__sameDocument === true")
    shoot(desk, "orders-after-review")

    # The scorecard: one order closed, the reopened one still open and a point off for it; the
    # resident's home says so.
    after_review = card_of(resident, dihao)
    assert (after_review["open_orders"], after_review["score"]) == (open_before + 2, 19.0)
    home = open_page(
        browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", device_scale_factor=2)
    )
    sign_in(home, live_server, DIHAO_RESIDENT)
    card = home.locator(f'[data-testid=scorecard][data-kind=compound][data-id="{dihao}"]')
    card.wait_for()
    assert card.get_by_test_id("scorecard-open").inner_text() == f"现在未完成的整改 {open_before + 2} 张，其中逾期 0 张"
    assert "退回整改 1 次（每次扣 1 分）" in card.get_by_test_id("scorecard-how").inner_text()  # the point off, said
    assert card.get_by_test_id("scorecard-order").count() == open_before + 2
    shoot(home, "home-resident")
    assert home.errors == [], home.errors
    home.context.close()

    assert page.errors == [] and desk.errors == [], (page.errors, desk.errors)


def test_a_submission_the_server_refuses_is_shown_at_its_item_and_fixed_with_nothing_lost(
    live_server, app, db, iw, steward
):
    """An older phone (no check before submitting) sends a failed item without its photo: the
    server refuses the submission; the phone shows why at the item, goes back to the form with
    every answer kept, and the fixed submission is accepted."""
    inspection_id, page = open_started_inspection(app, live_server, iw, steward)
    for code in ("env.bins", "fire.exits", "fire.lift"):
        answer(page, code, "pass")
    answer(page, "env.clean", "fail")
    page.get_by_test_id("item-note-env.clean").fill("楼道堆放杂物")
    page.get_by_test_id("item-note-env.clean").blur()
    # What a phone without the check would send: the submission as it is.
    page.evaluate(
        """(id) => import('/js/outbox.js').then((o) => o.enqueue({
        entity: 'inspection', id, op: 'update', fields: {status: 'submitted', \
finished_at: new Date().toISOString()}}))""",
        inspection_id,
    )
    page.get_by_test_id("inspection-refused").wait_for(timeout=20000)
    refused = item(page, "env.clean").get_by_test_id("item-refused")
    assert refused.inner_text() != ""
    assert item(page, "fire.exits").get_by_test_id("item-refused").inner_text() == ""
    assert page.get_by_test_id("inspection-status").inner_text() == "检查中", "what the server holds"
    assert page.get_by_test_id("inspection-result").count() == 0
    shoot(page, "refused")
    db.session.expire_all()
    assert db.session.get(Inspection, inspection_id).status == "in_progress"

    page.get_by_test_id("refused-edit").click()
    page.get_by_test_id("inspection-submit").wait_for()
    assert page.get_by_test_id("inspection-refused").count() == 0
    assert item(page, "env.clean").get_by_test_id("item-problem").inner_text() != "", (
        "the server's reason stays at the item"
    )
    assert page.get_by_test_id("item-note-env.clean").input_value() == "楼道堆放杂物", "nothing lost"
    assert page.get_by_test_id("inspection-progress").inner_text() == "已答 4/4"
    photo(page, "env.clean", (120, 120, 40))
    page.get_by_test_id("inspection-submit").click()
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=30)
    wait_until(
        page, "document.querySelector('[data-testid=inspection-score]')?.textContent.startsWith('得分')", timeout=15
    )
    db.session.expire_all()
    row = db.session.get(Inspection, inspection_id)
    assert (row.status, row.failed_count, row.answers["env.clean"]["note"]) == ("submitted", 1, "楼道堆放杂物")
    assert page.errors == [], page.errors


def test_planned_inspections_list_by_due_time_and_start_with_the_time_and_the_fix(live_server, app, db, iw, steward):
    """Two inspections an admin planned for 帝豪花园 show under 待检查, the sooner first; one is
    started on the phone (time and GPS), moves to 进行中 and the server records the start."""
    admin = signed_in(app, DIHAO_ADMIN)
    planned = {}
    for days in (5, 2):
        record_id = str(uuid.uuid4())
        result = push_one(
            admin,
            create(
                "inspection",
                record_id,
                compound_id=iw.dihao,
                template_id=iw.template_id,
                kind="adhoc",
                due_at=later(days=days),
            ),
        )
        assert result["status"] == "applied", result
        planned[days] = record_id
    page = open_page(steward)
    sign_in(page, live_server, DIHAO_STEWARD)
    section = page.get_by_test_id("inspections-planned")
    section.wait_for()
    wait_until(
        page, "document.querySelectorAll('[data-testid=inspections-planned] [data-testid=inspection-row]').length === 2"
    )
    assert [r.get_attribute("data-id") for r in section.get_by_test_id("inspection-row").all()] == [
        planned[2],
        planned[5],
    ]
    section.get_by_test_id("inspection-row").first.click()
    page.get_by_test_id("inspection-start").click()
    wait_until(page, "document.querySelector('[data-testid=inspection-status]')?.textContent === '检查中'")
    page.get_by_test_id("inspection-submit").wait_for()
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=30)
    db.session.expire_all()
    row = db.session.get(Inspection, planned[2])
    assert (row.status, row.steward_id, row.start_location_status) == ("in_progress", iw.dihao_steward, "ok")
    assert row.start_location["lat"] == pytest.approx(XUCHANG["latitude"])
    page.get_by_test_id("back").click()
    page.locator(
        f'[data-testid=inspections-in_progress] [data-testid=inspection-row][data-id="{planned[2]}"]'
    ).wait_for()
    # A record not on this phone is named for what it is, not called a task.
    go(page, f"/orders/{uuid.uuid4()}")
    assert page.get_by_test_id("order-missing").inner_text().startswith("这部手机上没有这个整改单")
    assert page.locator("[data-testid=order] h1").inner_text() == "找不到这个整改单"
    go(page, f"/inspections/{uuid.uuid4()}")
    page.get_by_test_id("inspection-missing").wait_for()
    assert page.locator("h1").inner_text() == "找不到这个检查"
    assert page.errors == [], page.errors


def progress_text(page) -> str:
    return page.get_by_test_id("inspection-progress").inner_text()


def test_all_the_rest_pass_keeps_the_answers_given_then_one_failure_with_its_photo_is_submitted(
    live_server, app, db, iw, steward
):
    """Issue 15, item 4: 本类全部合格 (taken back with 撤销), 其余全部合格 that never overwrites
    an answer already given, passed items folded to one line, the progress kept after leaving the
    screen and reloading, the jump to the failed items still missing a photo; submitted and synced."""
    inspection_id, page = open_started_inspection(app, live_server, iw, steward)
    assert progress_text(page) == "已答 0/4"
    assert page.get_by_test_id("jump-unanswered").inner_text() == "未答 4 项"
    assert page.get_by_test_id("jump-photo").is_hidden()
    fire_pass = page.locator("[data-testid=category-pass][data-category=fire]")
    env_pass = page.locator("[data-testid=category-pass][data-category=env]")
    assert fire_pass.inner_text() == env_pass.inner_text() == "本类全部合格"

    # A failure first: the litter in the stairwell, whose photo is still to be taken.
    answer(page, "env.clean", "fail")
    assert env_pass.inner_text() == "本类其余合格"
    assert page.get_by_test_id("jump-photo").inner_text() == "缺照片 1 项"

    # 本类全部合格 for 消防, then taken back.
    fire_pass.click()
    assert progress_text(page) == "已答 3/4"
    assert item(page, "fire.exits").get_attribute("data-collapsed") == "true"
    assert fire_pass.is_hidden(), "nothing left to answer in 消防"
    assert page.get_by_test_id("bulk-undo").inner_text().startswith("已将 2 项设为合格")
    page.get_by_test_id("bulk-undo-button").click()
    assert progress_text(page) == "已答 1/4"
    assert item(page, "fire.exits").get_attribute("data-result") == ""
    assert item(page, "fire.exits").get_attribute("data-collapsed") == "false"

    # 其余全部合格: the three unanswered pass; the failure stays a failure.
    page.get_by_test_id("pass-rest").click()
    assert progress_text(page) == "已答 4/4"
    assert page.get_by_test_id("inspection-failed").inner_text() == "不合格 1 项"
    assert item(page, "env.clean").get_attribute("data-result") == "fail"
    for code in ("env.bins", "fire.exits", "fire.lift"):
        assert item(page, code).get_attribute("data-result") == "pass"
        assert item(page, code).get_by_test_id("item-compact").is_visible()
    assert page.get_by_test_id("jump-unanswered").is_hidden() and page.get_by_test_id("pass-rest").is_hidden()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path="/tmp/redgrid-shots/inspect-speed-viewport-360.png")
    shoot(page, "speed")
    wait_until(page, "document.querySelector('[data-testid=inspection-saved]').textContent === '已保存在手机上'")

    # Away and back, then the app reloaded: the answers and the progress are still there.
    page.get_by_test_id("back").click()
    page.get_by_test_id("my-inspections").wait_for()
    page.locator(f'[data-testid=inspection-row][data-id="{inspection_id}"]').click()
    page.get_by_test_id("inspection-items").locator("[data-testid=inspection-item]").first.wait_for()
    wait_until(page, "document.querySelector('[data-testid=inspection-progress]').textContent === '已答 4/4'")
    page.reload()
    page.get_by_test_id("inspection-items").locator("[data-testid=inspection-item]").first.wait_for()
    wait_until(page, "document.querySelector('[data-testid=inspection-progress]').textContent === '已答 4/4'")
    assert item(page, "fire.lift").get_attribute("data-collapsed") == "true"
    assert item(page, "env.clean").get_attribute("data-result") == "fail"

    # The lift fails after all: its line opens again with a tap.
    item(page, "fire.lift").get_by_test_id("item-compact").click()
    assert item(page, "fire.lift").get_attribute("data-collapsed") == "false"
    answer(page, "fire.lift", "fail")
    assert page.get_by_test_id("jump-photo").inner_text() == "缺照片 2 项"
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_test_id("jump-photo").click()
    focused = "document.activeElement.closest('[data-testid=inspection-item]')?.dataset.code"
    assert page.evaluate(focused) in ("env.clean", "fire.lift"), "the jump lands on a failure without its photo"
    page.screenshot(path="/tmp/redgrid-shots/inspect-jump-viewport-360.png")
    photo(page, "env.clean", (150, 90, 40))
    photo(page, "fire.lift", (90, 90, 160))
    assert page.get_by_test_id("jump-photo").is_hidden()

    page.get_by_test_id("inspection-submit").click()
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=30)
    wait_until(page, "document.querySelector('[data-testid=inspection-score]')?.textContent.startsWith('得分')")
    db.session.expire_all()
    row = db.session.get(Inspection, inspection_id)
    assert (row.status, row.failed_count) == ("submitted", 2)
    assert {code: a["result"] for code, a in row.answers.items()} == {
        "env.clean": "fail",
        "env.bins": "pass",
        "fire.exits": "pass",
        "fire.lift": "fail",
    }
    assert all(len(row.answers[code]["photos"]) == 1 for code in ("env.clean", "fire.lift"))
    orders = db.session.scalars(
        select(RectificationOrder).where(RectificationOrder.inspection_id == inspection_id)
    ).all()
    assert sorted(o.item_code for o in orders) == ["env.clean", "fire.lift"]
    assert page.errors == [], page.errors
