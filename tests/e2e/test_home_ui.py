"""Home puts each role's own work first (issue 15 item 2), on the demo city at 360×740 in Chromium: the
grid worker's tasks, the steward's inspections, property staff's orders (overdue first), the resident's
notices then their compound's card — each in the first screen, above the push offer and the links; the
sync state is the header's chip, which opens the sync page; and nothing shifts while home opens (the
layout shift of the whole open, sign-in to home drawn and synced, at most Lighthouse's 0.02)."""

import pytest

from tests.e2e.conftest import PHONE, wait_until, xuchang_phone
from tests.e2e.test_axe_ui import PASSWORDS, RESIDENT, STAFF, STEWARD, SYNCED_ONCE, WORKER, demo_server  # noqa: F401
from tests.e2e.test_shell import sign_in

# Every layout shift from the page's start, as Lighthouse counts them (not those right after a tap).
SHIFTS = """(() => {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) window.__shifts.push(entry.value);
    }
  }).observe({ type: 'layout-shift', buffered: true });
})()"""

# The top of each part of home, in px from the top of the window (null: not on the page).
TOPS = """(ids) => Object.fromEntries(ids.map((id) => {
  const el = document.querySelector(`[data-testid=home] [data-testid="${id}"], [data-testid=home] .${id}`);
  return [id, el && el.getClientRects().length ? Math.round(el.getBoundingClientRect().top) : null];
}))"""

FIRST = {  # the role's own work, and what must come after it
    WORKER: ("my-tasks", ["need-work", "push-offer", "notifications-open", "directory-open", "role-card"]),
    STEWARD: ("my-inspections", ["my-orders", "push-offer", "notifications-open", "role-card"]),
    STAFF: ("my-orders", ["scorecards", "push-offer", "notifications-open", "role-card"]),
    RESIDENT: ("home-notices", ["scorecards", "push-offer", "notifications-open", "role-card"]),
}

# The header's chip idle and reading 已同步 · HH:MM.
CHIP_SYNCED = """(() => {
  const chip = document.querySelector('[data-testid=net-status]');
  const text = chip?.querySelector('[data-testid=sync-chip-text]')?.textContent ?? '';
  return chip?.dataset.state === 'idle' && text.startsWith('已同步');
})()"""


@pytest.mark.parametrize("number", [WORKER, STEWARD, STAFF, RESIDENT])
def test_each_roles_home_shows_its_own_work_first_and_nothing_shifts(demo_server, browser, number):  # noqa: F811
    base, _ids = demo_server
    context = xuchang_phone(browser)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.add_init_script(SHIFTS)
        sign_in(page, base, number, PASSWORDS[number])
        page.get_by_test_id("home").wait_for()
        wait_until(page, SYNCED_ONCE, timeout=30)
        page.wait_for_timeout(500)  # a late part would shift now

        first, after = FIRST[number]
        tops = page.evaluate(TOPS, [first, *after])
        assert tops[first] is not None and tops[first] < PHONE["height"] / 2, f"{first} not in the first screen: {tops}"
        for other in after:
            assert tops[other] is None or tops[other] > tops[first], f"{other} above {first}: {tops}"

        chip = page.get_by_test_id("net-status")  # the sync state is the header's chip
        assert chip.get_attribute("href") == "#/sync"
        # Pokes may start more syncs after the first (pulls of what the sign-in brought), each showing
        # 正在同步… for a moment: the chip settles on idle with 已同步 · HH:MM (read in one go, so a sync
        # starting between two reads cannot fail the test).
        wait_until(page, CHIP_SYNCED, timeout=30)
        assert page.get_by_test_id("sync-panel").count() == 0, "no sync card on home"
        assert (page.get_by_test_id("report-open").count() == 1) == (number == WORKER), "问题上报 for workers only"

        shifted = page.evaluate("window.__shifts.reduce((a, b) => a + b, 0)")
        assert shifted <= 0.02, f"home shifted {shifted:.3f} while opening"

        if number == STAFF:  # open orders by deadline: the overdue ones first
            groups = page.locator("[data-testid=my-orders] .task-section").evaluate_all(
                "(els) => els.map((e) => e.dataset.testid)"
            )
            assert groups[0] == "orders-overdue", groups
        if number == WORKER:  # the FAB leaves the list's last row reachable
            page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
            fab = page.get_by_test_id("report-open").bounding_box()
            signout = page.get_by_test_id("signout").bounding_box()
            assert signout["y"] + signout["height"] <= fab["y"], "问题上报 covers the end of home"
        chip.click()
        page.get_by_test_id("sync-screen").wait_for()
        assert errors == [], errors
    finally:
        context.close()
