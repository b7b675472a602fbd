"""Residents' needs (诉求, 接诉即办) end to end, real server and Chromium, every screen at 360×740: a
resident of 河西小区 files a need with no signal, with a photo (the category is required and says
so on the field), and it syncs once online; the grid worker of 河西小区's grid finds it in their
work above 我的任务, accepts it and resolves it with a note and a photo; the resident sees the
timeline and rates the result 2, which reopens the need to the admin of 河西社区, whose inbox has
the notice and whose 诉求督办 lists it; the admin refers it (转办) to a department, and the resident
sees where it went. The server's records and the inbox notices are checked.
Screenshots go to test-artifacts/need-*.png."""

import pytest
from sqlalchemy import select

from server.notices.models import InboxEntry
from server.tasks.need_models import Need
from tests.e2e.conftest import ARTIFACTS, wait_until
from tests.e2e.test_wishes_ui import PULL, go, offline, photo, ready, synced
from tests.factories import user

ADMIN, WORKER = "13800000002", "13800000003"
RESIDENT = "13900000301"


@pytest.fixture
def resident(app, db, world):
    """A resident of 河西小区 1号楼 101 (grid 河西社区第一网格, worked by 网格员甲)."""
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    someone = user("李阿姨", [("resident", "household_id", world.hh_hexi1[0])], phone=RESIDENT)
    db.session.commit()
    return someone.id


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"need-{name}.png"), full_page=True)


def test_a_need_filed_offline_is_resolved_by_the_grid_worker_and_a_low_rating_reopens_it(
    live_server, db, world, resident, phones
):
    # The resident files a need with a photo, with no signal.
    home_ctx, home = phones()
    ready(home, live_server, RESIDENT)
    home.get_by_test_id("needs-open").click()
    home.get_by_test_id("needs-empty").wait_for()
    shoot(home, "resident-empty")
    home.get_by_test_id("need-new").click()
    home.get_by_test_id("need-form").wait_for()
    offline(home_ctx, home)
    home.get_by_test_id("need-text").fill("3号楼楼道灯坏了一个星期，晚上老人上下楼看不见。")
    home.get_by_test_id("need-save").click()  # nothing written yet: the category is required
    assert home.get_by_test_id("need-category").locator(".field__error").inner_text() == "请选择类别。"
    home.locator("label:has([data-testid=need-category-repair])").click()
    assert home.get_by_test_id("need-deadline-hint").inner_text() == "网格员 2 小时内响应，72 小时内办结。"
    photo(home, "need-photos", (90, 90, 140))
    shoot(home, "resident-new")
    home.get_by_test_id("need-save").click()
    home.get_by_test_id("need").wait_for()
    need_id = home.evaluate("location.hash.split('/')[2]")
    home.get_by_test_id("pending-note").wait_for()
    assert home.get_by_test_id("need-status").inner_text() == "已接收"
    shoot(home, "resident-filed-offline")
    assert db.session.get(Need, need_id) is None  # still only on the phone

    home_ctx.set_offline(False)
    synced(home)
    need = db.session.get(Need, need_id)
    assert (need.user_id, need.status, need.grid_id, need.category) == (resident, "received", world.g1, "repair")
    assert len(need.photos) == 1

    # The grid worker finds it in their work, accepts it and resolves it with a note and a photo.
    work_ctx, work = phones()
    ready(work, live_server, WORKER)
    row = work.locator(f'[data-testid=need-work-open] [data-testid=need-row][data-id="{need_id}"]')
    row.wait_for()
    assert work.get_by_test_id("my-tasks").count() == 1, "beside the task list"
    shoot(work, "worker-home")
    row.click()
    work.get_by_test_id("need-accept").click()
    wait_until(work, "document.querySelector('[data-testid=need-status]')?.dataset.status === 'accepted'")
    work.get_by_test_id("need-handle-form").wait_for()
    work.get_by_test_id("need-handle-save").click()  # a resolution says what was done
    assert work.get_by_test_id("need-note").locator("xpath=..").locator(".field__error").inner_text() == (
        "请填写办理情况。"
    )
    work.get_by_test_id("need-note").fill("已联系物业更换 3 号楼一至六层楼道灯。")
    assert work.locator("#need-note-input-error").inner_text() == "", "the message goes once it is answered"
    photo(work, "need-handle-photos", (230, 220, 120))
    shoot(work, "worker-resolve")
    work.get_by_test_id("need-handle-save").click()
    wait_until(work, "document.querySelector('[data-testid=need-status]')?.dataset.status === 'resolved'")
    synced(work)
    db.session.expire_all()
    need = db.session.get(Need, need_id)
    assert (need.status, need.handle_note, len(need.handle_photos)) == (
        "resolved",
        "已联系物业更换 3 号楼一至六层楼道灯。",
        1,
    )
    assert need.accepted_at is not None and need.resolved_at is not None

    # The resident sees the timeline, and rates the result 2: it goes back to the community.
    wait_until(home, PULL, timeout=30)
    go(home, f"/needs/{need_id}")
    home.get_by_test_id("need-rate-form").wait_for(timeout=30000)
    steps = home.get_by_test_id("timeline-step")
    assert [steps.nth(i).get_attribute("data-status") for i in range(4)] == [
        "received",
        "accepted",
        "in_progress",
        "resolved",
    ]
    assert [steps.nth(i).get_attribute("data-done") for i in range(4)] == ["true"] * 4
    assert home.get_by_test_id("need-note-shown").inner_text() == "已联系物业更换 3 号楼一至六层楼道灯。"
    shoot(home, "resident-timeline")
    home.locator("label:has([data-testid=need-rating-2])").click()
    home.get_by_test_id("need-reopen-warning").wait_for()
    home.get_by_test_id("need-rating-comment").fill("只换了两层，五楼还是黑的。")
    shoot(home, "resident-rate")
    home.get_by_test_id("need-rate-save").click()
    synced(home)
    db.session.expire_all()
    need = db.session.get(Need, need_id)
    assert (need.rating, need.status, need.escalated, need.escalation) == (2, "in_progress", True, "low_rating")
    wait_until(home, PULL, timeout=30)
    home.get_by_test_id("need-escalated").wait_for(timeout=30000)
    assert home.get_by_test_id("need-status").inner_text() == "办理中"
    shoot(home, "resident-reopened")

    # The admin of 河西社区 has the notice in the inbox, and the need first in 诉求督办.
    desk_ctx, desk = phones()
    ready(desk, live_server, ADMIN)
    desk.get_by_test_id("needs-escalated-count").wait_for(timeout=30000)
    assert desk.get_by_test_id("needs-escalated-count").inner_text() == "1"
    go(desk, "/inbox")
    desk.get_by_test_id("inbox-row").first.wait_for()
    notice = desk.get_by_test_id("inbox-list").inner_text()
    assert "诉求需要社区处理（设施维修）" in notice and "居民不满意，请及时督办" in notice
    shoot(desk, "admin-inbox")
    go(desk, "/admin/needs")
    desk.locator(f'[data-testid=need-escalated-list] [data-testid=need-row][data-id="{need_id}"]').wait_for()
    desk.get_by_test_id("need-figures").wait_for(timeout=30000)
    shoot(desk, "admin-queue")

    # The admin refers it to the department that can fix the wiring; the resident hears where it went.
    desk.locator(f'[data-testid=need-escalated-list] [data-testid=need-row][data-id="{need_id}"]').click()
    desk.get_by_test_id("need-handle-form").wait_for()
    desk.locator("label:has([data-testid=need-outcome-referred])").click()
    desk.get_by_test_id("need-referred-to").fill("区住建局")
    desk.get_by_test_id("need-note").fill("楼道线路老化，需要住建局安排改造。")
    shoot(desk, "admin-refer")
    desk.get_by_test_id("need-handle-save").click()
    wait_until(desk, "document.querySelector('[data-testid=need-status]')?.dataset.status === 'referred'")
    synced(desk)
    db.session.expire_all()
    need = db.session.get(Need, need_id)
    assert (need.status, need.referred_to, need.handle_note) == (
        "referred",
        "区住建局",
        "楼道线路老化，需要住建局安排改造。",
    )
    wait_until(home, PULL, timeout=30)
    home.get_by_test_id("need-referred-to-shown").wait_for(timeout=30000)
    assert home.locator("[data-testid=timeline-step]").nth(3).get_attribute("data-status") == "referred"
    shoot(home, "resident-referred")

    def kinds(user_id):
        rows = db.session.scalars(select(InboxEntry.kind).where(InboxEntry.user_id == user_id))
        return sorted(kind for kind in rows if kind.startswith("need_"))

    db.session.expire_all()
    assert kinds(resident) == ["need_accepted", "need_referred", "need_resolved"]
    assert kinds(world.worker_a) == ["need_received"]
    assert kinds(world.hexi_admin) == ["need_escalated"]
