"""Excel export of training hours (openpyxl write-only: rows stream as they are read)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from openpyxl import Workbook

from redvest.core.excel import BOLD, excel_append, excel_bytes, excel_sheet
from redvest.orgs.models import OrgNode
from redvest.publicity.selectors import HoursRow

HEADERS = ["序号", "志愿者编号", "姓名", "所属组织", "出席培训（次）", "培训时长（分钟）", "培训时长（小时）"]


def _hours(minutes: int) -> float:
    # Hours only for the reader of the sheet; the figure of record is the minutes column.
    return round(minutes / 60, 1)


def training_hours_xlsx(
    *, org: OrgNode, start: datetime.date | None, end: datetime.date | None, rows: Iterable[HoursRow]
) -> bytes:
    wb = Workbook(write_only=True)
    ws = excel_sheet(wb, "培训时长", widths=[6, 20, 12, 24, 14, 16, 16])
    period = f"{start or '不限'} 至 {end or '不限'}"
    excel_append(ws, [f"{org.name} 志愿者培训时长统计（{period}）"])
    excel_append(ws, HEADERS, font=BOLD)
    for i, r in enumerate(rows, start=1):
        excel_append(ws, [i, r.number, r.name, r.org_name, r.sessions, r.minutes, _hours(r.minutes)])
    return excel_bytes(wb)
