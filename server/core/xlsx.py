"""Excel workbooks for exports (openpyxl, write-only: streamed, a city's rows in a fraction of the
time): bold Chinese headers, sheet titles Excel accepts, and every text written as text — a value
starting with `=`, `+`, `-`, `@`, a tab or a CR is a string cell with Excel's quote prefix, never a
formula (CWE-1236, formula injection)."""

import io
import re
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def sheet(workbook: Workbook, title: str, columns: Sequence[tuple[str, str]], rows: Iterable[dict]):
    """A sheet of `rows` under the bold header of `columns` ((key, header) pairs), frozen below it."""
    out = workbook.create_sheet(title)
    out.freeze_panes = "A2"
    out.append([bold(out, header) for _, header in columns])
    for row in rows:
        out.append([value(out, row.get(key)) for key, _ in columns])
    return out


def value(sheet, content):
    """A value as its cell: text that a spreadsheet could take for a formula stays text."""
    if not isinstance(content, str) or not content.startswith(FORMULA_STARTS):
        return content
    cell = WriteOnlyCell(sheet, value=content)
    cell.data_type = "s"  # openpyxl took "=…" for a formula
    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def bold(sheet, content) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=content)
    cell.font = Font(bold=True)
    return cell


def sheet_title(name: str, taken: set[str]) -> str:
    """A title Excel accepts (31 characters, none of []:*?/\\), unique among `taken` (added to it)."""
    base = SHEET_FORBIDDEN.sub("_", name)[:31] or "sheet"
    title, n = base, 2
    while title in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def to_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
