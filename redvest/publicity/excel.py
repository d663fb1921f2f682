"""The training-hours sheet: its title line, columns and rows (written by `core.excel`'s streaming
writers in the background export, `services.exports`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from redvest.orgs.models import OrgNode
from redvest.publicity.selectors import HoursRow

HEADERS = ("序号", "志愿者编号", "姓名", "所属组织", "出席培训（次）", "培训时长（分钟）", "培训时长（小时）")
WIDTHS = (6, 20, 12, 24, 14, 16, 16)


def _hours(minutes: int) -> float:
    # Hours only for the reader of the sheet; the figure of record is the minutes column.
    return round(minutes / 60, 1)


def training_hours_title(*, org: OrgNode, start: datetime.date | None, end: datetime.date | None) -> str:
    return f"{org.name} 志愿者培训时长统计（{start or '不限'} 至 {end or '不限'}）"


def training_hours_rows(rows: Iterable[HoursRow]) -> Iterator[list[object]]:
    for i, r in enumerate(rows, start=1):
        yield [i, r.number, r.name, r.org_name, r.sessions, r.minutes, _hours(r.minutes)]
