"""Accounts (issue 16 item 1, PROTOCOL.md §19.4–19.5) end to end, real server and Chromium at
360×740: a resident forgot their password; the grid worker opens 重置住户密码 on the household in
their directory and reads out the one-time code; the resident, signed out, taps 忘记密码, sets a
new password with it (a wrong code first) and signs in with it; on 我的 they change it again and
sign out their other devices. Axe runs over each new screen. Screenshots go to
test-artifacts/accounts-*.png."""

from tests.conftest import AuthActions
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_shell import sign_in
from tests.e2e.test_wishes_ui import go
from tests.factories import user

WORKER = "13800000003"  # 网格员甲: grid 1 covers 河西小区
RESIDENT = "13912340011"
NEW_PASSWORD, NEXT_PASSWORD = "hongge-reset-2026", "another-long-pass-9"


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"accounts-{name}.png"), full_page=True)


def test_a_grid_worker_code_resets_a_residents_password_who_then_changes_it(app, live_server, db, world, phones):
    app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
    home = world.hh_hexi1[0]  # 河西小区 1号楼 1单元 101
    user("张桂兰", [("resident", "household_id", home)], phone=RESIDENT)
    db.session.commit()

    # The grid worker makes a code from the household's card in the directory.
    _, worker = phones()
    sign_in(worker, live_server, WORKER)
    worker.get_by_test_id("home").wait_for()
    go(worker, "/directory")
    worker.locator(f'[data-testid=household][data-id="{home}"] [data-testid=reset-code-household]').click()
    worker.get_by_test_id("reset-code").wait_for()
    worker.get_by_test_id("reset-issue-submit").click()  # no number: told on the field
    worker.get_by_test_id("reset-phone-error").get_by_text("手机号").wait_for()
    worker.get_by_test_id("reset-phone").fill("13800000007")  # a resident of another grid
    worker.get_by_test_id("reset-issue-submit").click()
    worker.get_by_test_id("reset-phone-error").get_by_text("管辖的范围内没有").wait_for()
    worker.get_by_test_id("reset-phone").fill("139 1234 0011")
    worker.get_by_test_id("reset-issue-submit").click()
    worker.get_by_test_id("reset-code-issued").wait_for()
    code = worker.get_by_test_id("reset-code-value").inner_text().replace(" ", "")
    assert len(code) == 8 and code.isdigit()
    assert "张桂兰" in worker.get_by_test_id("reset-code-issued").inner_text()
    assert_accessible(worker, "password reset code, issued")
    shoot(worker, "issued")

    # The resident, signed out, sets a new password with it: a wrong code first.
    _, resident = phones()
    resident.goto(live_server)
    resident.get_by_test_id("signin-forgot").click()
    resident.get_by_test_id("forgot-form").wait_for()
    resident.get_by_test_id("forgot-phone").fill(RESIDENT)
    resident.get_by_test_id("forgot-code").fill("0000 0000" if code != "00000000" else "1111 1111")
    resident.get_by_test_id("forgot-password").fill(NEW_PASSWORD)
    resident.get_by_test_id("forgot-submit").click()
    resident.get_by_test_id("forgot-code-error").get_by_text("验证码不正确").wait_for()
    assert_accessible(resident, "forgot password, a wrong code")
    shoot(resident, "forgot")
    resident.get_by_test_id("forgot-code").fill(f"{code[:4]} {code[4:]}")
    resident.get_by_test_id("forgot-submit").click()
    resident.get_by_test_id("signin-status").wait_for()
    assert resident.get_by_test_id("phone").input_value() == RESIDENT
    assert_accessible(resident, "sign-in after a reset")
    shoot(resident, "signin")
    resident.get_by_test_id("password").fill(NEW_PASSWORD)
    resident.get_by_test_id("signin-submit").click()
    resident.get_by_test_id("home").wait_for()

    # 我的: a new password again (the current one checked), then the other devices signed out.
    go(resident, "/me")
    resident.get_by_test_id("me-password").wait_for()
    resident.get_by_test_id("me-current-password").fill(NEW_PASSWORD)
    resident.get_by_test_id("me-new-password").fill(NEXT_PASSWORD)
    resident.get_by_test_id("me-password-submit").click()
    resident.get_by_test_id("me-password-saved").wait_for()
    tablet = AuthActions(app.test_client())  # the resident is signed in on another device too
    assert tablet.login(RESIDENT, NEXT_PASSWORD).status_code == 200
    resident.get_by_test_id("me-end-others").click()
    resident.get_by_test_id("me-devices-done").wait_for()
    assert resident.get_by_test_id("me-notifications").get_attribute("href") == "#/settings/notifications"
    assert resident.get_by_test_id("me-reset-codes").count() == 0  # residents issue no codes
    assert_accessible(resident, "me, password changed and other devices signed out")
    shoot(resident, "me")
    assert "1" in resident.get_by_test_id("me-devices-done").inner_text()
    assert tablet.send("GET", "/api/me").status_code == 401
    assert resident.evaluate("fetch('/api/me').then((r) => r.status)") == 200  # this one stays
