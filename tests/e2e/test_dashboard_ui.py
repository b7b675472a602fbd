"""工作看板 in real Chromium against the real server (issue 16 item 4, PROTOCOL.md §26): 河西社区's admin
opens the dashboard from home at 1366×900 and on a 360×740 phone — the figures of the cards and the
grid table as the records say, the chart drawn; a worker completes a task on their phone and the figure
moves without a reload; a figure opens the records behind it and a grid's name its own dashboard;
offline, the last answer still reads, 数据截至 HH:MM. Screenshots: /tmp/redgrid-shots/dashboard-*.png."""

from datetime import UTC, datetime, timedelta

from server.tasks import sync as task_entities  # noqa: F401  (registers task with the engine)
from tests import factories as f
from tests.e2e.admin_desk import admin_signs_in, shoot, text_of
from tests.e2e.conftest import PHONE, wait_until
from tests.server.tasks_support import HEXI_ADMIN, WORKER_A, later, new_task, push_one, signed_in, task_update

WIDE = {"width": 1366, "height": 900}
CHART_INKED = """(() => {
  const c = document.querySelector('[data-testid=dash-chart]');
  if (!c || c.dataset.drawn !== 'true' || !c.width || !c.height) return false;
  const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
})()"""


def figure(page, section, name):
    return text_of(page, f"[data-testid=fig-{section}-{name}]")


def cell(page, unit, section, name):
    return text_of(page, f"[data-testid=cell-{unit}-{section}-{name}]")


def test_the_community_dashboard_live_drilled_and_offline(live_server, app, desk, desk_page, db, world):
    admin = signed_in(app, HEXI_ADMIN)
    g1_task = new_task(admin, "building", world.b_hexi1, title="1号楼入户走访", due_at=later(days=2))
    new_task(admin, "building", world.b_wenfeng1, title="文峰苑1号楼隐患排查", due_at=later(days=2))
    now = datetime.now(UTC)
    f.task(world.g1, "assigned", created_at=now - timedelta(days=3), due_at=now - timedelta(days=1))  # overdue
    f.field_report(world.g2, "new", created_at=now - timedelta(days=1))
    f.need(
        world.resident,
        world.hh_hexi1[0],
        community_id=world.hexi,
        grid_id=world.g1,
        status="resolved",
        created_at=now - timedelta(days=2),
        respond_by=now - timedelta(days=2) + timedelta(hours=2),
        resolve_by=now + timedelta(days=1),
        accepted_at=now - timedelta(days=2) + timedelta(hours=1),
        resolved_at=now - timedelta(days=1),
        rating=5,
    )
    inspected = f.inspection(
        world.hexi_xiaoqu, f.inspection_template(), submitted_at=now - timedelta(days=1), score=80.0, max_score=100.0
    )
    f.order(inspected, world.wanjia, status="open", deadline_at=now - timedelta(hours=1))  # overdue
    db.session.commit()

    page = desk_page
    page.set_viewport_size(WIDE)
    admin_signs_in(page, live_server)
    page.get_by_test_id("admin-dashboard-open").click()
    page.get_by_test_id("dash-units").wait_for()
    assert "河西社区" in text_of(page, "h1")
    assert (figure(page, "tasks", "open"), figure(page, "tasks", "overdue")) == ("3", "1")
    assert (cell(page, world.g1, "tasks", "open"), cell(page, world.g2, "tasks", "open")) == ("2", "1")
    assert (figure(page, "reports", "new"), figure(page, "needs", "count")) == ("1", "1")
    assert (figure(page, "needs", "response_rate"), figure(page, "needs", "satisfaction_rate")) == ("100%", "100%")
    assert cell(page, "total", "tasks", "open") == "3"
    assert (figure(page, "inspections", "mean_score"), figure(page, "inspections", "overdue_orders")) == ("80", "1")
    assert "许昌万家物业服务有限公司" in text_of(page, "[data-testid=dash-companies]")
    wait_until(page, CHART_INKED)
    # Desk: the cards side by side, the table in one piece.
    columns = page.evaluate("getComputedStyle(document.querySelector('.dash-cards')).gridTemplateColumns")
    assert len(columns.split()) == 3, columns
    shoot(page, "community", prefix="dashboard")

    # A worker completes the G1 task on their phone: the figures move, no reload.
    wait_until(page, "document.documentElement.dataset.live === 'on'")
    worker = signed_in(app, WORKER_A)
    push_one(
        worker,
        task_update(
            g1_task["id"],
            g1_task["version"],
            status="done",
            outcome="ok",
            finished_at=datetime.now(UTC).isoformat(),
            status_device_at=datetime.now(UTC).isoformat(),
        ),
    )
    wait_until(page, "document.querySelector('[data-testid=fig-tasks-done]')?.textContent === '1'", timeout=20)
    assert (cell(page, world.g1, "tasks", "done"), cell(page, world.g1, "tasks", "open")) == ("1", "1")

    # A figure opens its records: G1's done tasks.
    page.get_by_test_id(f"cell-{world.g1}-tasks-done").click()
    wait_until(page, "location.hash.startsWith('#/admin/tasks?')")
    wait_until(page, "document.querySelectorAll('[data-testid=admin-task-row]').length === 1")
    assert "1号楼入户走访" in text_of(page, "[data-testid=admin-task-row]")
    page.go_back()
    page.get_by_test_id(f"unit-{world.g1}").click()  # a grid's name: its own dashboard
    wait_until(page, f"location.hash === '#/admin/dashboard/{world.g1}'")
    wait_until(page, "document.querySelector('h1')?.textContent.includes('第一网格')")
    assert figure(page, "tasks", "overdue") == "1"

    # Offline: the community's last answer, with its time.
    page.evaluate(f"location.hash = '#/admin/dashboard/{world.hexi}'")
    wait_until(page, "document.querySelector('h1')?.textContent.includes('河西社区')")
    page.get_by_test_id("dash-units").wait_for()
    desk.set_offline(True)
    page.evaluate(f"location.hash = '#/admin/dashboard/{world.g2}'")
    page.get_by_test_id("admin-load-error").wait_for()  # never opened: nothing kept
    page.evaluate(f"location.hash = '#/admin/dashboard/{world.hexi}'")
    wait_until(page, "document.querySelector('[data-testid=dash-asof]')?.dataset.offline === 'true'")
    assert "数据截至" in text_of(page, "[data-testid=dash-asof]")
    assert cell(page, world.g1, "tasks", "done") == "1" and figure(page, "tasks", "open") == "2"
    desk.set_offline(False)

    # A phone: the cards stack, the table scrolls inside its card, the page does not.
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)
    columns = page.evaluate("getComputedStyle(document.querySelector('.dash-cards')).gridTemplateColumns")
    assert len(columns.split()) == 1, columns
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    wait_until(page, CHART_INKED)
    shoot(page, "community-phone", prefix="dashboard")
