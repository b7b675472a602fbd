"""Exports: the monthly scorecard as XLSX (read back with openpyxl), and the printable report
of an inspection (server-rendered, print stylesheet, photos, no inline script or style),
readable by whoever may read the inspection."""

import io

import pytest
from openpyxl import load_workbook

from server.audit.models import AuditEntry
from server.auth.models import User
from server.extensions import db
from tests.server.inspections_support import (
    DIHAO_RESIDENT,
    DIHAO_STEWARD,
    HEXI_ADMIN,
    HEXI_STEWARD,
    ROOT_ADMIN,
    YUANHANG_STAFF,
    answers,
    get,
    signed_in,
    start,
    submit,
)
from tests.server.tasks_support import photo

HEADER = [
    "小区",
    "社区",
    "街道",
    "区",
    "物业服务企业",
    "检查次数",
    "检查平均分",
    "逾期整改单",
    "退回整改次数",
    "月度得分",
    "星级",
    "街道排名",
    "区排名",
    "未销号整改单",
]


def workbook(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.get_data()))


def test_the_monthly_scorecard_exports_as_xlsx_with_a_sheet_per_company(app, scored):
    root = signed_in(app, ROOT_ADMIN)
    response = get(root, "/api/scorecards/export.xlsx?month=2026-11")
    assert "scorecard-1-2026-11.xlsx" in response.headers["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == ["小区评分", "许昌万家物业服务有限公司", "远航物业服务有限公司"]
    rows = list(book["小区评分"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    by_name = {row[0]: row for row in rows[1:]}
    assert sorted(by_name) == ["七里店家属院", "帝豪花园", "文峰苑", "河西小区"]
    assert by_name["河西小区"][1:5] == ("河西社区", "文峰街道", "魏都区", "许昌万家物业服务有限公司")
    assert by_name["河西小区"][5:] == (2, 80.0, 1, 1, 77.0, 3, 2, 2, 2)
    assert by_name["七里店家属院"][9] is None
    company = list(book["许昌万家物业服务有限公司"].iter_rows(values_only=True))
    assert list(company[0]) == HEADER and {row[0] for row in company[1:-1]} == {"河西小区", "文峰苑"}
    assert company[-1][0] == "企业得分" and company[-1][9:11] == (86.0, 4)
    with app.app_context():
        entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "scorecard.export"))
        assert entry.actor_id == scored.root_admin and entry.details["month"] == "2026-11"


def test_an_export_covers_the_admins_subtree_only(app, scored):
    admin = signed_in(app, HEXI_ADMIN)
    book = workbook(get(admin, "/api/scorecards/export.xlsx"))
    assert [row[0] for row in book["小区评分"].iter_rows(min_row=2, values_only=True)] == ["河西小区", "文峰苑"]
    assert book.sheetnames == ["小区评分", "许昌万家物业服务有限公司"]
    assert get(admin, f"/api/scorecards/export.xlsx?org_unit_id={scored.dihao_community}").status_code == 404


@pytest.fixture
def submitted(app, iw):
    """帝豪花园 inspected: env.clean failed with a photo and a note, the rest passed."""
    steward = signed_in(app, DIHAO_STEWARD)
    shot = photo(steward)
    started = start(steward, iw.dihao, iw.template_id)
    done = submit(
        steward,
        started,
        answers=answers(
            {"env.clean": "fail", "env.bins": "pass", "fire.exits": "pass", "fire.lift": "na"},
            photos={"env.clean": [shot]},
            notes={"env.clean": "楼道堆放杂物"},
        ),
    )
    assert done["status"] == "applied", done
    return done["record_id"], shot


def test_the_printable_report_shows_items_results_photos_score_and_orders(app, iw, submitted):
    inspection_id, shot = submitted
    steward = signed_in(app, DIHAO_STEWARD)
    response = steward.send("GET", f"/inspections/{inspection_id}/report")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for text in (
        "物业服务检查报告",
        "帝豪花园",
        "远航物业服务有限公司",
        "物业服务检查（测试）",
        "第 1 版",
        "公共区域干净整洁",
        "楼道堆放杂物",
        "不合格",
        "不适用",
        "整改单",
        "待整改",
    ):
        assert text in html, text
    assert f'src="/api/blobs/{shot}/thumb"' in html
    assert "55.6 / 100" in html  # 50 of the 90 applicable points (fire.lift is N/A): server/inspections/scoring.py
    assert '<link rel="stylesheet" href="/inspections/report.css">' in html
    assert "<script" not in html and "<style" not in html and "style=" not in html  # CSP: no inline script or style
    # The photo thumbnail loads for whoever reads the report.
    thumb = steward.send("GET", f"/api/blobs/{shot}/thumb")
    assert thumb.status_code == 200 and thumb.data[:2] == b"\xff\xd8"
    thumb.close()
    css = steward.send("GET", "/inspections/report.css")
    assert css.status_code == 200 and css.mimetype == "text/css" and "@media print" in css.get_data(as_text=True)
    css.close()


def test_the_report_is_read_as_the_inspection_is(app, iw, submitted):
    inspection_id, _ = submitted
    root = signed_in(app, ROOT_ADMIN)
    assert root.send("GET", f"/inspections/{inspection_id}/report").status_code == 200
    for phone in (HEXI_STEWARD, DIHAO_RESIDENT, YUANHANG_STAFF):  # the sign-in limit is 5 a minute
        assert signed_in(app, phone).send("GET", f"/inspections/{inspection_id}/report").status_code == 404, phone
    with app.app_context():
        db.session.get(User, iw.root_admin).locale = "en"
        db.session.commit()
    html = root.send("GET", f"/inspections/{inspection_id}/report").get_data(as_text=True)
    assert "Property service inspection report" in html and "Fail" in html and '<html lang="en">' in html


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_a_name_that_looks_like_a_formula_is_exported_as_text(app, scored, name):
    with app.app_context():
        from server.org.models import Compound

        db.session.get(Compound, scored.hexi_xiaoqu).name = name
        db.session.commit()
    book = workbook(get(signed_in(app, ROOT_ADMIN), "/api/scorecards/export.xlsx?month=2026-11"))
    written = {name, name.replace("\r", "\n")}  # XML reads a CR back as a line feed
    cells = [row[0] for row in book["小区评分"].iter_rows(min_row=2) if row[0].value in written]
    assert len(cells) == 1, [row[0].value for row in book["小区评分"].iter_rows(min_row=2)]
    assert cells[0].data_type == "s" and cells[0].quotePrefix
