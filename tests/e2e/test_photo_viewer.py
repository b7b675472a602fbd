"""The photo viewer (issue 15, item 3) in Chromium at 360 px: a grid worker with no signal
completes a task with two photos, taps the first on the task's page and sees it full screen from
the phone's own copy, swipes to the second, zooms it with a double tap, closes with Escape (the
focus goes back to its thumbnail); opened again, the phone's back button closes it and leaves the
worker on the task. Screenshots go to /tmp/redgrid-shots/viewer-*.png."""

from datetime import UTC, datetime, timedelta

from tests.e2e.conftest import wait_until
from tests.e2e.test_shell import sign_in
from tests.e2e.test_tasks_ui import SHOTS, SYNCED, assign, camera_photo
from tests.server.test_sync_api import signed_in

VIEWER = "document.querySelector('[data-testid=photo-viewer]')"
SHOWN_IMAGE = (
    "(() => { const img = document.querySelector('.pswp__item:not([aria-hidden=true]) img.pswp__img');"
    " return img && img.complete && img.naturalWidth > 0 ? img.src : null; })()"
)


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"viewer-{name}-360.png"))


def swipe_left(page) -> None:
    """A finger drawn from right to left across the photo (touch events, as a phone sends them)."""
    cdp = page.context.new_cdp_session(page)
    y = 370
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": 300, "y": y}]})
    for x in range(280, 40, -30):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_a_task_photo_opens_full_screen_offline_swipes_to_the_next_and_closes_with_escape_and_back(
    live_server, app, world, phone, phone_page
):
    admin = signed_in(app, "13800000002")
    task_id = assign(
        admin,
        "building",
        world.b_hexi2,
        world.worker_a,
        "2号楼消防通道隐患排查",
        datetime.now(UTC) + timedelta(days=1),
        type="hazard",
    )
    page = phone_page
    sign_in(page, live_server, "13800000003")
    page.locator(f'[data-testid=task-row][data-id="{task_id}"]').wait_for()
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, SYNCED)

    # No signal: the task is done with two photos, kept on the phone.
    phone.set_offline(True)
    wait_until(page, "document.querySelector('[data-testid=net-status]').dataset.online === 'false'")
    page.locator(f'[data-testid=task-row][data-id="{task_id}"]').click()
    page.get_by_test_id("task-start").click()
    wait_until(page, "document.querySelector('[data-testid=task-status]')?.textContent === '进行中'")
    page.get_by_test_id("task-complete").click()
    page.get_by_test_id("complete").wait_for()
    page.locator("label:has([data-testid=outcome-problem_found])").click()
    for n, colour in enumerate(((200, 60, 40), (40, 120, 200)), start=1):
        page.get_by_test_id("photos-input").set_input_files(
            {"name": f"IMG_{n}.jpg", "mimeType": "image/jpeg", "buffer": camera_photo(colour)}
        )
        wait_until(page, f"document.querySelectorAll('[data-testid=photo-thumb]').length === {n}")
    page.get_by_test_id("complete-save").click()
    report = page.get_by_test_id("task-report")
    report.wait_for()
    thumbs = report.locator(".thumb__open")
    assert thumbs.count() == 2
    assert thumbs.first.get_attribute("aria-label") == "放大查看：第 1 张照片"
    hash_before = page.evaluate("location.hash")

    # A tap: the first photo, full screen, from the bytes on the phone.
    thumbs.first.click()
    page.get_by_test_id("photo-viewer").wait_for()
    wait_until(page, f"{SHOWN_IMAGE}?.startsWith('blob:')")
    viewer = page.get_by_test_id("photo-viewer")
    assert viewer.get_attribute("role") == "dialog" and viewer.get_attribute("aria-modal") == "true"
    assert viewer.get_attribute("aria-label") == "查看照片"
    assert page.locator(".pswp__counter").inner_text().replace(" ", "") == "1/2"
    assert page.get_by_test_id("photo-viewer-caption").inner_text() == "第 1 张照片"
    close = page.locator(".pswp__button--close")
    assert close.get_attribute("aria-label") == "关闭"
    box = close.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert page.evaluate("document.activeElement.closest('[data-testid=photo-viewer]') !== null"), "focus inside"
    shoot(page, "first")

    # A swipe to the next: the second photo, also from the phone.
    first_src = page.evaluate(SHOWN_IMAGE)
    swipe_left(page)
    wait_until(page, "document.querySelector('.pswp__counter').textContent.replace(/ /g, '') === '2/2'")
    wait_until(page, f"(({SHOWN_IMAGE}) || '').startsWith('blob:') && ({SHOWN_IMAGE}) !== {first_src!r}")
    assert page.get_by_test_id("photo-viewer-caption").inner_text() == "第 2 张照片"

    # A double tap zooms in.
    page.touchscreen.tap(180, 370)
    page.wait_for_timeout(60)
    page.touchscreen.tap(180, 370)
    wait_until(page, "document.querySelector('.pswp--zoomed-in') !== null")
    shoot(page, "zoomed")

    # Escape closes it: the task's page as it was, the focus back on the thumbnail.
    page.keyboard.press("Escape")
    wait_until(page, f"{VIEWER} === null")
    assert page.evaluate("location.hash") == hash_before
    assert page.evaluate("history.state?.photoViewer") is None
    assert page.evaluate("document.activeElement.dataset.sha256") == thumbs.nth(1).get_attribute("data-sha256"), (
        "the focus is back on the thumbnail of the photo last shown"
    )
    page.get_by_test_id("task-report").wait_for()

    # Escape at once, during the opening fade, closes it too.
    thumbs.first.click()
    page.get_by_test_id("photo-viewer").wait_for()
    page.keyboard.press("Escape")
    wait_until(page, f"{VIEWER} === null")

    # Opened again, the back button closes the viewer, not the task.
    thumbs.nth(1).click()
    page.get_by_test_id("photo-viewer").wait_for()
    assert page.locator(".pswp__counter").inner_text().replace(" ", "") == "2/2"
    page.go_back()
    wait_until(page, f"{VIEWER} === null")
    assert page.evaluate("location.hash") == hash_before
    page.get_by_test_id("task-report").wait_for()
