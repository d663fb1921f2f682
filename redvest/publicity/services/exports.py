"""The training-hours export, in the background (one row per trained volunteer of a subtree: the county is
tens of thousands): checked in the request, then queued through `core.exports`; `TRAINING_HOURS_EXPORT`
(registered from `PublicityConfig.ready()`) is what the worker reads, 2,000 rows a chunk."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from redvest.core.errors import ValidationFailed
from redvest.core.excel import FORMATS
from redvest.core.exports import ExportKind, ExportSource, ExportTicket, export_enqueue
from redvest.orgs.models import OrgNode
from redvest.publicity.excel import HEADERS, WIDTHS, training_hours_rows, training_hours_title
from redvest.publicity.selectors import training_hours_all, training_hours_count

if TYPE_CHECKING:
    from redvest.accounts.models import User

TRAINING_HOURS_KIND = "training_hours"
TRAINING_HOURS_LABEL = "培训时长"


def _period(source: ExportSource) -> tuple[datetime.date | None, datetime.date | None]:
    start, end = source.params.get("start"), source.params.get("end")
    return (
        datetime.date.fromisoformat(start) if start else None,
        datetime.date.fromisoformat(end) if end else None,
    )


def training_hours_export_request(
    *, actor: User, org: OrgNode, start: datetime.date | None, end: datetime.date | None, fmt: str = "xlsx"
) -> ExportTicket:
    """Queue the training hours of the org's subtree for the period as xlsx or CSV. Raises
    PermissionDenied (not an administrator of the org) or ValidationFailed (period, format)."""
    if fmt not in dict(FORMATS):
        raise ValidationFailed({"format": "请选择 Excel 或 CSV 格式"})
    training_hours_count(user=actor, org=org, start=start, end=end)  # the access and period checks
    params = {"start": start.isoformat() if start else "", "end": end.isoformat() if end else ""}
    return export_enqueue(kind=TRAINING_HOURS_KIND, actor=actor, org=org, params=params, fmt=fmt, sensitive=False)


def _count(source: ExportSource) -> int:
    start, end = _period(source)
    return training_hours_count(user=source.user, org=source.org, start=start, end=end)


def _rows(source: ExportSource) -> Iterator[Any]:
    start, end = _period(source)
    return training_hours_rows(training_hours_all(user=source.user, org=source.org, start=start, end=end))


def _title(source: ExportSource) -> str:
    start, end = _period(source)
    return training_hours_title(org=source.org, start=start, end=end)


TRAINING_HOURS_EXPORT = ExportKind(
    key=TRAINING_HOURS_KIND,
    label=TRAINING_HOURS_LABEL,
    headers=HEADERS,
    widths=WIDTHS,
    count=_count,
    rows=_rows,
    title=_title,
)
