"""axe-core over the screens of issue 15 items 6 and 7 in Chromium, failing on any violation: the
resident's home with the push card, the sync page in plain words, the worker's task list with a
task done late, the admin's alert form (phone and desk) with its confirmation, the spot check
with its warning and confirmation."""

from datetime import UTC, datetime, timedelta

from server.core import clock
from tests.e2e.admin_desk import admin_signs_in
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DESK, PHONE, wait_until
from tests.e2e.test_alerts_ui import phone  # noqa: F401  (a phone that allows notifications: the push card shows)
from tests.e2e.test_shell import sign_in
from tests.e2e.test_tasks_ui import SYNCED, assign, row
from tests.e2e.test_words_ui import finish
from tests.server.alerts_support import signed_in


def test_the_residents_home_and_sync_page_pass_axe(live_server, world, phone_page):
    page = phone_page
    sign_in(page, live_server, "13800000007")
    page.get_by_test_id("push-card").wait_for()
    assert_accessible(page, "resident home with the push card")
    page.get_by_test_id("sync-details").click()
    wait_until(page, "document.querySelector('[data-testid=conflicts-none]') !== null")
    assert_accessible(page, "sync page (resident)")


def test_the_workers_list_with_a_task_done_late_passes_axe(live_server, app, world, phone_page):
    admin = signed_in(app, "13800000002")
    now = datetime.now(UTC)
    with clock.at(now - timedelta(days=2)):
        late = assign(admin, "building", world.b_hexi1, world.worker_a, "1号楼消防设施检查", now - timedelta(days=1))
    finish(app, "13800000003", admin, late, now)
    page = phone_page
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("home").wait_for()
    wait_until(page, SYNCED, timeout=30)
    page.get_by_test_id("section-done").locator("summary").click()
    row(page, late).wait_for()
    assert_accessible(page, "worker home, a task done late")
    row(page, late).click()
    page.get_by_test_id("task-status").wait_for()
    assert_accessible(page, "task detail, done late")


def test_the_alert_form_its_confirmation_and_the_spot_check_pass_axe(live_server, world, desk_page):
    page = desk_page
    admin_signs_in(page, live_server)
    page.evaluate("location.hash = '#/admin/alerts/new'")
    page.get_by_test_id("alert-form").wait_for()
    page.get_by_test_id("alert-title-input").fill("停水通知")
    page.get_by_test_id("alert-body-input").fill("明日停水。")
    page.locator("label:has([data-testid=alert-level-urgent])").click()
    page.locator("label:has([data-testid=alert-category-utility])").click()
    page.get_by_test_id(f"alert-compound-{world.hexi_xiaoqu}").check()
    wait_until(page, "document.querySelector('[data-testid=alert-reach]').dataset.people !== ''")
    for size in (PHONE, DESK):
        page.set_viewport_size(size)
        assert_accessible(page, f"alert form at {size['width']} px")
    page.get_by_test_id("alert-submit").click()
    page.get_by_test_id("alert-confirm").wait_for()
    assert_accessible(page, "alert confirmation")
    page.get_by_test_id("alert-confirm-no").click()

    page.evaluate("location.hash = '#/admin/spot-checks'")
    page.get_by_test_id("draw-form").wait_for()
    wait_until(page, "document.querySelector('[data-testid=draw-population]').textContent.includes('2 个小区')")
    page.get_by_test_id("draw-k").fill("2")
    page.get_by_test_id("draw-all-warning").wait_for()
    assert_accessible(page, "spot check with its warning")
    page.get_by_test_id("draw-submit").click()
    page.get_by_test_id("draw-confirm").wait_for()
    assert_accessible(page, "spot check confirmation")
