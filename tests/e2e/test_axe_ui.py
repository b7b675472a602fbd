"""axe-core (tests/e2e/axe.py) over every screen of the PWA in Chromium, failing on any violation.

On the demo city (server/demo, loaded once for the module): each role signs in once, its home is
checked, then it opens each of its SCREENS by address, axe running once the screen is drawn —
the phone roles at 360×740, the admins at desk width; the sign-in, registration and join screens
of a newcomer; the photo viewer and an inspection's form (an item failed) on the steward's phone.
test_every_route_is_visited fails when routes.js has a route no SCREENS address opens.

On the test world (states the demo does not have): the resident's home with the push card, the
sync page in plain words, the worker's task list with a task done late, the admin's alert form
(phone and desk) with its confirmation dialog, the spot check with its warning and confirmation."""

import re
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from server.activities.models import Activity
from server.alerts.models import Alert
from server.auth.models import RoleAssignment, User
from server.core import clock
from server.demo import DEMO_ACCOUNTS, load_demo
from server.evaluation.models import EvaluationBallot, EvaluationRound
from server.extensions import db
from server.inspections.models import Inspection, InspectionTemplate, RectificationOrder
from server.members.models import Member
from server.notices.models import InboxEntry
from server.org.models import Building, Compound, GridCoverage, Household
from server.tasks.models import FieldReport, Task
from server.tasks.need_models import Need
from server.wishes.models import Wish, WishCard
from tests.conftest import app_on, fresh_database
from tests.e2e.admin_desk import admin_signs_in
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import DESK, PHONE, Draining, wait_until
from tests.e2e.test_alerts_ui import phone  # noqa: F401  (a phone that allows notifications: the push card shows)
from tests.e2e.test_inspections_ui import TEMPLATES, answer
from tests.e2e.test_photo_viewer import SHOWN_IMAGE
from tests.e2e.test_shell import sign_in
from tests.e2e.test_tasks_ui import SYNCED, assign, row
from tests.e2e.test_words_ui import finish
from tests.server.alerts_support import signed_in


def test_the_residents_home_and_sync_page_pass_axe(live_server, world, phone_page):
    page = phone_page
    sign_in(page, live_server, "13800000007")
    page.get_by_test_id("push-card").wait_for()
    assert_accessible(page, "resident home with the push card")
    page.get_by_test_id("net-status").click()  # the header's sync chip
    wait_until(page, "document.querySelector('[data-testid=conflicts-none]') !== null")
    assert_accessible(page, "sync page (resident)")


def test_the_workers_list_with_a_task_done_late_passes_axe(live_server, app, world, phone_page):
    admin = signed_in(app, "13800000002")
    now = datetime.now(UTC)
    with clock.at(now - timedelta(days=2)):
        late = assign(admin, "building", world.b_hexi1, world.worker_a, "1号楼消防设施检查", now - timedelta(days=1))
    finish(app, "13800000003", admin, late, now)
    page = phone_page
    sign_in(page, live_server, "13800000003")
    page.get_by_test_id("home").wait_for()
    wait_until(page, SYNCED, timeout=30)
    page.get_by_test_id("section-done").locator("summary").click()
    row(page, late).wait_for()
    assert_accessible(page, "worker home, a task done late")
    row(page, late).click()
    page.get_by_test_id("task-status").wait_for()
    assert_accessible(page, "task detail, done late")


def test_the_alert_form_its_confirmation_and_the_spot_check_pass_axe(live_server, world, desk_page):
    page = desk_page
    admin_signs_in(page, live_server)
    page.evaluate("location.hash = '#/admin/alerts/new'")
    page.get_by_test_id("alert-form").wait_for()
    page.get_by_test_id("alert-title-input").fill("停水通知")
    page.get_by_test_id("alert-body-input").fill("明日停水。")
    page.locator("label:has([data-testid=alert-level-urgent])").click()
    page.locator("label:has([data-testid=alert-category-utility])").click()
    page.get_by_test_id(f"alert-compound-{world.hexi_xiaoqu}").check()
    wait_until(page, "document.querySelector('[data-testid=alert-reach]').dataset.people !== ''")
    for size in (PHONE, DESK):
        page.set_viewport_size(size)
        assert_accessible(page, f"alert form at {size['width']} px")
    page.get_by_test_id("alert-submit").click()
    page.get_by_test_id("alert-confirm").wait_for()
    assert_accessible(page, "alert confirmation")
    page.get_by_test_id("alert-confirm-no").click()

    page.evaluate("location.hash = '#/admin/spot-checks'")
    page.get_by_test_id("draw-form").wait_for()
    wait_until(page, "document.querySelector('[data-testid=draw-population]').textContent.includes('2 个小区')")
    page.get_by_test_id("draw-k").fill("2")
    page.get_by_test_id("draw-all-warning").wait_for()
    assert_accessible(page, "spot check with its warning")
    page.get_by_test_id("draw-submit").click()
    page.get_by_test_id("draw-confirm").wait_for()
    assert_accessible(page, "spot check confirmation")


# --- every screen of the app, on the demo city ----------------------------------------------------
#
# Each role signs in once on the demo city (server/demo: every kind of record, as the roles' phones
# and desks see it) and walks its screens by address, axe over each once it is drawn. SCREENS names
# every address visited; test_every_route_is_visited compares it with the patterns of routes.js, so
# a new route fails until it is added here.

ROUTES_JS = Path(__file__).resolve().parents[2] / "pwa" / "js" / "ui" / "routes.js"
PASSWORDS = {a["phone"]: a["password"] for a in DEMO_ACCOUNTS}
CITY_ADMIN, HEXI_ADMIN, WORKER, STEWARD, STAFF, RESIDENT, VOLUNTEER = (
    "13800000001",
    "13800000002",
    "13800000003",
    "13800000005",
    "13800000006",
    "13800000007",
    "13800000008",
)
# Per role, the addresses it opens ({name}: an id of the demo city, demo_ids()).
SCREENS = {
    "newcomer": [
        "/join",
        "/join/request",
        "/me",
    ],
    "grid_worker": [
        "/tasks/{task}",
        "/tasks/{task}/complete",
        "/tasks/{task}/unable",
        "/report",
        "/directory",
        "/map",  # the grid's open tasks by compound (a list and a note: no tile server here)
        "/invite/{household}",
        "/accounts/reset-code",
        "/needs/{grid_need}",
        "/inbox",
        "/inbox/{inbox_entry}",
        "/notifications",
        "/settings/notifications",
        "/evaluation",
        "/evaluation/{ballot}",
        "/sync",
    ],
    "red_steward": [
        "/inspections/{inspection}",
        "/orders/{responded_order}",
    ],
    "property_staff": [
        "/orders/{open_order}",
    ],
    "resident": [
        "/wishes",
        "/wishes/new",
        "/wishes/{own_wish}",
        "/needs",
        "/needs/new",
        "/needs/{own_need}",
    ],
    "volunteer": [
        "/wall",
        "/wishes/card/{claimed_card}",
        "/activities",
        "/activities/{activity}",
        "/activities/{activity}/scan",
        "/service",
        "/members/me",
        "/members/join",
    ],
    "community_admin": [
        "/admin/tasks",
        "/admin/tasks/new",
        "/admin/tasks/bulk",
        "/admin/tasks/{task}",
        "/admin/reports",
        "/admin/reports?grid={grid}&period=30d&status=all",  # a dashboard's figure: its filters in words
        "/admin/reports/{report}/convert",
        "/admin/alerts",
        "/admin/alerts/new",
        "/admin/alerts/{alert}",
        "/admin/scorecards",
        "/admin/scorecards/compounds/{compound}",
        "/admin/spot-checks",
        "/admin/plans",
        "/admin/templates",
        "/admin/templates/{template}",
        "/admin/wishes",
        "/admin/wishes/{submitted_wish}",
        "/admin/matching",
        "/admin/needs",
        "/admin/needs?grid={grid}&period=30d",  # the server's list of what a dashboard counted
        "/admin/members",
        "/admin/import",
        "/admin/org",
        "/admin/places",
        "/admin/places/{compound}",
        "/admin/households/{household}",
        "/admin/companies",
        "/admin/duplicates",
        "/members/units/{unit}",
        "/admin/evaluation",
        "/admin/evaluation/{round}",
        "/admin/dashboard",
        "/admin/dashboard/{grid}",
        "/activities/new",
        "/activities/{activity}/edit",
        "/activities/{activity}/code",
        "/activities/{activity}/attendance",
        "/join/requests",
        "/admin/people",
        "/admin/people/new",
        "/admin/people/{person}",
        "/admin/audit",
    ],
    "city_admin": [  # the city's figures: a row per district
        "/admin/dashboard",
        "/admin/tasks",
        "/admin/scorecards",
        "/admin/needs",
    ],
}
# Forms also checked sent empty: their fields marked invalid, each with its message.
SENT_EMPTY = {"/tasks/{task}/unable", "/report", "/wishes/new", "/needs/new", "/admin/tasks/new", "/activities/new"}


def demo_ids() -> dict:
    """The ids the SCREENS name, from the demo city (inside an app context)."""

    def uid(number):
        return db.session.scalar(select(User.id).where(User.phone == number))

    def first(query):
        found = db.session.scalar(query.limit(1))
        assert found is not None, f"the demo has none of: {query}"
        return found

    stewarded = select(RoleAssignment.compound_id).where(RoleAssignment.user_id == uid(STEWARD))
    worker, steward, resident, volunteer = uid(WORKER), uid(STEWARD), uid(RESIDENT), uid(VOLUNTEER)
    grid = first(select(RoleAssignment.org_unit_id).where(RoleAssignment.user_id == worker))
    hexi = first(select(RoleAssignment.org_unit_id).where(RoleAssignment.user_id == uid(HEXI_ADMIN)))
    company = first(select(RoleAssignment.company_id).where(RoleAssignment.user_id == uid(STAFF)))
    covered = select(GridCoverage.compound_id).where(GridCoverage.grid_id == grid)
    return {
        "task": first(select(Task.id).where(Task.assignee_id == worker, Task.status == "in_progress")),
        "household": first(
            select(Household.id).join(Building).where(Building.compound_id.in_(covered)).order_by(Household.id)
        ),
        "grid_need": first(select(Need.id).where(Need.grid_id == grid, Need.status == "in_progress")),
        "inbox_entry": first(select(InboxEntry.id).where(InboxEntry.user_id == worker, InboxEntry.kind == "alert")),
        "ballot": first(select(EvaluationBallot.id).where(EvaluationBallot.evaluator_id == worker)),
        "inspection": first(select(Inspection.id).where(Inspection.steward_id == steward)),
        "responded_order": first(
            select(RectificationOrder.id).where(
                RectificationOrder.compound_id.in_(stewarded), RectificationOrder.status == "responded"
            )
        ),
        "open_order": first(
            select(RectificationOrder.id).where(
                RectificationOrder.company_id == company, RectificationOrder.status == "open"
            )
        ),
        "own_wish": first(select(Wish.id).where(Wish.user_id == resident, Wish.status == "approved")),
        "own_need": first(select(Need.id).where(Need.user_id == resident, Need.status == "resolved")),
        "claimed_card": first(
            select(WishCard.id).where(WishCard.claimant_id == volunteer, WishCard.status == "claimed")
        ),
        "activity": first(select(Activity.id).where(Activity.community_id == hexi).order_by(Activity.starts_at)),
        "report": first(select(FieldReport.id).where(FieldReport.status == "new")),
        "alert": first(select(Alert.id).order_by(Alert.id)),
        "compound": first(select(Compound.id).where(Compound.community_id == hexi).order_by(Compound.id)),
        "template": first(select(InspectionTemplate.id).order_by(InspectionTemplate.id)),
        "submitted_wish": first(select(Wish.id).where(Wish.community_id == hexi, Wish.status == "submitted")),
        "unit": first(select(Member.unit_id).where(Member.user_id == volunteer, Member.community_id == hexi)),
        "round": first(select(EvaluationRound.id).where(EvaluationRound.community_id == hexi)),
        "grid": grid,
        "person": worker,
    }


@pytest.fixture(scope="module")
def demo_server(database_url, tmp_path_factory):
    """The demo city (server/demo) served on a free port for this module: (base URL, demo_ids())."""
    with fresh_database(database_url, tmp_path_factory.mktemp("axe"), "axe") as url:
        app = app_on(url, tmp_path_factory.mktemp("axe_instance"))
        app.config["LOGIN_RATE_LIMIT"] = "100 per minute"
        with app.app_context():
            load_demo()
            ids = demo_ids()
            db.session.remove()
        draining = Draining(app)
        server = make_server("127.0.0.1", 0, draining, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}", ids
        server.shutdown()
        assert draining.wait_idle(15), "requests still running after the tests"
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


SYNCED_ONCE = (
    "import('/js/sync-client.js').then((c) => c.getStatus()).then((s) => s.state === 'idle' && s.lastSyncAt !== null)"
)
# The screen in <main> is a new one (not the one marked before leaving), its module loaded
# (no aria-busy holder), its heading there and nothing left saying 正在加载….
DRAWN = """() => {
  const outer = document.querySelector('#main > *');
  if (!outer || outer.dataset.axeLeft) return null;
  // An admin screen stands in the console's shell (ui/admin-console.js).
  const screen = outer.matches('.console') ? outer.querySelector('.console__content > *') : outer;
  if (!screen || screen.matches('[aria-busy=true]')) return null;
  if (screen.querySelector('[aria-busy=true]') || !screen.querySelector('h1')) return null;
  const loading = [...screen.querySelectorAll('p, li, span, div')].some(
    (el) => el.children.length === 0 && el.textContent.trim() === '正在加载…');
  return loading ? null : [screen.dataset.testid ?? '', screen.querySelector('h1').textContent.trim()];
}"""


def drawn(page, timeout: float = 15.0) -> list:
    """Wait for the screen in <main> to be drawn (DRAWN): its [data-testid, heading]."""
    deadline = time.monotonic() + timeout
    while not (found := page.evaluate(DRAWN)):
        if time.monotonic() > deadline:
            raise AssertionError(f"no screen drawn at {page.evaluate('location.hash')}")
        page.wait_for_timeout(100)
    return found


def unfolded_accessible(page, screen: str) -> None:
    """axe over the screen with its folded parts (<details>: done tasks, past activities…) open."""
    page.evaluate("document.querySelectorAll('#main details:not([open])').forEach((d) => { d.open = true; })")
    drawn(page)
    assert_accessible(page, screen)


def walk(page, role: str, ids: dict) -> None:
    """Open each of the role's SCREENS by address and run axe over it once drawn."""
    for path in SCREENS[role]:
        address = path.format(**ids)
        page.evaluate("document.querySelector('#main > *')?.setAttribute('data-axe-left', '1')")
        page.evaluate("(a) => { location.hash = '#' + a; }", address)
        testid, heading = drawn(page)
        assert testid not in ("home", "admin-home", "load-error"), f"{address} showed {testid}"
        assert page.evaluate("location.hash") == f"#{address}"
        unfolded_accessible(page, f"{role} {address} ({testid}: {heading})")
        if path in SENT_EMPTY:
            page.locator("#main form button[type=submit]").first.click()
            page.locator("#main [aria-invalid=true]").first.wait_for()
            assert_accessible(page, f"{role} {address} sent empty")


def signed_in_home(page, base: str, number: str) -> None:
    """Signed in on the role's home, the first sync done, axe over the home."""
    sign_in(page, base, number, PASSWORDS[number])
    page.locator("[data-testid=home], [data-testid=admin-home]").first.wait_for()
    wait_until(page, SYNCED_ONCE, timeout=30)
    drawn(page)
    unfolded_accessible(page, f"home of {number}")


def test_sign_in_registration_and_join_pass_axe(demo_server, phone_page):
    base, ids = demo_server
    page = phone_page
    page.goto(base)
    page.get_by_test_id("signin-form").wait_for()
    assert_accessible(page, "sign-in (the page's static form)")
    sign_in(page, base, "12345")
    page.get_by_test_id("field-error-phone").wait_for()
    assert_accessible(page, "sign-in with a field error")
    page.get_by_test_id("signin-register").click()
    page.get_by_test_id("register-form").wait_for()
    assert_accessible(page, "registration")
    page.get_by_test_id("register-phone").fill("13912345678")
    page.get_by_test_id("register-name").fill("新居民")
    page.get_by_test_id("register-password").fill("12345678")  # too common: refused on the field
    page.get_by_test_id("register-submit").click()
    page.get_by_test_id("register-password-error").get_by_text("常见").wait_for()
    assert_accessible(page, "registration with a field error")
    page.get_by_test_id("register-password").fill("hongge-axe-2026")
    page.get_by_test_id("register-submit").click()
    page.get_by_test_id("home").wait_for()
    drawn(page)
    assert_accessible(page, "home of a newcomer")
    walk(page, "newcomer", ids)


def test_the_grid_workers_screens_pass_axe(demo_server, phone_page):
    base, ids = demo_server
    signed_in_home(phone_page, base, WORKER)
    walk(phone_page, "grid_worker", ids)


def test_the_stewards_screens_the_photo_viewer_and_an_inspection_form_pass_axe(demo_server, phone_page):
    base, ids = demo_server
    page = phone_page
    signed_in_home(page, base, STEWARD)
    walk(page, "red_steward", ids)
    # A tap on the order's evidence: the photo full screen (PhotoSwipe).
    page.locator(".thumb__open").first.click()
    page.get_by_test_id("photo-viewer").wait_for()
    wait_until(page, f"{SHOWN_IMAGE} !== null")
    assert_accessible(page, "photo viewer")
    page.keyboard.press("Escape")
    wait_until(page, "document.querySelector('[data-testid=photo-viewer]') === null")
    # 发起检查 on home: the inspection's form, every item to answer.
    page.evaluate("location.hash = '#/'")
    wait_until(page, f"{TEMPLATES}.then((n) => n >= 1)")
    page.get_by_test_id("adhoc-start").click()
    page.get_by_test_id("inspection-items").locator("[data-testid=inspection-item]").first.wait_for()
    drawn(page)
    assert_accessible(page, "an inspection started, its form")
    code = page.locator("[data-testid=inspection-item]").first.get_attribute("data-code")
    answer(page, code, "fail")  # its photo and words asked for, 缺照片 1 项 in the bar
    page.get_by_test_id("jump-photo").wait_for()
    assert_accessible(page, "an inspection with a failed item")


def test_the_property_staffs_screens_pass_axe(demo_server, phone_page):
    base, ids = demo_server
    signed_in_home(phone_page, base, STAFF)
    walk(phone_page, "property_staff", ids)


def test_the_residents_screens_pass_axe(demo_server, phone_page):
    base, ids = demo_server
    signed_in_home(phone_page, base, RESIDENT)
    walk(phone_page, "resident", ids)


def test_the_volunteers_screens_pass_axe(demo_server, phone_page):
    base, ids = demo_server
    signed_in_home(phone_page, base, VOLUNTEER)
    walk(phone_page, "volunteer", ids)


def test_the_community_admins_screens_pass_axe(demo_server, desk_page):
    base, ids = demo_server
    signed_in_home(desk_page, base, HEXI_ADMIN)
    walk(desk_page, "community_admin", ids)


def test_the_city_admins_screens_pass_axe(demo_server, desk_page):
    base, ids = demo_server
    signed_in_home(desk_page, base, CITY_ADMIN)
    walk(desk_page, "city_admin", ids)


def test_every_route_is_visited():
    """Each pattern of routes.js matches an address of SCREENS, and each address a pattern (else
    it would open home): a route added without its screen here fails."""
    patterns = [re.compile(p) for p in re.findall(r"pattern: /(.+?)/,", ROUTES_JS.read_text(encoding="utf-8"))]
    assert len(patterns) == ROUTES_JS.read_text(encoding="utf-8").count("pattern:")
    addresses = {path.format_map(defaultdict(lambda: "1")) for paths in SCREENS.values() for path in paths}
    addresses = {a.split("?")[0] for a in addresses}  # a route's pattern is of the path
    unvisited = [p.pattern for p in patterns if not any(p.match(a) for a in addresses)]
    assert unvisited == [], "routes.js has routes the axe tests never open: add an address to SCREENS"
    unknown = [a for a in sorted(addresses) if not any(p.match(a) for p in patterns)]
    assert unknown == [], "SCREENS has addresses no route of routes.js matches (they would open home)"
