"""The admin console in real Chromium (issue 16 item 2): the shell's navigation beside every admin
screen at 1366×900 and behind one menu button at 360×740; 人员管理 — a search kept in the address
(reload and Back), a new account with its first role chosen in the scope picker (a weak password
refused on its field first), a role granted through the picker, the account disabled after a
confirmation — and all of it read back in 操作日志. Screenshots: /tmp/redgrid-shots/console-*.png."""

from tests.e2e.admin_desk import admin_signs_in, shoot
from tests.e2e.conftest import wait_until

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 360, "height": 740}


def go(page, path: str) -> None:
    page.evaluate("(path) => { location.hash = path; }", f"#{path}")


def rows(page, testid: str) -> list[str]:
    return page.evaluate(f"[...document.querySelectorAll('[data-testid={testid}]')].map((r) => r.textContent)")


def pick(page, testid: str, typed: str, name: str) -> None:
    """Search the scope picker and tap the hit of that name."""
    page.get_by_test_id(f"{testid}-q").fill(typed)
    hit = page.locator(f"[data-testid={testid}-hit]", has_text=name).first
    hit.wait_for()
    hit.click()
    page.get_by_test_id(f"{testid}-chosen").get_by_text(name).wait_for()


def test_the_console_people_and_audit(live_server, world, desk_page):
    page = desk_page
    page.set_viewport_size(WIDE)
    admin_signs_in(page, live_server)
    assert page.get_by_test_id("admin-people-open").is_visible()  # admin home: a card per section
    assert page.get_by_test_id("admin-audit-open").is_visible()

    # The shell on a desk: the sections beside the screen, the current one marked, no menu button.
    go(page, "/admin/tasks")
    page.get_by_test_id("console-nav").wait_for()
    assert page.get_by_test_id("console-nav-tasks").get_attribute("aria-current") == "page"
    assert not page.get_by_test_id("console-menu").is_visible()
    shoot(page, "tasks", prefix="console")
    page.get_by_test_id("console-nav-people").click()
    page.get_by_test_id("admin-people").wait_for()
    assert page.get_by_test_id("console-nav-people").get_attribute("aria-current") == "page"
    wait_until(page, "document.querySelectorAll('[data-testid=person-row]').length >= 5")

    # Search: the address keeps it, a reload too, and Back returns to the whole list.
    page.get_by_test_id("people-q").fill("网格员")
    page.get_by_test_id("people-apply").click()
    wait_until(page, "location.hash.includes('q=')")
    wait_until(page, "document.querySelectorAll('[data-testid=person-row]').length === 2")
    assert sorted(r.split("1380")[0] for r in rows(page, "person-row")) == ["网格员乙", "网格员甲"]
    page.reload()
    page.get_by_test_id("admin-people").wait_for()
    wait_until(page, "document.querySelectorAll('[data-testid=person-row]').length === 2")
    assert page.get_by_test_id("people-q").input_value() == "网格员"
    page.go_back()
    wait_until(page, "!location.hash.includes('q=')")
    wait_until(page, "document.querySelectorAll('[data-testid=person-row]').length >= 5")
    shoot(page, "people", prefix="console")

    # 新建人员: a too common password is refused on its field; then made with its grid chosen in the picker.
    page.get_by_test_id("people-new").click()
    page.get_by_test_id("admin-person-new").wait_for()
    page.get_by_test_id("person-name").fill("新网格员")
    page.get_by_test_id("person-phone").fill("13712345678")
    page.get_by_test_id("person-password").fill("12345678")
    page.get_by_test_id("person-role").select_option("grid_worker")
    pick(page, "person-scope", "第二", "河西社区第二网格")
    shoot(page, "person-new", prefix="console")
    page.get_by_test_id("person-create-submit").click()
    page.get_by_test_id("person-password-error").get_by_text("常见").wait_for()
    page.get_by_test_id("person-password").fill("hongge-console-2026")
    page.get_by_test_id("person-create-submit").click()
    page.get_by_test_id("admin-person").wait_for()
    page.get_by_test_id("admin-flash").get_by_text("新网格员").wait_for()
    assert rows(page, "person-role") and "河西社区第二网格" in rows(page, "person-role")[0]

    # Grant: the picker asks for communities once the role is 志愿者; outside ones are not offered.
    page.get_by_test_id("grant-role").select_option("volunteer")
    page.get_by_test_id("grant-scope-q").fill("社区")
    page.locator("[data-testid=grant-scope-hit]").first.wait_for()
    assert [h.strip() for h in rows(page, "grant-scope-hit")] == ["河西社区"]
    page.locator("[data-testid=grant-scope-hit]").first.click()
    page.get_by_test_id("person-grant-submit").click()
    wait_until(page, "document.querySelectorAll('[data-testid=person-role]').length === 2")
    page.get_by_test_id("person-status").get_by_text("角色已授予").wait_for()

    # Deactivate, after a confirmation.
    page.get_by_test_id("person-deactivate").click()
    page.get_by_test_id("person-active-confirm").wait_for()
    page.get_by_test_id("person-active-confirm-yes").click()
    page.get_by_test_id("person-reactivate").wait_for()
    assert page.get_by_test_id("person-state").inner_text() == "已停用"
    shoot(page, "person", prefix="console")

    # 操作日志: what was just done, in Chinese, newest first; filtered by action in the address.
    page.get_by_test_id("console-nav-audit").click()
    page.get_by_test_id("admin-audit").wait_for()
    page.locator("[data-testid=audit-row]").first.wait_for()
    first = rows(page, "audit-row")[0]
    assert "河西社区管理员" in first and "修改账号 · 新网格员" in first and "启用状态" in first, first
    page.get_by_test_id("audit-action").select_option("role.grant")
    page.get_by_test_id("audit-apply").click()
    wait_until(page, "location.hash.includes('action=role.grant')")
    wait_until(
        page,
        "[...document.querySelectorAll('[data-testid=audit-row]')].every((r) => r.dataset.action === 'role.grant')"
        " && document.querySelectorAll('[data-testid=audit-row]').length === 2",
    )
    assert all("授予角色 · 新网格员" in r for r in rows(page, "audit-row"))
    shoot(page, "audit", prefix="console")

    # On a phone: the sections behind one menu button; a choice closes it and opens the section.
    page.set_viewport_size(NARROW)
    menu = page.get_by_test_id("console-menu")
    assert menu.is_visible() and not page.get_by_test_id("console-nav").is_visible()
    box = menu.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    menu.click()
    page.get_by_test_id("console-nav").wait_for()
    link = page.get_by_test_id("console-nav-people")
    assert link.bounding_box()["height"] >= 44
    page.screenshot(path="/tmp/redgrid-shots/console-menu-360.png", full_page=True)
    link.click()
    page.get_by_test_id("admin-people").wait_for()
    assert not page.get_by_test_id("console-nav").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
