"""Exports of other people's data leave an audit row. The pioneer ranking (one row per party member of a
subtree: tens of thousands in a county) is built in the background: checked and audited in the request,
queued through `core.exports`; `PIONEER_RANKING_EXPORT` (registered from `PointsConfig.ready()`) is what
the worker reads, in chunks. The small ones (one statement, one settlement, the bank report) stay in
the request: their size is bounded by one account, one merchant-month or the ledger's account kinds."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from redvest.audit.services import audit_record
from redvest.core.errors import ValidationFailed
from redvest.core.excel import FORMATS
from redvest.core.exports import ExportKind, ExportSource, ExportTicket, export_enqueue
from redvest.points.excel import RANKING_HEADERS, RANKING_WIDTHS, ranking_values
from redvest.points.selectors import pioneer_ranking_all

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.orgs.models import OrgNode

PIONEER_RANKING_KIND = "pioneer_ranking"
PIONEER_RANKING_LABEL = "先锋指数排名"


@transaction.atomic
def export_record(*, actor: User, target: models.Model, what: str, org: OrgNode | None = None) -> None:
    """Note who exported what (statements of others, rankings)."""
    audit_record(actor=actor, action="export", target=target, org=org, reason=f"导出{what}")


@transaction.atomic
def pioneer_export_request(*, actor: User, org: OrgNode, year: int, fmt: str = "xlsx") -> ExportTicket:
    """Queue the year's pioneer ranking of the org's subtree as xlsx or CSV; audited as before. Raises
    PermissionDenied (not an administrator there) or ValidationFailed (format)."""
    if fmt not in dict(FORMATS):
        raise ValidationFailed({"format": "请选择 Excel 或 CSV 格式"})
    pioneer_ranking_all(user=actor, org=org, year=year)  # the access check (the rows are read by the task)
    export_record(actor=actor, target=org, what=f"{year}年党员先锋指数排名", org=org)
    return export_enqueue(
        kind=PIONEER_RANKING_KIND, actor=actor, org=org, params={"year": year}, fmt=fmt, sensitive=False
    )


def _count(source: ExportSource) -> int:
    total, _rows = pioneer_ranking_all(user=source.user, org=source.org, year=int(source.params["year"]))
    return total


def _rows(source: ExportSource) -> Iterator[Any]:
    _total, rows = pioneer_ranking_all(user=source.user, org=source.org, year=int(source.params["year"]))
    return (ranking_values(r) for r in rows)


def _title(source: ExportSource) -> str:
    year = int(source.params["year"])
    return f"{source.org.name} {year}年党员先锋指数排名（导出时间 {timezone.localtime():%Y-%m-%d %H:%M}）"


PIONEER_RANKING_EXPORT = ExportKind(
    key=PIONEER_RANKING_KIND,
    label=PIONEER_RANKING_LABEL,
    headers=RANKING_HEADERS,
    widths=RANKING_WIDTHS,
    count=_count,
    rows=_rows,
    title=_title,
)
