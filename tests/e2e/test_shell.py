"""The PWA shell in real Chromium: Chinese sign-in, role-aware home, installable, offline reload."""

import json

from tests.e2e.conftest import wait_until
from tests.factories import PASSWORD
from tests.pwa_build import shell_lists


def sign_in(page, base: str, phone: str, password: str = PASSWORD):
    page.goto(base)
    page.get_by_test_id("phone").fill(phone)
    page.get_by_test_id("password").fill(password)
    page.get_by_test_id("signin-submit").click()


def test_sign_in_in_chinese_shows_the_role_and_scope(live_server, page, screenshot):
    page.goto(live_server)
    form = page.get_by_test_id("signin-form")
    form.wait_for()
    assert "登录" in form.inner_text()
    screenshot(page, "signin-360")
    sign_in(page, live_server, "13800000003")
    card = page.locator('[data-testid="role-card"][data-role="grid_worker"]')
    card.wait_for()
    assert "网格员" in card.inner_text() and "河西社区第一网格" in card.inner_text()
    assert "网格员甲" in page.get_by_test_id("home").inner_text()
    screenshot(page, "home-360")


def test_every_role_of_a_user_gets_a_card(live_server, page, db, world):
    from server.auth.models import RoleAssignment

    db.session.add(RoleAssignment(user_id=world.worker_a, role="volunteer", org_unit_id=world.hexi))
    db.session.commit()
    sign_in(page, live_server, "13800000003")
    page.locator('[data-testid="role-card"][data-role="volunteer"]').wait_for()
    assert page.get_by_test_id("role-card").count() == 2


def test_wrong_password_shows_a_readable_message(live_server, page, screenshot):
    sign_in(page, live_server, "13800000003", "wrong-password")
    error = page.get_by_test_id("signin-error")
    error.wait_for()
    assert "手机号或密码错误" in error.inner_text()
    screenshot(page, "signin-error-360")


def test_invalid_phone_shows_the_field_message(live_server, page):
    sign_in(page, live_server, "12345")
    field_error = page.get_by_test_id("field-error-phone")
    field_error.wait_for()
    assert "11 位" in field_error.inner_text()


def test_language_switch_to_english_and_back(live_server, page):
    page.goto(live_server)
    page.get_by_test_id("signin-form").wait_for()
    page.get_by_test_id("lang-switch").click()
    wait_until(page, "document.documentElement.lang === 'en'")
    assert "Sign in" in page.get_by_test_id("signin-form").inner_text()
    page.get_by_test_id("lang-switch").click()
    wait_until(page, "document.documentElement.lang === 'zh-CN'")
    assert "登录" in page.get_by_test_id("signin-form").inner_text()


def test_sign_out_returns_to_the_sign_in_screen(live_server, page):
    sign_in(page, live_server, "13800000002")
    page.get_by_test_id("signout").click()
    page.get_by_test_id("signin-form").wait_for()
    page.reload()
    page.get_by_test_id("signin-form").wait_for()  # the server session is gone too


def test_the_page_is_installable(live_server, playwright, tmp_path):
    """Chromium's own installability check (manifest, icons, service worker with fetch handler).
    It needs a normal profile: incognito contexts are never installable."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE
    )
    page = context.new_page()
    page.goto(live_server)
    wait_until(page, "navigator.serviceWorker.controller !== null")
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    icons = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")["icons"]
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in icons}
    context.close()


def test_offline_reload_still_shows_the_shell_and_the_last_home(live_server, context, page, screenshot):
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("home").wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    page.reload()
    page.get_by_test_id("home").wait_for()
    assert page.get_by_test_id("net-status").get_attribute("data-online") == "false"
    assert "离线" in page.get_by_test_id("net-status").inner_text()
    page.get_by_test_id("stale-note").wait_for()
    assert "河西社区第一网格" in page.get_by_test_id("home").inner_text()
    screenshot(page, "home-offline-360")
    context.set_offline(False)
    wait_until(page, "document.querySelector('[data-testid=net-status]').dataset.online === 'true'")


def test_touch_targets_are_at_least_44_px_and_nothing_overflows_360(live_server, page):
    sign_in(page, live_server, "13800000005")
    page.get_by_test_id("home").wait_for()
    too_small = page.evaluate(
        """() => [...document.querySelectorAll('button, a, input, select, [role=button]')]
            .filter(el => el.offsetParent !== null)
            .map(el => { const r = el.getBoundingClientRect();
                         return {el: el.outerHTML.slice(0, 80), w: r.width, h: r.height}; })
            .filter(r => r.w < 44 || r.h < 44)"""
    )
    assert too_small == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_desktop_layout_screenshot(live_server, browser, screenshot):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    sign_in(page, live_server, "13800000001")
    page.get_by_test_id("home").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "home-desktop")
    ctx.close()


CACHED_URLS = (
    "caches.keys().then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys()))))"
    ".then((lists) => lists.flat().map((r) => new URL(r.url).pathname))"
)


def test_a_grid_workers_phone_keeps_its_screens_offline_and_no_admin_code(live_server, context, page):
    lazy = shell_lists()["LAZY_FILES"]
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("my-tasks").wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    cached = set(page.evaluate(CACHED_URLS))
    assert "/js/app.js" in cached and not cached & set(lazy), "the admin's chunks are not on a worker's phone"
    context.set_offline(True)
    page.reload()
    page.get_by_test_id("my-tasks").wait_for()
    page.evaluate("location.hash = '#/report'")  # a screen loaded on first use, from the cache
    page.get_by_test_id("report-description").wait_for()
    page.evaluate("location.hash = '#/directory'")
    page.get_by_test_id("directory").wait_for()
    context.set_offline(False)


def test_an_admins_screens_are_kept_after_sign_in_and_open_offline(live_server, context, page):
    lazy = shell_lists()["LAZY_FILES"]
    sign_in(page, live_server, "13800000002")  # 刘红梅, admin of 河西社区
    page.get_by_test_id("admin-home").wait_for()
    wait_until(page, f"({CACHED_URLS}).then((urls) => {json.dumps(lazy)}.every((u) => urls.includes(u)))")
    context.set_offline(True)
    page.reload()
    page.get_by_test_id("admin-home").wait_for()
    page.get_by_test_id("admin-tasks-open").click()
    page.get_by_test_id("admin-tasks").wait_for()  # the screen itself; its figures need the network
    assert page.locator("[role=alert]", has_text="出现意外错误").count() == 0
    context.set_offline(False)
