"""The admin's screens in real Chromium against the real server (issue 4, items 4 and 6 admin
side): giving out one task to a household with its worker and due time, following it (edit,
reassign, cancel with a reason, reopen, the history); a bulk creation that says how many tasks it
will make before, and what the server made after; the queue of field reports with photos, one
made a task from its draft and one dismissed with a reason; the new-task form's place picker, a search
(帝豪 → a household of 帝豪花园, by keyboard on a desk, by thumb on a phone). Every screen is photographed
at 360×740 and 1280×800 into /tmp/redgrid-shots/admin-*.png."""

import uuid

from sqlalchemy import select

from server.auth.models import RoleAssignment
from server.tasks import sync as task_entities  # noqa: F401  (registers task and field_report with the engine)
from server.tasks.models import FieldReport, Task
from tests.e2e.admin_desk import admin_signs_in, grid_count, shoot, text_of
from tests.e2e.conftest import PHONE, wait_until
from tests.server.tasks_support import (
    HEXI_ADMIN,
    ROOT_ADMIN,
    WORKER_A,
    create,
    later,
    new_task,
    photo,
    push_one,
    signed_in,
)


def go(page, path: str) -> None:
    page.evaluate("(path) => { location.hash = path; }", f"#{path}")


def choose(page, testid: str, value: str) -> None:
    """A big radio button (choices.js): tap its label."""
    page.locator(f"label:has([data-testid={testid}-{value}])").click()


def options_loaded(page, testid: str, value) -> None:
    wait_until(
        page, f"[...document.querySelector('[data-testid={testid}]').options].some((o) => o.value === '{value}')"
    )


def test_an_admin_gives_out_a_task_to_a_household_and_follows_it(live_server, app, desk, desk_page, db, world):
    admin = signed_in(app, HEXI_ADMIN)
    new_task(admin, "building", world.b_hexi1, title="1号楼入户走访", due_at=later(days=2))
    new_task(
        admin,
        "building",
        world.b_wenfeng1,
        type="hazard",
        title="文峰苑1号楼燃气隐患排查",
        due_at=later(hours=3),
        priority="urgent",
    )
    db.session.add(
        RoleAssignment(user_id=world.worker_b, role="grid_worker", org_unit_id=world.g1)
    )  # G1 has two workers now
    db.session.commit()
    page = desk_page
    admin_signs_in(page, live_server)
    shoot(page, "home")
    page.get_by_test_id("admin-tasks-open").click()
    page.locator(f'[data-testid=progress-grid][data-grid-id="{world.g2}"]').wait_for()
    wait_until(page, "document.querySelectorAll('[data-testid=admin-task-row]').length === 2")
    assert grid_count(page, world.g1, "assigned") == "1" and grid_count(page, world.g2, "assigned") == "1"
    assert "网格员甲" in text_of(page, f'[data-testid=progress-grid][data-grid-id="{world.g1}"]')
    page.get_by_test_id("filter-grid").select_option(str(world.g2))
    wait_until(page, "document.querySelectorAll('[data-testid=admin-task-row]').length === 1")
    page.get_by_test_id("filter-grid").select_option("")
    shoot(page, "tasks")

    # 派发任务: a visit to one household, by tomorrow, to the grid's second worker.
    page.get_by_test_id("admin-new-task").click()
    form = page.get_by_test_id("new-task-form")
    form.wait_for()
    page.get_by_test_id("new-task-submit").click()  # nothing filled in: told what is missing, on the phone
    assert "请选择任务类型" in page.get_by_test_id("new-task-error").inner_text()
    choose(page, "task-type", "visit")
    page.get_by_test_id("task-title-input").fill("走访低保户，核实家庭收入变化")
    page.get_by_test_id("task-description").fill("带上低保复核表，请户主签字。")
    choose(page, "target-kind", "household")
    page.get_by_test_id("target-place-q").fill("河西 1号楼 201")  # the place picker: words of its names
    page.locator(f"[data-testid=target-place-hit][data-id='{world.hh_hexi1[2]}']").click()
    assert "1号楼 1单元 201" in page.get_by_test_id("target-place-chosen").inner_text()
    options_loaded(page, "assignee", world.worker_b)
    assert "网格员甲（本网格网格员）" in page.get_by_test_id("assignee").inner_text(), "the grid's default worker first"
    page.get_by_test_id("assignee").select_option(str(world.worker_b))
    page.get_by_test_id("task-due-input").fill("2020-01-01T09:00")
    choose(page, "task-priority", "high")
    page.get_by_test_id("new-task-submit").click()
    assert "截止时间不能早于现在" in page.get_by_test_id("task-due-input-error").inner_text()
    page.get_by_test_id("due-tomorrow").click()
    shoot(page, "new-task")
    page.get_by_test_id("new-task-submit").click()
    page.get_by_test_id("admin-flash").wait_for()
    assert page.get_by_test_id("admin-task-title").inner_text() == "走访低保户，核实家庭收入变化"
    task = db.session.scalars(select(Task).where(Task.title == "走访低保户，核实家庭收入变化")).one()
    assert (task.target_kind, task.target_id, task.assignee_id, task.priority, task.type) == (
        "household",
        world.hh_hexi1[2],
        world.worker_b,
        "high",
        "visit",
    )
    assert task.due_at is not None
    wait_until(page, "document.querySelector('[data-testid=admin-task-place]').textContent.includes('1单元 201')")
    assert page.get_by_test_id("admin-task-assignee").inner_text() == "网格员乙"
    shoot(page, "task")

    # 修改: a clearer title.
    page.get_by_test_id("admin-task-edit").click()
    page.get_by_test_id("edit-title").fill("走访低保户，核实家庭收入变化（年度复核）")
    page.get_by_test_id("edit-panel-submit").click()
    wait_until(page, "document.querySelector('[data-testid=admin-task-saved]').textContent.includes('已保存')")
    db.session.expire_all()
    assert db.session.get(Task, task.id).title == "走访低保户，核实家庭收入变化（年度复核）"

    # 改派 back to the first worker.
    page.get_by_test_id("admin-task-reassign").click()
    options_loaded(page, "reassign-assignee", world.worker_a)
    page.get_by_test_id("reassign-assignee").select_option(str(world.worker_a))
    shoot(page, "reassign")
    page.get_by_test_id("reassign-panel-submit").click()
    wait_until(page, "document.querySelector('[data-testid=admin-task-assignee]').textContent === '网格员甲'")
    db.session.expire_all()
    assert db.session.get(Task, task.id).assignee_id == world.worker_a

    # 取消任务 with a reason, then 重新派发.
    page.get_by_test_id("admin-task-cancel").click()
    page.get_by_test_id("cancel-reason").fill("住户已搬离本社区。")
    shoot(page, "cancel")
    page.get_by_test_id("cancel-panel-submit").click()
    wait_until(page, "document.querySelector('[data-testid=admin-task-status]').textContent === '已取消'")
    assert "原因：住户已搬离本社区。" in page.get_by_test_id("admin-history").inner_text()
    assert page.get_by_test_id("admin-task-edit").count() == 0, "a cancelled task is reopened, not edited"
    page.get_by_test_id("admin-task-reopen").click()
    page.get_by_test_id("due-days3").click()
    page.get_by_test_id("reopen-panel-submit").click()
    wait_until(page, "document.querySelector('[data-testid=admin-task-status]').textContent === '待开始'")
    db.session.expire_all()
    assert [h["to"] for h in db.session.get(Task, task.id).history] == ["assigned", "assigned", "cancelled", "assigned"]
    assert page.get_by_test_id("admin-history-entry").count() == 4
    # The reassignment is in the history: who made it, from whom, to whom, by name.
    assert page.get_by_test_id("admin-history-assignees").inner_text() == "负责人：网格员乙 → 网格员甲"
    assert "改派" in page.get_by_test_id("admin-history").inner_text()
    shoot(page, "task-history")

    # Back on the list, the new task is there; the filters find it.
    page.get_by_test_id("back").click()
    page.get_by_test_id("admin-tasks").wait_for()
    page.get_by_test_id("filter-status").select_option("assigned")
    page.get_by_test_id("admin-search").fill("低保")
    wait_until(
        page,
        "document.querySelectorAll('[data-testid=admin-task-row]').length === 1 && "
        f"!!document.querySelector('[data-testid=admin-task-row][data-id=\"{task.id}\"]')",
    )


def test_a_bulk_creation_says_how_many_before_and_what_the_server_made_after(
    live_server, app, desk, desk_page, db, world
):
    page = desk_page
    admin_signs_in(page, live_server)
    go(page, "/admin/tasks/bulk")
    page.get_by_test_id("bulk-form").wait_for()
    assert "河西社区" in page.get_by_test_id("bulk-range").inner_text()
    choose(page, "bulk-kind", "building")
    choose(page, "task-type", "hazard")
    page.get_by_test_id("task-title-input").fill("消防器材检查")
    assert page.get_by_test_id("bulk-example").inner_text() == "示例：幸福小区 3号楼 消防器材检查"
    page.get_by_test_id("due-week").click()
    page.get_by_test_id("bulk-preview").click()
    page.get_by_test_id("bulk-confirmation").wait_for()
    # 河西小区 1号楼, 2号楼; 文峰苑 1号楼, 2号楼 (the last in no grid): the server's dry run says 3, and why
    assert (
        page.get_by_test_id("bulk-confirm-text").inner_text()
        == "将在「河西社区」为每个楼栋各派发一项“隐患排查”任务，共 3 项。"
    )
    assert "1 个对象不属于任何网格" in page.get_by_test_id("bulk-preview-message").inner_text()
    shoot(page, "bulk-confirm")
    assert db.session.scalar(select(Task.id).limit(1)) is None, "nothing made before the confirmation"
    page.get_by_test_id("bulk-confirm").click()
    page.get_by_test_id("bulk-result").wait_for()
    assert page.get_by_test_id("bulk-created").inner_text() == "3"
    assert "1 个对象不属于任何网格" in page.get_by_test_id("bulk-message").inner_text()
    assert "文峰苑 2号楼" in page.get_by_test_id("bulk-result").inner_text()
    shoot(page, "bulk-result")
    made = db.session.scalars(select(Task).order_by(Task.title)).all()
    assert {t.title for t in made} == {
        "河西小区 1号楼 消防器材检查",
        "河西小区 2号楼 消防器材检查",
        "文峰苑 1号楼 消防器材检查",
    }
    assert len({t.batch_id for t in made}) == 1 and {t.assignee_id for t in made} == {world.worker_a, world.worker_b}
    page.get_by_test_id("bulk-show").click()
    page.get_by_test_id("admin-tasks").wait_for()
    wait_until(page, "document.querySelectorAll('[data-testid=admin-task-row]').length === 3")
    assert grid_count(page, world.g1, "assigned") == "2"


def field_report(worker, world, category, description, colour):
    sha = photo(worker, colour)
    record_id = str(uuid.uuid4())
    result = push_one(
        worker,
        create(
            "field_report",
            record_id,
            category=category,
            description=description,
            grid_id=world.g1,
            building_id=world.b_hexi1,
            photos=[sha],
            location={"lat": 34.0357, "lng": 113.8523, "accuracy": 12},
            location_status="ok",
            reported_at="2026-11-27T09:30:00+08:00",
        ),
    )
    assert result["status"] == "applied", result
    return record_id


def test_field_reports_become_tasks_or_are_dismissed_with_a_reason(live_server, app, desk, desk_page, db, world):
    worker = signed_in(app, WORKER_A)
    safety = field_report(worker, world, "safety", "1号楼2单元楼道有电动车充电，飞线从窗户拉出。", (200, 90, 40))
    litter = field_report(worker, world, "sanitation", "1号楼北侧绿化带有建筑垃圾堆放。", (90, 160, 60))
    page = desk_page
    admin_signs_in(page, live_server)
    wait_until(page, "document.querySelector('[data-testid=admin-reports-count]')?.textContent === '2 条待处理'")
    page.get_by_test_id("admin-reports-open").click()
    page.locator(f'[data-testid=admin-report][data-id="{safety}"]').wait_for()
    assert page.get_by_test_id("admin-report").count() == 2
    wait_until(
        page,
        "[...document.querySelectorAll('[data-testid=report-photo] img')]"
        ".every((img) => img.complete && img.naturalWidth > 0)",
    )
    card = page.locator(f'[data-testid=admin-report][data-id="{safety}"]')
    assert "网格员甲" in card.inner_text() and "河西社区第一网格" in card.inner_text()
    shoot(page, "reports")

    # 转为任务: the form comes filled in from the report.
    card.get_by_test_id("report-convert").click()
    page.get_by_test_id("convert-form").wait_for()
    assert page.get_by_test_id("task-title-input").input_value().startswith("安全隐患：1号楼2单元楼道有电动车充电")
    assert page.locator("[data-testid=task-type-hazard]").is_checked()
    assert "河西小区 1号楼" in page.get_by_test_id("convert-target").inner_text()
    options_loaded(page, "assignee", world.worker_a)
    page.get_by_test_id("due-tomorrow").click()
    shoot(page, "convert")
    page.get_by_test_id("convert-submit").click()
    page.get_by_test_id("admin-flash").wait_for()
    db.session.expire_all()
    converted = db.session.get(FieldReport, safety)
    task = db.session.get(Task, converted.task_id)
    assert (converted.status, task.source_report_id, task.type, task.assignee_id, task.priority) == (
        "converted",
        safety,
        "hazard",
        world.worker_a,
        "high",
    )

    # 不予处理, with the reason the reporter will read.
    go(page, "/admin/reports")
    other = page.locator(f'[data-testid=admin-report][data-id="{litter}"]')
    other.wait_for()
    assert page.get_by_test_id("admin-report").count() == 1, "the converted one left the queue"
    other.get_by_test_id("report-dismiss").click()
    other.get_by_test_id("dismiss-confirm").click()
    assert other.get_by_test_id("dismiss-reason-error").inner_text() == "请写明原因，上报人会看到。"
    other.get_by_test_id("dismiss-reason").fill("已由物业公司清运完毕。")
    shoot(page, "dismiss")
    other.get_by_test_id("dismiss-confirm").click()
    page.get_by_test_id("reports-empty").wait_for()
    db.session.expire_all()
    dismissed = db.session.get(FieldReport, litter)
    assert (dismissed.status, dismissed.dismiss_reason) == ("dismissed", "已由物业公司清运完毕。")
    page.get_by_test_id("reports-dismissed").click()
    page.get_by_test_id("admin-report-reason").wait_for()
    assert page.get_by_test_id("admin-report-reason").inner_text() == "已由物业公司清运完毕。"


def _new_task_form(page, title: str) -> None:
    go(page, "/admin/tasks/new")
    page.get_by_test_id("new-task-form").wait_for()
    choose(page, "task-type", "visit")
    page.get_by_test_id("task-title-input").fill(title)
    choose(page, "target-kind", "household")


def test_the_place_picker_finds_a_household_by_its_words(live_server, desk_page, db, world):
    """The city's admin: 帝豪 → 帝豪花园's households, grouped under it; picked by keyboard at 1366
    wide, by a tap on a 360 px phone; each task made for the household picked, in its grid."""
    page = desk_page
    page.set_viewport_size({"width": 1366, "height": 900})
    admin_signs_in(page, live_server, ROOT_ADMIN)
    _new_task_form(page, "帝豪花园入户走访")
    assert page.get_by_test_id("target-grid").is_hidden()
    search = page.get_by_test_id("target-place-q")
    search.fill("帝豪")
    wait_until(page, "document.querySelectorAll('[data-testid=target-place-hit]').length === 3")
    assert "找到 3 个" in page.get_by_test_id("target-place-status").inner_text()
    assert page.locator(".scope-picker__path").all_inner_texts() == ["帝豪社区 › 帝豪花园"]
    shoot(page, "place-picker")
    search.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # the second household: 102
    page.keyboard.press("Enter")
    assert "1号楼 1单元 102" in page.get_by_test_id("target-place-chosen").inner_text()
    page.get_by_test_id("new-task-submit").click()
    page.get_by_test_id("admin-flash").wait_for()
    task = db.session.scalars(select(Task).where(Task.title == "帝豪花园入户走访")).one()
    assert (task.target_kind, task.target_id, task.grid_id) == ("household", world.hh_dihao1[1], world.g4)

    # A phone: every hit a thumb's width and 44 px tall; a tap picks.
    page.set_viewport_size(PHONE)
    _new_task_form(page, "帝豪花园1号楼201回访")
    page.get_by_test_id("target-place-q").fill("帝豪 201")
    hit = page.locator(f"[data-testid=target-place-hit][data-id='{world.hh_dihao1[2]}']")
    hit.wait_for()
    box = hit.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 280
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    hit.click()
    page.get_by_test_id("new-task-submit").click()
    page.get_by_test_id("admin-flash").wait_for()
    db.session.expire_all()
    task = db.session.scalars(select(Task).where(Task.title == "帝豪花园1号楼201回访")).one()
    assert (task.target_kind, task.target_id) == ("household", world.hh_dihao1[2])
