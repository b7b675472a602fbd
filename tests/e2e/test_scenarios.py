"""The acceptance scenarios of grid work end to end (DESIGN.md §3), real server and Chromium:

S1 Offline day: a grid worker signs in online, goes offline, completes three tasks with notes, a
photo and GPS each, reports two problems, closes the app and opens it again offline — all there,
pending; back online everything syncs by itself, the server holds each report, field report and
photo exactly once, and the admin's 任务管理 (open on another computer) shows the progress move
without a reload.

S4 Conflict: the admin cancels a task in the admin screen while the worker, offline, completes
it; after the sync the work is kept and the status stays cancelled; the admin sees the conflict
with both values and resolves it in the conflict view.
"""

import pytest
from sqlalchemy import func, select

from server.blobs.models import Blob
from server.sync.models import SyncConflict, SyncMutation
from server.tasks import sync as task_entities  # noqa: F401  (registers task and field_report with the engine)
from server.tasks.models import FieldReport, Task
from tests.e2e.admin_desk import admin_signs_in, grid_count, shoot, text_of
from tests.e2e.conftest import XUCHANG, wait_until
from tests.e2e.test_shell import sign_in
from tests.e2e.test_tasks_ui import camera_photo
from tests.server.tasks_support import HEXI_ADMIN, WORKER_A, later, new_task, signed_in

SYNCED = "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')"
OUTBOX = "import('/js/db.js').then((db) => db.listOutbox()).then((entries) => entries.length)"
COLOURS = [(60, 120, 180), (200, 90, 40), (40, 160, 90), (150, 40, 160), (230, 200, 30)]


def go(page, path: str) -> None:
    """Moves inside the app by its address, as a tap on a link does (no page load)."""
    page.evaluate("(path) => { location.hash = path; }", f"#{path}")


def complete_offline(page, task_id: str, notes: str, colour) -> None:
    """The worker's completion form: outcome, notes, one photo from the camera, the GPS fix."""
    go(page, f"/tasks/{task_id}")
    page.get_by_test_id("task-complete").click()
    page.get_by_test_id("complete").wait_for()
    page.locator("label:has([data-testid=outcome-ok])").click()
    page.get_by_test_id("notes").fill(notes)
    page.get_by_test_id("photos-input").set_input_files(
        {"name": "IMG.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(colour)}
    )
    page.get_by_test_id("photo-thumb").wait_for()
    wait_until(page, "document.querySelector('[data-testid=location-field]')?.dataset.status === 'ok'")
    page.get_by_test_id("complete-save").click()
    page.get_by_test_id("task-report").wait_for()
    assert page.get_by_test_id("task-status").inner_text() == "已完成"


def report_offline(page, category: str, description: str, colour) -> None:
    go(page, "/")
    page.get_by_test_id("report-open").click()
    page.get_by_test_id("report-form").wait_for()
    page.locator(f"label:has([data-testid=category-{category}])").click()
    page.get_by_test_id("report-description").fill(description)
    page.get_by_test_id("photos-input").set_input_files(
        {"name": "IMG.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(colour)}
    )
    page.get_by_test_id("photo-thumb").wait_for()
    wait_until(page, "document.querySelector('[data-testid=location-field]')?.dataset.status === 'ok'")
    page.get_by_test_id("report-save").click()
    page.get_by_test_id("flash").wait_for()


def test_s1_an_offline_day_syncs_once_and_the_admin_sees_the_progress_live(
    live_server, app, phone, phone_page, desk, desk_page, db, world
):
    admin = signed_in(app, HEXI_ADMIN)
    work = {
        new_task(admin, "household", world.hh_hexi1[0], title="走访独居老人，了解生活需求", due_at=later(days=1))[
            "id"
        ]: "老人身体尚可，已提醒注意用电安全。",
        new_task(admin, "building", world.b_hexi2, type="hazard", title="2号楼消防通道隐患排查", due_at=later(hours=6))[
            "id"
        ]: "楼道杂物已清理，消防通道畅通。",
        new_task(admin, "compound", world.hexi_xiaoqu, type="notice", title="停水通知送达各楼栋", due_at=later(days=2))[
            "id"
        ]: "已在各单元门口张贴停水通知。",
    }
    problems = {"safety": "1号楼2单元楼道有电动车充电，飞线从窗户拉出。", "facility": "2号楼单元门禁损坏，门无法关闭。"}

    # The admin's desk, open on 任务管理 all day.
    admin_signs_in(desk_page, live_server)
    desk_page.get_by_test_id("admin-tasks-open").click()
    desk_page.locator(f'[data-testid=progress-grid][data-grid-id="{world.g1}"]').wait_for()
    wait_until(desk_page, f"document.querySelectorAll('[data-testid=admin-task-row]').length === {len(work)}")
    assert grid_count(desk_page, world.g1, "assigned") == "3" and grid_count(desk_page, world.g1, "done") == "0"
    desk_page.evaluate("window.__sameDocument = true")  # gone if the page were loaded again

    # The worker starts the day online: the app, the tasks and the directory come onto the phone.
    page = phone_page
    sign_in(page, live_server, WORKER_A)
    page.get_by_test_id("my-tasks").wait_for()
    for task_id in work:
        page.locator(f'[data-testid=task-row][data-id="{task_id}"]').wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, SYNCED)

    # Stairwells and basements: no signal.
    phone.set_offline(True)
    wait_until(page, "document.querySelector('[data-testid=net-status]').dataset.online === 'false'")
    for (task_id, notes), colour in zip(work.items(), COLOURS):
        complete_offline(page, task_id, notes, colour)
    for (category, description), colour in zip(problems.items(), COLOURS[3:]):
        report_offline(page, category, description, colour)
    assert page.evaluate(OUTBOX) == 5, "three completions and two reports wait on the phone"

    # The app is closed, and opened again, still without signal: everything is there, pending.
    page.close()
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server)
    page.get_by_test_id("my-tasks").wait_for()
    page.get_by_test_id("section-done").locator("summary").click()
    for task_id in work:
        row = page.locator(f'[data-testid=task-row][data-id="{task_id}"]')
        assert row.get_attribute("data-status") == "done"
        assert row.get_by_test_id("badge-pending").is_visible()
    page.get_by_test_id("my-reports").locator("summary").click()
    reports = page.get_by_test_id("report-row")
    assert reports.count() == 2
    for i in range(2):
        assert reports.nth(i).get_by_test_id("badge-pending").is_visible()
    wait_until(page, "document.querySelector('[data-testid=sync-chip-text]').textContent.includes('5 条修改待同步')")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(FieldReport)) == 0, "nothing has left the phone"
    assert grid_count(desk_page, world.g1, "done") == "0"

    # Signal again: it all goes by itself.
    phone.set_offline(False)
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=45)
    wait_until(page, SYNCED, timeout=30)

    # The server has each report, each field report and each photo exactly once.
    db.session.expire_all()
    hashes = []
    for task_id, notes in work.items():
        task = db.session.get(Task, task_id)
        assert (task.status, task.outcome, task.notes, task.location_status) == ("done", "ok", notes, "ok")
        assert (
            task.location["lat"] == pytest.approx(XUCHANG["latitude"])
            and task.location["accuracy"] == XUCHANG["accuracy"]
        )
        assert [entry["to"] for entry in task.history].count("done") == 1
        assert len(task.photos) == 1
        hashes += task.photos
    field_reports = db.session.scalars(select(FieldReport).order_by(FieldReport.reported_at)).all()
    assert [(r.category, r.description) for r in field_reports] == list(problems.items())
    assert all(
        r.created_by_id == world.worker_a and r.grid_id == world.g1 and len(r.photos) == 1 for r in field_reports
    )
    hashes += [r.photos[0] for r in field_reports]
    assert len(set(hashes)) == 5
    assert sorted(db.session.scalars(select(Blob.sha256))) == sorted(hashes), "each photo stored once, nothing else"
    assert all(db.session.get(Blob, sha).width == 1600 for sha in hashes), "downscaled on the phone"
    mutations = db.session.scalar(
        select(func.count()).select_from(SyncMutation).where(SyncMutation.user_id == world.worker_a)
    )
    assert mutations == 5

    # A retried upload and a sync with nothing new create nothing.
    worker = signed_in(app, WORKER_A)
    body = page.evaluate(
        "(sha) => fetch(`/api/blobs/${sha}`).then((r) => r.arrayBuffer()).then((b) => Array.from(new Uint8Array(b)))",
        hashes[0],
    )
    again = worker.send("PUT", f"/api/blobs/{hashes[0]}", data=bytes(body), content_type="application/octet-stream")
    assert again.status_code == 200, "already stored"
    page.evaluate("import('/js/sync-client.js').then((c) => c.syncNow())")
    wait_until(page, SYNCED)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Blob)) == 5
    assert db.session.scalar(select(func.count()).select_from(FieldReport)) == 2
    assert (
        db.session.scalar(select(func.count()).select_from(SyncMutation).where(SyncMutation.user_id == world.worker_a))
        == 5
    )
    wait_until(
        page,
        "!document.querySelector("
        f"'[data-testid=task-row][data-id=\"{next(iter(work))}\"] [data-testid=badge-pending]')",
    )

    # Meanwhile, at the community office, the figures moved by themselves.
    wait_until(
        desk_page,
        "document.querySelector("
        f"'[data-testid=progress-grid][data-grid-id=\"{world.g1}\"] [data-count=done] .pill__value')"
        "?.textContent === '3'",
        timeout=20,
    )
    assert desk_page.evaluate("window.__sameDocument === true"), "no reload"
    assert text_of(desk_page, "[data-testid=total-done]") == "3"
    assert "100%" in text_of(
        desk_page, f'[data-testid=progress-grid][data-grid-id="{world.g1}"] [data-testid=grid-percent]'
    )
    wait_until(
        desk_page,
        "[...document.querySelectorAll('[data-testid=admin-task-row]')].every((r) => r.dataset.status === 'done')",
    )
    shoot(desk_page, "s1-progress")
    assert errors == []


def test_s4_an_admin_cancels_while_the_worker_completes_offline_and_resolves_the_conflict(
    live_server, app, phone, phone_page, desk, desk_page, db, world
):
    admin = signed_in(app, HEXI_ADMIN)
    task_id = new_task(
        admin, "compound", world.hexi_xiaoqu, type="notice", title="停水通知送达各楼栋", due_at=later(days=1)
    )["id"]
    notes = "已在各单元门口张贴停水通知，并告知楼长。"

    page = phone_page
    sign_in(page, live_server, WORKER_A)
    page.locator(f'[data-testid=task-row][data-id="{task_id}"]').wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, SYNCED)
    phone.set_offline(True)

    # At the office the admin cancels the task, with a reason, in the admin screen.
    admin_signs_in(desk_page, live_server)
    go(desk_page, f"/admin/tasks/{task_id}")
    desk_page.get_by_test_id("admin-task-cancel").click()
    desk_page.get_by_test_id("cancel-panel-submit").click()
    assert desk_page.get_by_test_id("cancel-reason-error").inner_text() == "请写明取消原因，网格员会看到。"
    desk_page.get_by_test_id("cancel-reason").fill("停水计划取消，无需送达。")
    desk_page.get_by_test_id("cancel-panel-submit").click()
    wait_until(desk_page, "document.querySelector('[data-testid=admin-task-status]')?.textContent === '已取消'")
    db.session.expire_all()
    assert db.session.get(Task, task_id).status == "cancelled"
    assert db.session.get(Task, task_id).history[-1]["reason"] == "停水计划取消，无需送达。"

    # In a basement, the worker (who cannot know) completes it with a photo.
    complete_offline(page, task_id, notes, COLOURS[0])
    phone.set_offline(False)
    wait_until(page, f"{OUTBOX}.then((n) => n === 0)", timeout=45)
    wait_until(page, SYNCED, timeout=30)

    # The work is kept, the status stays the admin's, and a conflict waits for the admin.
    db.session.expire_all()
    task = db.session.get(Task, task_id)
    assert (task.status, task.notes, task.outcome) == ("cancelled", notes, "ok")
    assert len(task.photos) == 1 and db.session.get(Blob, task.photos[0]) is not None
    (conflict,) = db.session.scalars(select(SyncConflict).where(SyncConflict.record_id == task_id)).all()
    assert (conflict.field, conflict.server_value, conflict.client_value, conflict.resolved_at) == (
        "status",
        "cancelled",
        "done",
        None,
    )

    # The admin's open task page learns it live: the work is shown, and the conflict pointed out.
    desk_page.get_by_test_id("admin-task-conflict").wait_for(timeout=20000)
    assert desk_page.get_by_test_id("admin-report-notes").inner_text() == notes
    desk_page.get_by_test_id("admin-task-photo").wait_for()
    desk_page.get_by_test_id("admin-task-conflicts-open").click()
    card = desk_page.locator(f'[data-testid=conflict][data-id="{conflict.id}"]')
    card.wait_for()
    assert card.get_by_test_id("conflict-field").inner_text() == "任务状态"
    server_side, worker_side = (
        card.get_by_test_id("conflict-server").inner_text(),
        card.get_by_test_id("conflict-client").inner_text(),
    )
    assert "已取消" in server_side and "当前值" in server_side
    assert "已完成" in worker_side and "被覆盖的值" in worker_side
    wait_until(
        desk_page,
        f"document.querySelector('[data-testid=conflict][data-id=\"{conflict.id}\"] .conflict__author')"
        "?.textContent.includes('网格员甲')",
    )
    shoot(desk_page, "conflicts")

    # The worker did the job: the admin takes the overwritten value.
    card.get_by_test_id("conflict-use-losing").click()
    wait_until(
        desk_page,
        f"document.querySelector('[data-testid=conflict][data-id=\"{conflict.id}\"]')?.dataset.state === 'resolved'",
    )
    assert "改用另一值" in card.get_by_test_id("conflict-state").inner_text()
    db.session.expire_all()
    resolved = db.session.get(SyncConflict, conflict.id)
    assert (resolved.resolution, resolved.resolved_by_id) == ("use_losing", world.hexi_admin)
    task = db.session.get(Task, task_id)
    assert (task.status, task.notes) == ("done", notes)
    assert task.history[-1]["via"] == "conflict_resolution"
    # The worker's phone gets the decision with its next pull.
    page.evaluate("import('/js/sync-client.js').then((c) => c.syncNow())")
    wait_until(
        page,
        f"import('/js/db.js').then((db) => db.getRecord('task', '{task_id}')).then((r) => r?.data?.status === 'done')",
        timeout=20,
    )
