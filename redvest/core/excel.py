"""The one Excel writer every export uses (write-only mode, so large sheets stream row by row).

Two rules for every cell: characters the file format cannot hold are removed (rows stored before
input was checked may still contain them, and one would fail the whole export), and a text that
starts like a formula (= + - @, or a tab or CR) or reads like an error (#N/A) is written as a text cell with Excel's quote prefix,
so a 服务岗位 of =HYPERLINK(…) shows as typed and never runs.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from redvest.core.text import strip_control_characters

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)


def excel_text(value: str) -> str:
    """The text without characters an xlsx file cannot hold."""
    return strip_control_characters(value)


def excel_cell(sheet: WriteOnlyWorksheet, value: Any, *, font: Font | None = None) -> Any:
    """What to append for one value: the value itself, or a cell when it needs a style or must be
    forced to text."""
    if isinstance(value, str):
        value = excel_text(value)
    as_text = isinstance(value, str) and (value.startswith(FORMULA_START) or value in ERROR_CODES)
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
