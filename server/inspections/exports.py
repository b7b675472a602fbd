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

import io
import re
from collections import defaultdict

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from server.audit.service import record as audit
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
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula


def _sheet(workbook: Workbook, title: str, rows: list[dict]):
    """A sheet of compound rows under the bold Chinese header (written once, streamed)."""
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, header) for _, header in COLUMNS])
    for row in rows:
        sheet.append([_value(sheet, row.get(key)) for key, _ in COLUMNS])
    return sheet


def _value(sheet, value):
    """A value as its cell: text that a spreadsheet could take for a formula stays text."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl took "=…" for a formula
    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _bold(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    return cell


def _sheet_title(name: str, taken: set[str]) -> str:
    base = SHEET_FORBIDDEN.sub("_", name)[:31] or "sheet"
    title, n = base, 2
    while title in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def scorecard_xlsx(user, org_unit_id: int | None, month: str | None) -> tuple[bytes, str]:
    """The month's scorecard of the admin's subtree as XLSX bytes, with a file name."""
    card = scorecards.subtree_scorecard(user, org_unit_id, month)
    workbook = Workbook(write_only=True)  # streamed: a city's 3,000 rows in a fraction of the time
    taken = {"小区评分"}
    _sheet(workbook, "小区评分", card["compounds"])
    by_company = defaultdict(list)
    for row in card["compounds"]:
        by_company[row["company_id"]].append(row)
    for company in card["companies"]:
        sheet = _sheet(workbook, _sheet_title(company["name"], taken), by_company[company["id"]])
        sheet.append([_bold(sheet, "企业得分")] + [None] * 8 + [company["score"], company["stars"]])
    out = io.BytesIO()
    workbook.save(out)
    audit(
        "scorecard.export",
        actor=user,
        org_unit_id=card["org_unit"]["id"],
        month=card["month"],
        compounds=len(card["compounds"]),
    )
    db.session.commit()
    return out.getvalue(), f"scorecard-{card['org_unit']['id']}-{card['month']}.xlsx"
