"""The first open on a bad network (issue 15 item 1), Chromium at 360×740: the sign-in form is in
the page before any script (and signs in as a plain form post without them), what a person typed
before the scripts arrived is kept when the app takes the form over, and the failed plain sign-in
shows its error. The figures are bench/first_open.py's."""

from tests.e2e.conftest import CHROMIUM_ARGS, PHONE  # noqa: F401  (the profile's settings)
from tests.factories import PASSWORD

WORKER = "13800000003"


def test_without_scripts_the_static_form_signs_in_and_says_what_failed(browser, live_server, world):
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = ctx.new_page()
    page.goto(live_server)
    form = page.get_by_test_id("signin-form")
    assert form.is_visible() and "登录" in page.locator("h1").inner_text()
    page.get_by_test_id("phone").fill(WORKER)
    page.get_by_test_id("password").fill("wrong-password")
    page.get_by_test_id("signin-submit").click()
    page.wait_for_url("**/?signin_error=invalid_credentials")
    assert page.get_by_test_id("signin-error").inner_text() == "手机号或密码错误。"
    page.get_by_test_id("phone").fill(WORKER)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("signin-submit").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_test_id("signin-form").count() == 0  # signed in: the form is left out
    assert page.evaluate("fetch('/api/me').then((r) => r.json())")["user"]["phone"] == WORKER
    ctx.close()


def test_what_was_typed_before_the_scripts_arrived_is_kept(browser, live_server, world):
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    held, released = [], []

    def slow_scripts(route):  # the scripts are slow to come: held until the person has typed
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/js/**", slow_scripts)
    page.goto(live_server, wait_until="commit")  # (module scripts hold DOMContentLoaded back)
    static = page.locator("[data-testid=signin-form]:not([data-ready])")
    static.wait_for()
    page.get_by_test_id("phone").fill(WORKER)
    page.get_by_test_id("password").fill(PASSWORD)
    released.append(True)
    for route in held:
        route.continue_()
    page.locator("[data-testid=signin-form][data-ready]").wait_for()
    assert page.locator("#boot").count() == 0 and page.get_by_test_id("signin-form").count() == 1
    assert page.get_by_test_id("phone").input_value() == WORKER
    assert page.get_by_test_id("password").input_value() == PASSWORD
    page.get_by_test_id("signin-submit").click()
    page.get_by_test_id("home").wait_for()
    assert errors == []
    ctx.close()


SAW_SIGNIN_FORM = """(() => {
  window.sawSigninForm = false;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="signin-form"]')) window.sawSigninForm = true;
  }).observe(document, { childList: true, subtree: true });
})()"""


def test_a_signed_in_phone_opens_offline_without_a_flash_of_the_sign_in_form(
    browser, live_server, world, context, page
):
    from tests.e2e.test_shell import sign_in, wait_until

    page.goto(live_server)
    # installed while signed out: the page it keeps has the sign-in form in it
    wait_until(page, "navigator.serviceWorker.controller !== null")
    sign_in(page, live_server, WORKER)
    page.get_by_test_id("home").wait_for()
    page.wait_for_timeout(300)  # the worker has heard the phone is signed in
    context.add_init_script(SAW_SIGNIN_FORM)
    context.set_offline(True)
    page.reload()
    page.get_by_test_id("home").wait_for()
    assert page.evaluate("window.sawSigninForm") is False
    context.set_offline(False)
