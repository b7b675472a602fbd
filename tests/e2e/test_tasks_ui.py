"""The grid worker's screens in real Chromium against the real server (DESIGN.md S1, S4): tasks
assigned by an admin show in 我的任务 (a new one without reload); offline, the worker starts and
completes one with a photo and GPS and reports a problem; reopened offline it is all there and
pending; online again the server has it. A task cancelled while the worker completed it offline
shows in the conflict view with both values side by side. Screenshots at 360×740 and 1280×800
go to /tmp/redgrid-shots/ for a person to look at."""

import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import func, select

from server.blobs.models import Blob
from server.core import clock
from server.tasks import sync as task_entities  # noqa: F401  (registers task and field_report with the engine)
from server.tasks.models import FieldReport, Task
from tests.e2e.conftest import CHROMIUM_ARGS, DESK, PHONE, wait_until  # noqa: F401
from tests.e2e.test_shell import sign_in
from tests.server.test_sync_api import push, signed_in

SHOTS = Path("/tmp/redgrid-shots")
ZONE = ZoneInfo("Asia/Shanghai")
SYNCED = "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')"
OUTBOX = "import('/js/db.js').then((db) => db.listOutbox()).then((entries) => entries.length)"
CHECKLIST = [
    {"key": "smoke", "text": "烟感报警器是否正常"},
    {"key": "gas", "text": "燃气管道有无老化、私接"},
    {"key": "exit", "text": "楼道是否堆放杂物"},
]


def shoot(page, name: str) -> None:
    """The screen at phone size and at desk size, full length."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky bar belongs at the top of a full-page shot
    page.screenshot(path=str(SHOTS / f"{name}-360.png"), full_page=True)
    page.set_viewport_size(DESK)
    page.wait_for_timeout(150)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(150)


def camera_photo(colour=(60, 120, 180)) -> bytes:
    """A 2000×1500 JPEG as a phone camera makes them (the PWA downscales it to 1600 px)."""
    buffer = io.BytesIO()
    Image.new("RGB", (2000, 1500), colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def assign(admin, target_kind, target_id, assignee, title, due, **fields):
    """The admin creates a task through the sync engine, as the admin desk does."""
    record_id = str(uuid.uuid4())
    mutation = {
        "id": str(uuid.uuid4()),
        "entity": "task",
        "record_id": record_id,
        "op": "create",
        "fields": {
            "type": "visit",
            "title": title,
            "target_kind": target_kind,
            "target_id": target_id,
            "assignee_id": assignee,
            "due_at": due.isoformat(),
            "priority": "normal",
            **fields,
        },
    }
    (result,) = push(admin, mutation, client_id="admin-desk").get_json()["results"]
    assert result["status"] == "applied", result
    return record_id


def admin_update(admin, record_id, base_version, **fields):
    mutation = {
        "id": str(uuid.uuid4()),
        "entity": "task",
        "record_id": record_id,
        "op": "update",
        "base_version": base_version,
        "fields": fields,
    }
    (result,) = push(admin, mutation, client_id="admin-desk").get_json()["results"]
    assert result["status"] in ("applied", "conflict"), result
    return result


def row(page, record_id):
    return page.locator(f'[data-testid="task-row"][data-id="{record_id}"]')


def seed_day(app, world):
    """A worker's day: one task overdue since yesterday, one due later today (when there is a
    later today), one next week with a checklist, one hazard check in building 2."""
    admin = signed_in(app, "13800000002")
    now = datetime.now(UTC)
    local_now = now.astimezone(ZONE)
    tasks = {}
    with clock.at(now - timedelta(days=2)):  # made two days ago, due yesterday: overdue now
        tasks["overdue"] = assign(
            admin,
            "household",
            world.hh_hexi1[1],
            world.worker_a,
            "核实102户常住人口信息",
            now - timedelta(days=1),
            type="verify",
            priority="high",
        )
    later_today = local_now + timedelta(minutes=40)
    tasks["today"] = assign(
        admin,
        "building",
        world.b_hexi2,
        world.worker_a,
        "2号楼消防通道隐患排查",
        later_today,
        type="hazard",
        priority="urgent",
        description="重点检查电动车楼道充电、杂物堆放。",
    )
    tasks["today_is_today"] = later_today.date() == local_now.date()
    tasks["visit"] = assign(
        admin,
        "household",
        world.hh_hexi1[0],
        world.worker_a,
        "走访独居老人，了解生活需求",
        now + timedelta(days=3),
        checklist=CHECKLIST,
        description="老人独居，注意用电用气安全。",
    )
    tasks["notice"] = assign(
        admin,
        "compound",
        world.hexi_xiaoqu,
        world.worker_a,
        "停水通知送达各楼栋",
        now + timedelta(days=5),
        type="notice",
        priority="low",
    )
    return admin, tasks


def test_a_worker_completes_a_task_offline_with_photo_and_gps_and_sees_it_pending_after_reopening(
    live_server, app, phone, phone_page, db, world
):
    admin, tasks = seed_day(app, world)
    page = phone_page
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("my-tasks").wait_for()
    row(page, tasks["visit"]).wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, SYNCED)

    # The groups: yesterday's task is overdue, next week's upcoming.
    assert (
        row(page, tasks["overdue"]).locator("xpath=ancestor::section[1]").get_attribute("data-testid")
        == "section-overdue"
    )
    assert "已逾期" in row(page, tasks["overdue"]).inner_text()
    if tasks["today_is_today"]:
        assert page.get_by_test_id("section-today").locator(f'[data-id="{tasks["today"]}"]').count() == 1
    assert page.get_by_test_id("section-upcoming").locator(f'[data-id="{tasks["visit"]}"]').count() == 1
    assert "入户走访" in row(page, tasks["visit"]).inner_text(), "type chip in Chinese"
    shoot(page, "01-my-tasks")

    # Filter and search, offline data only.
    page.get_by_test_id("filter-type").select_option("hazard")
    wait_until(page, "document.querySelectorAll('[data-testid=task-row]').length === 1")
    page.get_by_test_id("filter-type").select_option("")
    page.get_by_test_id("task-search").fill("独居")
    wait_until(page, "document.querySelectorAll('[data-testid=task-row]').length === 1")
    page.get_by_test_id("task-search").fill("")

    # A new assignment reaches the open list without a reload (Socket.IO poke → pull → redraw).
    page.wait_for_timeout(500)
    fresh = assign(
        admin,
        "household",
        world.hh_hexi2[0],
        world.worker_a,
        "新派发：代办医保报销材料",
        datetime.now(UTC) + timedelta(days=2),
        type="agency",
    )
    row(page, fresh).wait_for(timeout=10000)

    # No signal from here on.
    phone.set_offline(True)
    wait_until(page, "document.querySelector('[data-testid=net-status]').dataset.online === 'false'")
    row(page, tasks["visit"]).click()
    page.get_by_test_id("task-detail").wait_for()
    page.get_by_test_id("task-start").wait_for()
    assert "走访独居老人" in page.get_by_test_id("task-title").inner_text()
    shoot(page, "02-task-detail")
    page.get_by_test_id("task-start").click()
    wait_until(page, "document.querySelector('[data-testid=task-status]')?.textContent === '进行中'")
    assert page.get_by_test_id("task-start").count() == 0
    assert page.get_by_test_id("badge-pending").first.is_visible()

    page.get_by_test_id("task-complete").click()
    page.get_by_test_id("complete").wait_for()
    wait_until(page, "document.querySelector('[data-testid=location-field]').dataset.status === 'ok'")
    assert "精度约 12 米" in page.get_by_test_id("location-field-text").inner_text()
    assert "34.0357" in page.get_by_test_id("location-field-coords").inner_text()
    page.get_by_test_id("complete-save").click()  # nothing chosen yet: refused on the phone, with reasons
    assert "请选择处理结果" in page.get_by_test_id("complete-error").inner_text()
    page.locator("label:has([data-testid=outcome-problem_found])").click()
    for key, answer in (("smoke", "yes"), ("gas", "no"), ("exit", "na")):
        page.locator(f"label:has([data-testid=check-{key}-{answer}])").click()
    page.get_by_test_id("notes").fill("老人身体尚可；燃气软管老化，已提醒更换。")
    page.get_by_test_id("photos-input").set_input_files(
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": camera_photo()}
    )
    page.get_by_test_id("photo-thumb").wait_for()
    wait_until(page, "document.querySelector('[data-testid=photo-thumb] img').naturalWidth > 0")
    shoot(page, "03-complete-form")
    page.get_by_test_id("complete-save").click()
    page.get_by_test_id("task-report").wait_for()
    assert page.get_by_test_id("task-status").inner_text() == "已完成"
    assert page.get_by_test_id("pending-note").is_visible()
    shoot(page, "04-task-done-pending")

    # A problem found on the way, reported offline.
    page.get_by_test_id("back").click()
    page.get_by_test_id("report-open").click()
    page.get_by_test_id("report-form").wait_for()
    page.locator("label:has([data-testid=category-safety])").click()
    page.get_by_test_id("report-description").fill("1号楼2单元楼道有电动车充电，飞线从窗户拉出。")
    page.get_by_test_id("photos-input").set_input_files(
        {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": camera_photo((200, 90, 40))}
    )
    page.get_by_test_id("photo-thumb").wait_for()
    wait_until(page, "document.querySelector('[data-testid=location-field]').dataset.status === 'ok'")
    shoot(page, "05-report-form")
    page.get_by_test_id("report-save").click()
    page.get_by_test_id("flash").wait_for()

    # Yesterday's check cannot be done: nobody at home.
    row(page, tasks["overdue"]).click()
    page.get_by_test_id("task-unable").click()
    page.get_by_test_id("unable").wait_for()
    page.get_by_test_id("unable-save").click()
    assert page.get_by_test_id("unable-reason").get_attribute("aria-invalid") == "true", "a reason is required"
    page.get_by_test_id("unable-reason").fill("多次敲门无人应答，邻居称住户外出务工。")
    shoot(page, "05b-unable-form")
    page.get_by_test_id("unable-save").click()
    wait_until(page, "document.querySelector('[data-testid=task-status]')?.textContent === '无法完成'")
    page.get_by_test_id("back").click()
    page.get_by_test_id("my-tasks").wait_for()
    assert page.evaluate(OUTBOX) == 4, "start, completion, report, unable"

    # Close the app; open it again with no signal: everything is there, pending.
    page.close()
    page = phone.new_page()
    page.goto(live_server)
    page.get_by_test_id("my-tasks").wait_for()
    page.get_by_test_id("section-done").locator("summary").click()
    done = row(page, tasks["visit"])
    done.wait_for()
    assert done.get_by_test_id("badge-pending").is_visible()
    page.get_by_test_id("my-reports").locator("summary").click()
    report = page.get_by_test_id("report-row").first
    assert "电动车" in report.inner_text() and report.get_by_test_id("badge-pending").is_visible()
    wait_until(page, "document.querySelector('[data-testid=sync-chip-text]').textContent.includes('4 条修改待同步')")
    shoot(page, "06-reopened-offline")
    assert db.session.scalar(select(Task.status).where(Task.id == tasks["visit"])) == "assigned", "nothing sent yet"

    # Signal again: it all goes by itself, once.
    phone.set_offline(False)
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=30)
    wait_until(page, SYNCED, timeout=30)
    db.session.expire_all()
    task = db.session.get(Task, tasks["visit"])
    assert (task.status, task.outcome, task.location_status) == ("done", "problem_found", "ok")
    assert task.checklist_answers == {"smoke": "yes", "gas": "no", "exit": "na"}
    assert task.location["lat"] == pytest.approx(34.0357) and task.location["accuracy"] == 12
    assert task.status_location == task.location
    assert [h["to"] for h in task.history] == ["assigned", "in_progress", "done"]
    assert task.history[1]["location"] == task.history[2]["location"] == task.location, "each change says where"
    assert len(task.photos) == 1 and db.session.get(Blob, task.photos[0]).width == 1600
    (field_report,) = db.session.scalars(select(FieldReport)).all()
    assert (field_report.category, field_report.grid_id, field_report.created_by_id) == (
        "safety",
        world.g1,
        world.worker_a,
    )
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 2
    unable = db.session.get(Task, tasks["overdue"])
    assert (unable.status, unable.unable_reason, unable.location_status) == (
        "unable",
        "多次敲门无人应答，邻居称住户外出务工。",
        None,
    )
    done = row(page, tasks["visit"])
    wait_until(
        page,
        f"!document.querySelector('[data-testid=task-row][data-id=\"{tasks['visit']}\"] [data-testid=badge-pending]')",
    )
    assert done.is_visible()


def test_a_task_cancelled_while_the_worker_completed_it_shows_both_values_in_the_conflict_view(
    live_server, app, phone, phone_page, db, world
):
    admin, tasks = seed_day(app, world)
    page = phone_page
    sign_in(page, live_server, "13800000003")
    row(page, tasks["notice"]).wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, SYNCED)

    phone.set_offline(True)
    page.goto(f"{live_server}/#/tasks/{tasks['notice']}/complete")  # straight from the address, offline
    page.get_by_test_id("complete").wait_for()
    page.locator("label:has([data-testid=outcome-ok])").click()
    page.get_by_test_id("notes").fill("已在各单元门口张贴停水通知。")
    page.get_by_test_id("complete-save").click()
    page.get_by_test_id("task-report").wait_for()

    # Meanwhile at the community office the admin cancels the task.
    version = db.session.scalar(select(Task.version).where(Task.id == tasks["notice"]))
    admin_update(admin, tasks["notice"], version, status="cancelled")

    phone.set_offline(False)
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=30)
    page.goto(f"{live_server}/#/sync")
    page.get_by_test_id("conflict").first.wait_for()
    conflict = page.locator('[data-testid="conflict"][data-field="status"]')
    assert conflict.get_by_test_id("conflict-field").inner_text() == "任务状态"
    assert "已取消" in conflict.get_by_test_id("conflict-server").inner_text()
    assert "已完成" in conflict.get_by_test_id("conflict-client").inner_text()
    assert "已采用" in conflict.get_by_test_id("conflict-server").inner_text()
    shoot(page, "07-conflicts")
    db.session.expire_all()
    kept = db.session.get(Task, tasks["notice"])
    assert (kept.status, kept.notes) == ("cancelled", "已在各单元门口张贴停水通知。"), "the work is kept"


def test_a_report_the_server_refuses_stays_visible_with_its_reason_and_is_fixed_from_the_form(
    live_server, app, phone, phone_page, db, world
):
    page = phone_page
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("my-tasks").wait_for()
    wait_until(page, SYNCED)
    # A report naming a building of another grid (e.g. picked from a stale directory): refused.
    page.evaluate(
        f"""async (building) => {{
            const outbox = await import('/js/outbox.js');
            await outbox.enqueue({{ entity: 'field_report', op: 'create', fields: {{
                category: 'facility', description: '单元门禁损坏，门无法关闭', grid_id: {world.g1:d}, \
building_id: building,
                location: null, location_status: 'unavailable', reported_at: new Date().toISOString() }} }});
            await (await import('/js/sync-client.js')).syncNow();
        }}""",
        world.b_wenfeng2,
    )
    # Home says so at once, in the header's chip and above the work, and leads to the details.
    page.get_by_test_id("refused-banner").wait_for()
    assert page.get_by_test_id("sync-chip-text").inner_text() == "1 项需处理"
    assert page.get_by_test_id("net-status").get_attribute("data-state") == "refused"
    page.get_by_test_id("refused-banner").click()
    item = page.get_by_test_id("rejected-item")
    item.wait_for()
    assert "单元门禁损坏" in item.inner_text()
    assert "楼栋" in item.inner_text(), "the field named in Chinese"
    shoot(page, "08-refused-report")
    item.get_by_test_id("rejected-fix").click()
    page.get_by_test_id("fixing-note").wait_for()
    assert page.get_by_test_id("report-description").input_value() == "单元门禁损坏，门无法关闭"
    page.get_by_test_id("report-building").select_option(str(world.b_hexi1))
    page.get_by_test_id("report-save").click()
    page.get_by_test_id("my-tasks").wait_for()
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=30)
    db.session.expire_all()
    (report,) = db.session.scalars(select(FieldReport)).all()
    assert (report.description, report.building_id) == ("单元门禁损坏，门无法关闭", world.b_hexi1)
