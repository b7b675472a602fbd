"""组织架构, 小区与住户, 物业企业 end to end (issue 16 item 2, PROTOCOL.md §25), real server and
Chromium at 360×740 and 1366×900: 河西社区's admin creates a grid in the org tree, puts 文峰苑 2号楼
(in no grid yet) into it, turns on a resident's care flag in the place browser, and adds a property
company (its 统一社会信用代码 refused with a wrong check character, then taken). The server's rows are
checked. Screenshots go to test-artifacts/org-*.png."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.org.models import GridCoverage, OrgUnit, PropertyCompany, Resident
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_shell import sign_in

ADMIN = "13800000002"
SIZES = {"phone": {"width": 360, "height": 740}, "desk": {"width": 1366, "height": 900}}


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"org-{name}.png"), full_page=True)


@pytest.fixture(params=list(SIZES))
def admin(request, browser, live_server):
    ctx = browser.new_context(viewport=SIZES[request.param], locale="zh-CN", timezone_id="Asia/Shanghai")
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, ADMIN)
    page.get_by_test_id("admin-import-open").wait_for()
    page.size = request.param
    yield page
    ctx.close()
    assert errors == [], f"JavaScript errors: {errors}"


def node(page, name: str):
    return page.locator(f'[data-testid="org-node"][data-name="{name}"]').first


def pick(page, testid: str, text: str) -> None:
    page.get_by_test_id(f"{testid}-q").fill(text)
    page.get_by_test_id(f"{testid}-hit").filter(has_text=text).first.click()


def test_an_admin_makes_a_grid_covers_a_building_flags_a_resident_and_adds_a_company(
    app, db, world, live_server, admin
):
    size = admin.size
    grid_name = f"河西社区第三网格{size}"
    admin.goto(f"{live_server}/#/admin/org")
    # The tree: the admin's top is 河西社区 under its ancestors; unfold down to it.
    for name in ("许昌市", "魏都区", "文峰街道"):
        toggle = node(admin, name).get_by_test_id("org-toggle").first
        toggle.click()
        node(admin, {"许昌市": "魏都区", "魏都区": "文峰街道", "文峰街道": "河西社区"}[name]).wait_for()
    hexi = node(admin, "河西社区")
    hexi.get_by_test_id("org-manage").first.click()
    hexi.get_by_test_id("org-new-name").fill(grid_name)
    hexi.get_by_test_id("org-add-submit").click()
    grid = node(admin, grid_name)
    grid.wait_for()
    shoot(admin, f"tree-{size}")

    # Its coverage: 文峰苑, 2号楼.
    grid.get_by_test_id("org-manage").first.click()
    pick(grid, "org-assign-compound", "文峰苑")
    grid.get_by_test_id("org-assign-building").select_option(label="2号楼")
    grid.get_by_test_id("org-assign-submit").click()
    grid.get_by_test_id("org-coverage-row").filter(has_text="2号楼").wait_for()
    shoot(admin, f"coverage-{size}")
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.name == grid_name))
    assert unit.parent_id == world.hexi and unit.kind == "grid"
    covered = db.session.scalars(select(GridCoverage.building_id).where(GridCoverage.grid_id == unit.id)).all()
    assert covered == [world.b_wenfeng2]

    # A resident's care flags, from the place browser: 文峰苑 → 2号楼 → the first household.
    admin.goto(f"{live_server}/#/admin/places?q=文峰")
    admin.get_by_test_id("place-row").filter(has_text="文峰苑").click()
    building = admin.locator('[data-testid="building"][data-name="2号楼"]')
    building.locator("summary").click()
    building.get_by_test_id("household-row").first.wait_for()
    shoot(admin, f"compound-{size}")
    building.get_by_test_id("household-row").first.click()
    resident = admin.get_by_test_id("resident").first
    resident.locator("summary").click()
    resident_name = resident.get_attribute("data-name")
    resident.get_by_test_id("care-elderly_alone").check()
    resident.get_by_test_id("resident-edit-submit").click()
    resident.get_by_test_id("resident-edit-saved").filter(has_text="已保存").wait_for()
    shoot(admin, f"household-{size}")
    db.session.expire_all()
    row = db.session.scalar(
        select(Resident).where(Resident.name == resident_name, Resident.household_id.in_(world.hh_wenfeng2))
    )
    assert "elderly_alone" in (row.care_flags or [])

    # A company: a wrong check character is refused on its field, the right code is taken.
    admin.goto(f"{live_server}/#/admin/companies")
    form = admin.get_by_test_id("company-new")
    form.get_by_test_id("company-name").fill(f"许昌安居物业{size}")
    form.get_by_test_id("company-code").fill("91350100m000100y44")
    form.get_by_test_id("company-new-submit").click()
    expect(form.get_by_test_id("company-code-error")).to_contain_text("统一社会信用代码")
    form.get_by_test_id("company-code").fill("91350100M000100Y43" if size == "phone" else "91110108551385082Q")
    form.get_by_test_id("company-new-submit").click()
    admin.locator(f'[data-testid="company"][data-name="许昌安居物业{size}"]').wait_for()
    shoot(admin, f"companies-{size}")
    assert db.session.scalar(select(PropertyCompany.id).where(PropertyCompany.name == f"许昌安居物业{size}"))
