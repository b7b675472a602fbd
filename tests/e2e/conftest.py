"""Browser fixtures: the app served on a free port in a thread, and Debian's Chromium driven
by Playwright; the devices of the scenarios (a phone in Xuchang, the admin's desk). A missing
Chromium is an error, never a skip (see RECIPES.md)."""

import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("REDGRID_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
XUCHANG = {"latitude": 34.0357, "longitude": 113.8523, "accuracy": 12}


class Draining:
    """WSGI middleware counting requests in progress, so the server can be stopped only once no
    request thread is inside a database transaction (PostgreSQL's TRUNCATE between tests would
    otherwise deadlock with it)."""

    def __init__(self, app):
        self.app, self.active, self.idle = app, 0, threading.Condition()

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"].startswith("/socket.io/"):
            # Long-polls and websockets live as long as the page; the fixture disconnects them.
            return self.app(environ, start_response)
        with self.idle:
            self.active += 1
        try:
            result = self.app(environ, start_response)
            try:
                return [b"".join(result)]  # finish the work (and its transaction) in here
            finally:
                getattr(result, "close", lambda: None)()
        finally:
            with self.idle:
                self.active -= 1
                self.idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.active == 0, timeout)


@contextmanager
def serving(app):
    """The app on http://127.0.0.1:<free port> for as long as the block runs."""
    draining = Draining(app)
    server = make_server("127.0.0.1", 0, draining, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    assert draining.wait_idle(15), "requests still running after the test"
    thread.join(timeout=5)


@pytest.fixture
def live_server(app, world):
    """The app with the test city, on http://127.0.0.1:<free port>."""
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def playwright():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    """A fresh profile (service workers allowed) with a phone-sized viewport, in Chinese."""
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, has_touch=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == [], f"JavaScript errors on the page: {errors}"


def xuchang_phone(browser):
    """A phone in Xuchang, a browser profile of its own: Chinese, the city's time zone, GPS allowed and set."""
    ctx = browser.new_context(
        viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai", device_scale_factor=2, has_touch=True
    )
    ctx.grant_permissions(["geolocation"])
    ctx.set_geolocation(XUCHANG)
    return ctx


@pytest.fixture
def phones(browser):
    """One phone per person, each a browser profile of its own (xuchang_phone); JavaScript errors fail the test."""
    made = []

    def make():
        ctx = xuchang_phone(browser)
        made.append(ctx)
        page = ctx.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return ctx, page

    yield make
    for ctx in made:
        for page in ctx.pages:
            assert getattr(page, "errors", []) == [], f"JavaScript errors on the page: {page.errors}"
        ctx.close()


@pytest.fixture
def phone(browser):
    """A worker's phone in Xuchang (xuchang_phone)."""
    ctx = xuchang_phone(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def phone_page(phone):
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == [], f"JavaScript errors on the page: {errors}"


@pytest.fixture
def desk(browser):
    """The admin's computer: a second browser profile, beside the worker's phone."""
    ctx = browser.new_context(viewport=DESK, locale="zh-CN", timezone_id="Asia/Shanghai")
    yield ctx
    ctx.close()


@pytest.fixture
def desk_page(desk):
    page = desk.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == [], f"JavaScript errors on the admin's page: {errors}"


def wait_until(page, expression: str, timeout: float = 15.0) -> None:
    """Poll a JavaScript expression until truthy. (Playwright's wait_for_function evaluates
    strings in a way our CSP without 'unsafe-eval' refuses; page.evaluate is not affected.)"""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        page.wait_for_timeout(100)


@pytest.fixture
def screenshot():
    """Save a PNG under test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take
