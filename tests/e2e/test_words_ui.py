"""Words and states in real Chromium at 360 px (issue 15 item 7): a task done after its deadline
reads 逾期完成 on the worker's list and detail, on the admin's list and in the progress figures; a
user who chose English on the sign-in screen gets the server's notices in English; residents see
plain words for sync, grid workers their trade's. Screens into /tmp/redgrid-shots/words-*.png."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.auth.models import User
from server.core import clock
from server.notices.models import InboxEntry
from tests.e2e.admin_desk import admin_signs_in, grid_count
from tests.e2e.conftest import wait_until
from tests.e2e.test_shell import sign_in
from tests.e2e.test_tasks_ui import SYNCED, assign, row
from tests.server.alerts_support import signed_in
from tests.server.tasks_support import new_task, push_one, task_update

SHOTS = "/tmp/redgrid-shots"


def finish(app, worker_phone, admin, record_id, finished_at):
    """The worker's phone marks the task done at `finished_at` (its own clock). Signed in from
    addresses of their own (alerts_support.signed_in): the browsers sign in too, within the
    per-address login limit."""
    version = admin.send("GET", f"/api/tasks/{record_id}").get_json()["version"]
    worker = signed_in(app, worker_phone)
    result = push_one(worker, task_update(record_id, version, status="done", finished_at=finished_at.isoformat()))
    assert result["status"] == "applied", result


def test_a_task_done_after_its_deadline_reads_done_late_everywhere(live_server, app, world, phone_page, desk_page):
    admin = signed_in(app, "13800000002")
    now = datetime.now(UTC)
    with clock.at(now - timedelta(days=2)):  # made two days ago, due yesterday
        late = assign(admin, "building", world.b_hexi1, world.worker_a, "1号楼消防设施检查", now - timedelta(days=1))
    in_time = assign(admin, "building", world.b_hexi2, world.worker_a, "2号楼走访", now + timedelta(days=1))
    finish(app, "13800000003", admin, late, now - timedelta(hours=1))
    finish(app, "13800000003", admin, in_time, now - timedelta(hours=1))

    page = phone_page
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("home").wait_for()
    wait_until(page, SYNCED, timeout=30)
    page.get_by_test_id("section-done").locator("summary").click()  # finished tasks are folded
    row(page, late).wait_for()
    assert row(page, late).get_by_test_id("task-row-status").inner_text() == "逾期完成"
    assert row(page, in_time).get_by_test_id("task-row-status").inner_text() == "已完成"
    # The list is drawn again when the day's sync lands: scroll in one step, not with a locator
    # whose row may be replaced between its checks.
    page.evaluate(f"document.querySelector('[data-testid=task-row][data-id=\"{late}\"]').scrollIntoView()")
    page.screenshot(path=f"{SHOTS}/words-done-late-list-360.png")
    row(page, late).click()
    assert page.get_by_test_id("task-status").inner_text() == "逾期完成"
    page.screenshot(path=f"{SHOTS}/words-done-late-detail-360.png")

    desk = desk_page
    admin_signs_in(desk, live_server)
    desk.get_by_test_id("admin-tasks-open").click()
    wait_until(desk, "document.querySelector('[data-testid=progress-grid]') !== null")
    assert grid_count(desk, world.g1, "done") == "2" and grid_count(desk, world.g1, "done_late") == "1"
    assert desk.get_by_test_id("total-done-late").inner_text() == "其中逾期完成 1"
    chips = desk.get_by_test_id("admin-task-status").all_inner_texts()
    assert sorted(chips) == ["已完成", "逾期完成"], chips
    desk.screenshot(path=f"{SHOTS}/words-done-late-admin-1280.png", full_page=True)


def test_a_user_who_chose_english_gets_the_servers_notices_in_english(live_server, app, db, world, phone_page):
    page = phone_page
    page.goto(live_server)
    page.get_by_test_id("signin-form").wait_for()
    page.get_by_test_id("lang-switch").click()  # English, on this phone, before signing in
    wait_until(page, "document.documentElement.lang === 'en'")
    sign_in(page, live_server, "13800000004")  # 网格员乙, whose profile says zh-CN
    page.get_by_test_id("home").wait_for()

    def profile_locale():
        db.session.expire_all()
        return db.session.get(User, world.worker_b).locale

    deadline = datetime.now(UTC) + timedelta(seconds=15)
    while profile_locale() != "en" and datetime.now(UTC) < deadline:
        page.wait_for_timeout(200)
    assert profile_locale() == "en"  # the phone's choice reached the profile

    task = new_task(signed_in(app, "13800000002"), "building", world.b_wenfeng1, title="文峰苑1号楼走访")
    assert task["assignee_id"] == world.worker_b
    entry = db.session.scalars(select(InboxEntry).where(InboxEntry.user_id == world.worker_b)).one()
    assert entry.title == "New task: 文峰苑1号楼走访" and entry.body == "You have a new task."
    page.evaluate("location.hash = '#/inbox'")
    title = page.locator(f'[data-testid=inbox-row][data-id="{entry.id}"] [data-testid=inbox-title]')
    title.wait_for(timeout=15000)
    assert title.inner_text() == "New task: 文峰苑1号楼走访"
    page.screenshot(path=f"{SHOTS}/words-english-notice-360.png")


def test_residents_see_plain_words_for_sync_and_grid_workers_their_trades(live_server, world, phone_page):
    page = phone_page
    sign_in(page, live_server, "13800000007")  # a resident
    page.get_by_test_id("home").wait_for()
    chip = page.get_by_test_id("net-status")  # the header's sync chip opens the details
    wait_until(page, "document.querySelector('[data-testid=net-status]').getAttribute('href') === '#/sync'")
    chip.click()
    screen = page.get_by_test_id("sync-screen")
    screen.wait_for()
    wait_until(page, "document.querySelector('[data-testid=conflicts-none]') !== null")
    assert "冲突" not in screen.inner_text() and "同步情况" in screen.inner_text()
    page.screenshot(path=f"{SHOTS}/words-sync-resident-360.png")

    page.evaluate("location.hash = '#/'")
    page.get_by_test_id("home").wait_for()
    page.get_by_test_id("signout").click()
    page.get_by_test_id("signin-form").wait_for()
    sign_in(page, live_server, "13800000003")  # a grid worker
    page.get_by_test_id("home").wait_for()
    page.get_by_test_id("net-status").click()
    page.get_by_test_id("sync-screen").wait_for()
    assert page.locator("h1").inner_text() == "同步与冲突"
    assert page.get_by_test_id("sync-screen").get_by_text("冲突记录", exact=True).count() == 1
