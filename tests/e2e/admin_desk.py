"""The admin's browser in the end-to-end tests, a desk-sized window in Chinese at the community
office in Xuchang time (the `desk` and `desk_page` fixtures, tests/e2e/conftest.py): signing in
as 河西社区's admin; screenshots of a screen at phone and desk width under
/tmp/redgrid-shots/admin-*.png for a person to look at."""

from pathlib import Path

from tests.e2e.conftest import DESK, PHONE, wait_until
from tests.e2e.test_shell import sign_in

SHOTS = Path("/tmp/redgrid-shots")
HEXI_ADMIN = "13800000002"


def admin_signs_in(page, base: str, phone: str = HEXI_ADMIN) -> None:
    sign_in(page, base, phone)
    page.get_by_test_id("admin-home").wait_for()
    wait_until(page, "import('/js/sync-client.js').then((c) => c.getStatus().state === 'idle')", timeout=30)


def shoot(page, name: str, prefix: str = "admin") -> None:
    """<prefix>-<name>-360.png and <prefix>-<name>-1280.png, full length; the window size is restored."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    page.evaluate("window.scrollTo(0, 0)")
    for size in (PHONE, DESK):
        page.set_viewport_size(size)
        page.wait_for_timeout(200)
        page.screenshot(path=str(SHOTS / f"{prefix}-{name}-{size['width']}.png"), full_page=True)
    page.set_viewport_size(before)
    page.wait_for_timeout(100)


def text_of(page, selector: str) -> str:
    """The text of the first element matching a CSS selector ('' when there is none)."""
    return page.evaluate("(s) => document.querySelector(s)?.textContent ?? ''", selector)


def grid_count(page, grid_id: int, key: str) -> str:
    """A figure of a grid's progress row, e.g. how many are done."""
    return text_of(page, f'[data-testid=progress-grid][data-grid-id="{grid_id}"] [data-count={key}] .pill__value')
