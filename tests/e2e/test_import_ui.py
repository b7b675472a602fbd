"""批量导入 end to end (issue 16, PROTOCOL.md §23), real server and Chromium at 360×740: 河西社区's
admin opens 批量导入 from home, previews a CSV of residents with a wrong row (nothing can be
imported, the error says its row and column), previews the corrected file and imports it; the
same file again adds nothing. Screenshots go to test-artifacts/import-*.png."""

from sqlalchemy import func, select

from server.org.models import Resident
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_shell import sign_in

ADMIN = "13800000002"
HEADER = "小区,楼栋,单元,室,姓名,手机号,性别,出生年份,与户主关系,关怀标记\n"
GOOD = (
    "河西小区,1号楼,1单元,101,张桂兰,13912345678,女,1948,户主,独居老人\n"
    "河西小区,2号楼,2单元,301,王小明,,男,2015,子女,\n"
)
BAD = "帝豪花园,1号楼,1单元,101,李四,1391234,,,,\n"


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"import-{name}.png"), full_page=True)


def _file(text: str) -> dict:
    return {"name": "居民.csv", "mimeType": "text/csv", "buffer": ("\ufeff" + HEADER + text).encode()}


def test_an_admin_previews_fixes_and_imports_residents_at_360(app, db, world, live_server, phones):
    _, admin = phones()
    sign_in(admin, live_server, ADMIN)
    admin.get_by_test_id("admin-import-open").click()
    admin.get_by_test_id("import-file").wait_for()
    assert admin.get_by_test_id("import-kind").input_value() == "residents"
    assert "residents/template?format=xlsx" in admin.get_by_test_id("import-template-xlsx").get_attribute("href")
    residents = db.session.scalar(select(func.count()).select_from(Resident))

    admin.get_by_test_id("import-file").set_input_files(_file(GOOD + BAD))
    admin.get_by_test_id("import-preview").click()
    errors = admin.get_by_test_id("import-errors")
    errors.wait_for()
    assert [e.inner_text() for e in errors.locator("li").all()] == [
        "第 4 行 · 小区： “帝豪花园”不在您的管辖范围内。",
        "第 4 行 · 手机号： 请输入 11 位中国大陆手机号。",
    ]
    assert admin.get_by_test_id("import-commit").count() == 0  # a file with errors cannot be imported
    assert admin.locator("[data-action='error']").count() == 1
    shoot(admin, "errors-360")

    admin.get_by_test_id("import-file").set_input_files(_file(GOOD))
    admin.get_by_test_id("import-preview").click()
    admin.get_by_test_id("import-commit").wait_for()
    counts = admin.get_by_test_id("import-counts")
    assert counts.locator("[data-count='create'] .pill__value").inner_text() == "2"
    assert admin.evaluate("document.documentElement.scrollWidth") <= 360  # the table scrolls in its own box
    shoot(admin, "preview-360")
    admin.get_by_test_id("import-commit").click()
    admin.get_by_test_id("import-done").wait_for()
    assert admin.get_by_test_id("import-done-text").inner_text() == "新增 2 条，更新 0 条，0 条不变。"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Resident)) == residents + 2
    shoot(admin, "done-360")

    admin.get_by_test_id("import-preview").click()  # the same file again
    admin.get_by_test_id("import-commit").click()
    admin.get_by_test_id("import-done").wait_for()
    assert admin.get_by_test_id("import-done-text").inner_text() == "新增 0 条，更新 0 条，2 条不变。"
