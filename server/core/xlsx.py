"""Excel workbooks for exports (openpyxl, write-only: streamed, a city's rows in a fraction of the
time): bold Chinese headers, sheet titles Excel accepts, and every text written as text — a value
starting with `=`, `+`, `-`, `@`, a tab or a CR is a string cell with Excel's quote prefix, never a
formula (CWE-1236, formula injection)."""

import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from flask import current_app, send_file
from flask_login import login_required
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from server.api import ErrorSchema
from server.core import clock
from server.core.clock import CHINA
from server.errors import Invalid
from server.extensions import db
from server.i18n import _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def sheet(
    workbook: Workbook, title: str, columns: Sequence[tuple[str, str]], rows: Iterable[dict], width: int | None = None
):
    """A sheet of `rows` under the bold header of `columns` ((key, header) pairs), frozen below it;
    every column `width` characters wide when given."""
    out = workbook.create_sheet(title)
    out.freeze_panes = "A2"
    for index in range(len(columns) if width else 0):
        out.column_dimensions[get_column_letter(index + 1)].width = width
    out.append([bold(out, header) for _, header in columns])
    for row in rows:
        out.append([value(out, row.get(key)) for key, _ in columns])
    return out


def value(sheet, content):
    """A value as its cell: text that a spreadsheet could take for a formula stays text; control
    characters a workbook cannot hold (all below U+0020 but tab, LF and CR) are dropped."""
    if isinstance(content, str):
        content = ILLEGAL_CHARACTERS_RE.sub("", content)
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


# --- a list as a download ----------------------------------------------------------------------
# An admin list's export (PROTOCOL.md §24.1): the list's own query, filters and scope, every
# row (no page) up to EXPORT_MAX_ROWS, the headers in the user's language, instants as Beijing
# time, and the filters applied on a second sheet.

EXPORT_MAX_ROWS = 100_000
CHUNK = 1000


def export_route(blp, rule: str, args=None, *, capped: bool = True):
    """The decorators of a list's workbook (§24.1) on a flask-smorest blueprint: GET `rule`, signed
    in, the list's query arguments (`args`, a schema, or none), a binary XLSX answer, and when
    `capped` the 422 `export_too_large` of export_list."""

    def wrap(view):
        if capped:
            description = "`export_too_large`: more rows than EXPORT_MAX_ROWS"
            view = blp.alt_response(422, schema=ErrorSchema, description=description)(view)
        view = blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX, description="The workbook")(
            view
        )
        if args is not None:
            view = blp.arguments(args, location="query")(view)
        return blp.route(rule, methods=["GET"])(login_required(view))

    return wrap


def local(content):
    """An instant as the naive Beijing time a spreadsheet shows (naive values are UTC)."""
    if isinstance(content, datetime):
        if content.tzinfo is None:
            content = content.replace(tzinfo=UTC)
        return content.astimezone(CHINA).replace(tzinfo=None, microsecond=0)
    return content


def export_list(query, views, columns, *, title: str, filters, filename: str):
    """A download of every row of `query` (a select, ordered; or a list of rows) as `views` (rows → dicts) makes them,
    under `columns` ((key, header) pairs, headers translated), on a sheet titled `title`; `filters`
    ((label, value) pairs, translated) on a sheet of their own. More rows than EXPORT_MAX_ROWS: 422
    `export_too_large` before anything is written."""
    cap = current_app.config.get("EXPORT_MAX_ROWS", EXPORT_MAX_ROWS)
    loaded = isinstance(query, list)  # a list whose rows were chosen in Python (loaded already)
    total = (
        len(query) if loaded else db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    )
    if total > cap:
        raise Invalid(_("export.too_large", total=total, max=cap), code="export_too_large")

    def rows():
        for offset in range(0, total, CHUNK):
            chunk = (
                query[offset : offset + CHUNK]
                if loaded
                else list(db.session.scalars(query.limit(CHUNK).offset(offset)))
            )
            for row in views(chunk):
                yield {key: local(content) for key, content in row.items()}

    workbook = new_workbook()
    taken: set[str] = set()
    sheet(workbook, sheet_title(title, taken), columns, rows(), width=18)
    applied = [
        {"what": _("export.exported_at"), "value": local(clock.utcnow())},
        {"what": _("export.rows"), "value": total},
        *({"what": label, "value": content} for label, content in filters),
    ]
    sheet(workbook, sheet_title(_("export.filters"), taken), (("what", _("export.filter")), ("value", "")), applied, 24)
    return download(workbook, filename)


def download(workbook: Workbook, filename: str):
    """The workbook as an attachment named `filename`-<Beijing day>.xlsx (a Chinese name is sent as
    RFC 5987 filename*, with an ASCII fallback)."""
    file = io.BytesIO(to_bytes(workbook))  # compressed: 100,000 rows are a few MB
    day = local(clock.utcnow()).strftime("%Y%m%d")
    return send_file(file, mimetype=XLSX, as_attachment=True, download_name=f"{filename}-{day}.xlsx")


def rows_local(rows: Iterable[dict]) -> Iterable[dict]:
    """Rows with their instants as Beijing time (export_list does this itself)."""
    return ({key: local(content) for key, content in row.items()} for row in rows)


def yes_no(content):
    return None if content is None else _("export.yes") if content else _("export.no")
