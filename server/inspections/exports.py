"""Exports: the monthly scorecard as an XLSX workbook.

The workbook (openpyxl, written in memory): the sheet 小区评分 has a header row in Chinese and
one row per compound of the scorecard; then one sheet per property company (named after it,
shortened to Excel's 31 characters) with the same columns for its compounds and, last, a row
with the company's score and stars. Exporting is audited (scorecard.export). Every text is
written as text: a name starting with `=`, `+`, `-`, `@`, a tab or a CR is a string cell with
Excel's quote prefix, never a formula (CWE-1236, formula injection).

The report page (/inspections/<id>/report) renders the data of GET /api/inspections/<id>/report
(server.inspections.service.report) on the server, with the print stylesheet
/inspections/report.css: no inline script or style (the app's CSP forbids them).
"""

from collections import defaultdict

from server.audit.service import record as audit
from server.core import xlsx
from server.extensions import db
from server.inspections import scorecards

COLUMNS = (
    ("name", "小区"),
    ("community_name", "社区"),
    ("street_name", "街道"),
    ("district_name", "区"),
    ("company_name", "物业服务企业"),
    ("inspections", "检查次数"),
    ("mean", "检查平均分"),
    ("overdue", "逾期整改单"),
    ("reopenings", "退回整改次数"),
    ("score", "月度得分"),
    ("stars", "星级"),
    ("rank_in_street", "街道排名"),
    ("rank_in_district", "区排名"),
    ("open_orders", "未销号整改单"),
)


def _sheet(workbook, title: str, rows: list[dict]):
    return xlsx.sheet(workbook, title, COLUMNS, rows)


def scorecard_xlsx(user, org_unit_id: int | None, month: str | None) -> tuple[bytes, str]:
    """The month's scorecard of the admin's subtree as XLSX bytes, with a file name."""
    card = scorecards.subtree_scorecard(user, org_unit_id, month)
    workbook = xlsx.new_workbook()
    taken = {"小区评分"}
    _sheet(workbook, "小区评分", card["compounds"])
    by_company = defaultdict(list)
    for row in card["compounds"]:
        by_company[row["company_id"]].append(row)
    for company in card["companies"]:
        sheet = _sheet(workbook, xlsx.sheet_title(company["name"], taken), by_company[company["id"]])
        sheet.append([xlsx.bold(sheet, "企业得分")] + [None] * 8 + [company["score"], company["stars"]])
    data = xlsx.to_bytes(workbook)
    audit(
        "scorecard.export",
        actor=user,
        org_unit_id=card["org_unit"]["id"],
        month=card["month"],
        compounds=len(card["compounds"]),
    )
    db.session.commit()
    return data, f"scorecard-{card['org_unit']['id']}-{card['month']}.xlsx"
