"""Excel export of training hours (openpyxl write-only: rows stream as they are read)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from redvest.orgs.models import OrgNode
from redvest.publicity.selectors import HoursRow

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = ["序号", "志愿者编号", "姓名", "所属组织", "出席培训（次）", "培训时长（分钟）", "培训时长（小时）"]


def _hours(minutes: int) -> float:
    # Hours only for the reader of the sheet; the figure of record is the minutes column.
    return round(minutes / 60, 1)


def training_hours_xlsx(
    *, org: OrgNode, start: datetime.date | None, end: datetime.date | None, rows: Iterable[HoursRow]
) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("培训时长")
    for letter, width in zip("ABCDEFG", [6, 20, 12, 24, 14, 16, 16], strict=True):
        ws.column_dimensions[letter].width = width
    period = f"{start or '不限'} 至 {end or '不限'}"
    ws.append([f"{org.name} 志愿者培训时长统计（{period}）"])
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for i, r in enumerate(rows, start=1):
        ws.append([i, r.number, r.name, r.org_name, r.sessions, r.minutes, _hours(r.minutes)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
