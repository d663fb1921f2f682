"""The one spreadsheet writer every export uses: a streaming xlsx (`core.xlsx`: rows are deflated into the
file as they come, memory stays flat) and CSV beside it (UTF-8 with a byte-order mark, so Excel opens
Chinese correctly). The small workbooks built in a request with openpyxl (`excel_sheet`, `excel_append`)
follow the same cleaning rule.

Both formats clean each value with one function, `cell_value`: characters the file format cannot hold
are removed (rows stored before input was checked may still contain them, and one would fail the whole
export), and a text that starts like a formula (= + - @, or a tab or CR) or reads like an error (#N/A)
is marked as text — in xlsx a text cell with Excel's quote prefix, in CSV a leading apostrophe (the
usual CSV-injection guard) — so a 服务岗位 of =HYPERLINK(…) shows as typed and never runs.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from typing import IO, Any, Literal, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from redvest.core.text import CONTROL_CHARACTERS, strip_control_characters
from redvest.core.xlsx import XlsxStream

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
Format = Literal["xlsx", "csv"]
FORMATS: tuple[tuple[str, str], ...] = (("xlsx", "Excel（.xlsx）"), ("csv", "CSV（.csv，UTF-8）"))
CONTENT_TYPES: dict[str, str] = {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE}


def excel_text(value: str) -> str:
    """The text without characters an xlsx file cannot hold."""
    return strip_control_characters(value)


def cell_value(value: Any) -> tuple[Any, bool]:
    """One value cleaned for either format: (value, must be forced to text)."""
    if isinstance(value, str):
        value = excel_text(value)
        return value, value.startswith(FORMULA_START) or value in ERROR_CODES
    return value, False


_FORMULA_FIRST = frozenset(FORMULA_START) | {"#"}  # every one of ERROR_CODES starts with "#"


def row_values(values: Iterable[Any]) -> list[tuple[Any, bool]]:
    """A row's values cleaned as `cell_value` cleans each, in one pass: the streaming writers call this for
    every row of an export (millions of cells), so the usual row — plain text with no control character,
    found by one search over the whole row — costs a first-character test per cell."""
    row = list(values)
    if CONTROL_CHARACTERS.search("".join([v for v in row if type(v) is str])):  # rows stored before the check
        return [cell_value(v) for v in row]
    return [
        (v, v[:1] in _FORMULA_FIRST and (v[0] != "#" or v in ERROR_CODES)) if type(v) is str else cell_value(v)
        for v in row
    ]


def excel_cell(sheet: WriteOnlyWorksheet, value: Any, *, font: Font | None = None) -> Any:
    """What to append for one value: the value itself, or a cell when it needs a style or must be
    forced to text."""
    value, as_text = cell_value(value)
    if not as_text and font is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if as_text:
        cell.data_type = "s"
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def excel_row(sheet: WriteOnlyWorksheet, values: Iterable[Any], *, font: Font | None = None) -> list[Any]:
    return [excel_cell(sheet, v, font=font) for v in values]


def excel_append(sheet: WriteOnlyWorksheet, values: Iterable[Any], *, font: Font | None = None) -> None:
    sheet.append(excel_row(sheet, values, font=font))


def excel_sheet(workbook: Workbook, title: str, *, widths: Iterable[int] = ()) -> WriteOnlyWorksheet:
    """A sheet of a write-only workbook, with column widths from column A on."""
    sheet = workbook.create_sheet(excel_text(title)[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def excel_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_value(value: Any) -> str:
    """One value as CSV text: cleaned like an xlsx cell; formula-like text gets a leading apostrophe."""
    return _csv_text(*cell_value(value))


def _csv_text(value: Any, as_text: bool) -> str:
    if type(value) is str:
        return "'" + value if as_text else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if as_text else text


class SheetWriter(Protocol):
    """A streaming writer of one sheet: a title row or a header, then data rows; `close()` finishes it."""

    def append(self, values: Iterable[Any], *, bold: bool = False) -> None: ...

    def close(self) -> None: ...


class XlsxWriter:
    """One sheet streamed into `target` (`core.xlsx`), each row cleaned by `row_values`; finished on close."""

    def __init__(self, target: str | IO[bytes], *, title: str, widths: Sequence[int] = ()) -> None:
        self.stream = XlsxStream(target, title=excel_text(title), widths=widths)

    def append(self, values: Iterable[Any], *, bold: bool = False) -> None:
        self.stream.append(row_values(values), bold=bold)

    def close(self) -> None:
        self.stream.close()


class CsvWriter:
    """CSV rows written straight to `target` (a binary file): UTF-8 with a BOM, CRLF line ends."""

    def __init__(self, target: IO[bytes]) -> None:
        self.stream = io.TextIOWrapper(target, encoding="utf-8-sig", newline="", write_through=False)
        self.writer = csv.writer(self.stream)

    def append(self, values: Iterable[Any], *, bold: bool = False) -> None:
        self.writer.writerow([_csv_text(v, as_text) for v, as_text in row_values(values)])

    def close(self) -> None:
        self.stream.flush()
        self.stream.detach()


def sheet_writer(fmt: str, target: IO[bytes], *, title: str, widths: Sequence[int] = ()) -> SheetWriter:
    """The writer of one format ("xlsx" or "csv") into an open binary file."""
    if fmt == "csv":
        return CsvWriter(target)
    return XlsxWriter(target, title=title, widths=widths)


def sheet_bytes(fmt: str, rows: Iterable[Sequence[Any]], *, title: str, widths: Sequence[int] = ()) -> bytes:
    """A small sheet (fixed size: one statement, one settlement) built in memory in either format;
    the first row is the header."""
    buffer = io.BytesIO()
    writer = sheet_writer(fmt, buffer, title=title, widths=widths)
    for index, row in enumerate(rows):
        writer.append(row, bold=index == 0)
    writer.close()
    return buffer.getvalue()
