"""A street office sets up a community from an empty database, in a browser only (issue 16, done
when): the command line makes the city, its district and the street and the street's admin (nothing
in the app is above a city); then, at a desk 1366 px wide, the street's admin adds 新兴社区 and its
grid in 组织架构, the compound 新兴花园 and its 1号楼 in 小区与住户, imports the residents from a
CSV, puts the compound in the grid, makes the grid's worker with the role chosen in the picker,
watches the street's and the community's 工作看板 count the task the grid got, and opens the
community's monthly report. The grid worker's phone pulls the task: what a grid covers is what its
worker holds. Screenshots: test-artifacts/office-*.png."""

import pytest
from sqlalchemy import func, select

from server.auth.models import User
from server.extensions import db as _db
from server.org.models import Building, Compound, GridCoverage, Household, OrgUnit, Resident
from tests.conftest import AuthActions
from tests.e2e.conftest import ARTIFACTS, DESK, serving, wait_until
from tests.e2e.test_shell import sign_in
from tests.server.tasks_support import new_task, records_of

STREET_ADMIN, WORKER = "13700000001", "13700000002"
STREET_PASSWORD = "xinxing-street-2026"  # the command line refuses a common one
RESIDENTS = (
    "\ufeff小区,楼栋,单元,室,姓名,手机号,性别,出生年份,与户主关系,关怀标记\n"
    "新兴花园,1号楼,1单元,101,李秀英,13912340001,女,1946,户主,独居老人\n"
    "新兴花园,1号楼,1单元,102,赵建国,13912340002,男,1970,户主,\n"
    "新兴花园,1号楼,1单元,102,赵小雨,,女,2012,子女,\n"
)


@pytest.fixture
def empty_city(app):
    """An empty, migrated database; the first units and the street's admin from the command line."""
    runner = app.test_cli_runner()

    def add_unit(kind, name, parent=None):
        args = ["add-unit", "--kind", kind, "--name", name]
        result = runner.invoke(args=[*args, "--parent-id", str(parent)] if parent else args)
        assert result.exit_code == 0, result.output
        with app.app_context():
            return _db.session.scalar(select(OrgUnit.id).where(OrgUnit.name == name))

    street = add_unit("street", "新兴街道", add_unit("district", "魏都区", add_unit("city", "许昌市")))
    made = runner.invoke(
        args=[
            "create-user",
            "--phone",
            STREET_ADMIN,
            "--name",
            "新兴街道管理员",
            "--password",
            STREET_PASSWORD,
            "--role",
            "admin",
            "--scope-id",
            str(street),
        ]  # fmt: skip
    )
    assert made.exit_code == 0, made.output
    with serving(app) as url:
        yield url


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)
    page.screenshot(path=str(ARTIFACTS / f"office-{name}.png"), full_page=True)


def node(page, name: str):
    return page.locator(f'[data-testid="org-node"][data-name="{name}"]').first


def pick(scope, testid: str, typed: str, name: str) -> None:
    """Search a scope picker and tap the hit of that name."""
    scope.get_by_test_id(f"{testid}-q").fill(typed)
    scope.get_by_test_id(f"{testid}-hit").filter(has_text=name).first.click()


def go(page, path: str) -> None:
    page.evaluate("(path) => { location.hash = path; }", f"#{path}")


def test_a_street_office_sets_up_a_community_from_nothing_and_watches_it(app, db, empty_city, desk_page):
    base, page = empty_city, desk_page
    page.set_viewport_size(DESK)
    sign_in(page, base, STREET_ADMIN, STREET_PASSWORD)
    page.get_by_test_id("admin-org-open").click()

    # 组织架构: the street's community, then its grid.
    for name, child in (("许昌市", "魏都区"), ("魏都区", "新兴街道")):
        node(page, name).get_by_test_id("org-toggle").first.click()
        node(page, child).wait_for()
    for parent, name in (("新兴街道", "新兴社区"), ("新兴社区", "新兴社区第一网格")):
        unit = node(page, parent)
        unit.get_by_test_id("org-manage").first.click()
        unit.get_by_test_id("org-new-name").fill(name)
        unit.get_by_test_id("org-add-submit").click()
        node(page, name).wait_for()
    community = db.session.scalar(select(OrgUnit).where(OrgUnit.name == "新兴社区"))
    grid = db.session.scalar(select(OrgUnit).where(OrgUnit.name == "新兴社区第一网格"))
    assert (community.kind, grid.kind, grid.parent_id) == ("community", "grid", community.id)
    shoot(page, "org")

    # 小区与住户: the compound in the community, its building.
    page.get_by_test_id("console-nav-places").click()
    form = page.get_by_test_id("compound-new")
    form.get_by_test_id("compound-name").fill("新兴花园")
    pick(form, "compound-community", "新兴", "新兴社区")
    form.get_by_test_id("compound-new-submit").click()
    page.get_by_test_id("admin-compound").wait_for()
    page.get_by_test_id("building-add").click()
    page.get_by_test_id("building-name").fill("1号楼")
    page.get_by_test_id("building-new-submit").click()
    page.locator('[data-testid="building"][data-name="1号楼"]').wait_for()
    compound = db.session.scalar(select(Compound).where(Compound.name == "新兴花园"))
    assert compound.community_id == community.id

    # 批量导入: the residents, their households made on the way.
    page.get_by_test_id("console-nav-import").click()
    page.get_by_test_id("import-kind").select_option("residents")
    upload = {"name": "新兴花园居民.csv", "mimeType": "text/csv", "buffer": RESIDENTS.encode()}
    page.get_by_test_id("import-file").set_input_files(upload)
    page.get_by_test_id("import-preview").click()
    page.get_by_test_id("import-commit").click()
    assert page.get_by_test_id("import-done-text").inner_text() == "新增 3 条，更新 0 条，0 条不变。"
    db.session.expire_all()
    households = select(Household.id).join(Building).where(Building.compound_id == compound.id)
    assert db.session.scalar(select(func.count()).select_from(households.subquery())) == 2
    lonely = db.session.scalar(select(Resident).where(Resident.name == "李秀英"))
    assert lonely.care_flags == ["elderly_alone"]

    # The grid covers the compound.
    page.get_by_test_id("console-nav-org").click()
    for name, child in (
        ("许昌市", "魏都区"),
        ("魏都区", "新兴街道"),
        ("新兴街道", "新兴社区"),
        ("新兴社区", "新兴社区第一网格"),
    ):
        if not node(page, child).is_visible():
            node(page, name).get_by_test_id("org-toggle").first.click()
        node(page, child).wait_for()
    unit = node(page, "新兴社区第一网格")
    unit.get_by_test_id("org-manage").first.click()
    pick(unit, "org-assign-compound", "新兴", "新兴花园")
    unit.get_by_test_id("org-assign-submit").click()
    unit.get_by_test_id("org-coverage-row").filter(has_text="新兴花园").wait_for()
    db.session.expire_all()
    assert db.session.scalar(select(GridCoverage.compound_id).where(GridCoverage.grid_id == grid.id)) == compound.id

    # 人员管理: the grid's worker, the grid chosen in the picker.
    page.get_by_test_id("console-nav-people").click()
    page.get_by_test_id("people-new").click()
    page.get_by_test_id("person-name").fill("新兴网格员")
    page.get_by_test_id("person-phone").fill(WORKER)
    page.get_by_test_id("person-password").fill("xinxing-grid-2026")
    page.get_by_test_id("person-role").select_option("grid_worker")
    pick(page, "person-scope", "第一网格", "新兴社区第一网格")
    page.get_by_test_id("person-create-submit").click()
    page.get_by_test_id("admin-person").wait_for()
    worker = db.session.scalar(select(User).where(User.phone == WORKER))
    assert worker is not None and worker.display_name == "新兴网格员"

    # Work reaches the grid: a task for 1号楼; its worker's phone pulls it.
    admin = AuthActions(app.test_client())
    assert admin.login(STREET_ADMIN, STREET_PASSWORD).status_code == 200
    building = db.session.scalar(select(Building.id).where(Building.compound_id == compound.id))
    task = new_task(admin, "building", building, title="1号楼独居老人走访")
    assert task["grid_id"] == grid.id
    phone = AuthActions(app.test_client())
    assert phone.login(WORKER, "xinxing-grid-2026").status_code == 200
    assert [t["title"] for t in records_of(phone, "task").values()] == ["1号楼独居老人走访"]

    # 工作看板: the street's, its community's row; the community's, its grid's row.
    page.get_by_test_id("console-nav-dashboard").click()
    page.get_by_test_id("dash-units").wait_for()
    wait_until(page, f"document.querySelector('[data-testid=cell-{community.id}-tasks-open]')?.textContent === '1'")
    shoot(page, "street-dashboard")
    page.get_by_test_id(f"unit-{community.id}").click()
    wait_until(page, f"location.hash === '#/admin/dashboard/{community.id}'")
    wait_until(page, f"document.querySelector('[data-testid=cell-{grid.id}-tasks-open]')?.textContent === '1'")
    shoot(page, "community-dashboard")

    # 社区月度报告: chosen from the server's page, printed for the 联席会议.
    page.goto(f"{base}/reports/monthly")
    page.get_by_test_id("monthly-choose").wait_for()
    page.locator("select[name=community]").select_option(label="新兴社区")
    page.get_by_role("button", name="查看").click()
    page.get_by_test_id("monthly-report").wait_for()
    assert page.get_by_test_id("report-community").inner_text() == "新兴社区"
    assert "新兴社区第一网格" in page.locator("[data-section=tasks]").inner_text()
    shoot(page, "monthly")
