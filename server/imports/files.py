"""Reading an uploaded table (.xlsx with openpyxl, read-only and streamed; .csv in UTF-8 with or
without a BOM, else GB18030 as Excel saves it on a Chinese Windows) into rows of text, and writing
the templates. Nothing here knows what the columns mean (service.py does)."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from server.core import xlsx

XLSX_MAGIC = b"PK\x03\x04"
MAX_UNPACKED = 512 << 20  # a workbook's parts unpacked: 100,000 rows are ~60 MiB; a zip bomb is far more
CSV = "text/csv; charset=utf-8"


class Unreadable(Exception):
    """The bytes are neither a workbook nor text in a known encoding."""


class NotATable(Exception):
    """Neither .xlsx nor .csv."""


@dataclass
class Table:
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (the row's number in the file, its cells as text)


def kind_of(filename: str, data: bytes) -> str:
    """'xlsx' or 'csv', by the bytes first (a workbook is a zip), else by the name."""
    if data.startswith(XLSX_MAGIC):
        return "xlsx"
    name = (filename or "").lower()
    if name.endswith(".csv") or name.endswith(".txt"):
        return "csv"
    if name.endswith((".xlsx", ".xlsm")):
        raise Unreadable  # named a workbook, but not a zip
    raise NotATable


def read_table(filename: str, data: bytes) -> Table:
    if kind_of(filename, data) == "xlsx":
        return _read_xlsx(data)
    return _read_csv(data)


def _text(value) -> str:
    """A cell as the text a person typed: 13800000001 and 301.0 from Excel are "13800000001" and "301"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # refused before openpyxl unpacks anything
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
                raise Unreadable
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, IndexError, OSError) as exc:
        raise Unreadable from exc
    header = [_text(v) for v in (header_row or ())]
    while header and not header[-1]:
        header.pop()
    width = len(header)

    def body():
        try:
            for number, row in enumerate(rows, start=2):
                yield number, [_text(v) for v in row[:width]]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise Unreadable from exc
        finally:
            workbook.close()

    return Table(header, body())


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise Unreadable from exc


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    if "\x00" in text:
        raise Unreadable
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [cell.strip() for cell in next(reader, [])]
    except csv.Error as exc:
        raise Unreadable from exc

    def body():
        try:
            for row in reader:
                yield reader.line_num, [cell.strip() for cell in row]
        except csv.Error as exc:
            raise Unreadable from exc

    return Table(header, body())


# --- templates -----------------------------------------------------------------------------


def template_xlsx(title: str, header: list[str], example: list[str]) -> bytes:
    """A workbook of one sheet: the bold header and one example row, all cells text (phone
    numbers and rooms keep their leading digits as typed)."""
    workbook = xlsx.new_workbook()
    columns = [(str(i), text) for i, text in enumerate(header)]
    xlsx.sheet(workbook, xlsx.sheet_title(title, set()), columns, [{str(i): v for i, v in enumerate(example)}])
    return xlsx.to_bytes(workbook)


def template_csv(header: list[str], example: list[str]) -> bytes:
    """UTF-8 with a BOM (Excel opens it as UTF-8 only then), CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerow(example)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
