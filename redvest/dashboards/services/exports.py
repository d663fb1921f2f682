"""Exports in the background: any registered table for a subtree, category and period (requested here by
an administrator: validated, audited), and the export kinds other apps register in `core.exports` (the
volunteer ledger with the list's filters, …: checked and audited by their own service, queued through
`data_export_queue`). Each runs on the "exports" queue, streams in write-only mode a chunk at a time
(xlsx or CSV, constant memory), stamps its progress (rows written of the total) with the heartbeat, and
is downloaded from where it was asked for or from "我的导出" (each download audited too).

The task is declared here, beside the service it runs, so services and tasks never import each other
inside a function (`dashboards.tasks` re-exports it for the worker)."""

from __future__ import annotations

import datetime
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from redvest.accounts import policy
from redvest.accounts.models import User
from redvest.audit.services import audit_record
from redvest.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from redvest.core.excel import sheet_writer
from redvest.core.exports import ExportSource, ExportTicket, export_kinds
from redvest.core.jobs import FAILED, INTERRUPTED_MESSAGE, heartbeat
from redvest.core.replica import replica_reads
from redvest.dashboards.models import DataExport, ExportFormat, ExportStatus
from redvest.dashboards.tables import Table, tables
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q

log = logging.getLogger(__name__)
MAX_PERIOD_DAYS = 3660
HEARTBEAT_ROWS = 500  # rows written between heartbeats
OUT_OF_SCOPE = "所选组织不在您的管理范围内"


def _local_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _check(
    *,
    actor: User,
    table: str,
    org_id: int | None,
    category: str,
    start: datetime.date | None,
    end: datetime.date | None,
) -> tuple[Table, OrgNode, datetime.date, datetime.date]:
    errors: dict[str, str] = {}
    spec = tables().get(table)
    if spec is None:
        errors["table"] = "未知的数据表，请从列表中选择"
    elif category and category not in dict(spec.categories):
        errors["category"] = f"“{spec.label}”没有这个类别" if spec.categories else f"“{spec.label}”不按类别筛选"
    if start is None:
        errors["start"] = "请填写开始日期"
    if end is None:
        errors["end"] = "请填写结束日期"
    if start is not None and end is not None:
        if end < start:
            errors["end"] = "结束日期不能早于开始日期"
        elif (end - start).days > MAX_PERIOD_DAYS:
            errors["end"] = "导出时段最长10年"
    org = OrgNode.objects.filter(pk=org_id).first() if org_id else None
    if org is None:
        errors["org"] = "请选择组织范围"
    if errors or spec is None or org is None or start is None or end is None:
        raise ValidationFailed(errors)
    if not policy.can_administer(actor, org):
        raise PermissionDenied(OUT_OF_SCOPE)
    return spec, org, start, end


@transaction.atomic
def data_export_request(
    *,
    actor: User,
    table: str,
    org_id: int | None,
    category: str = "",
    start: datetime.date | None,
    end: datetime.date | None,
    include_sensitive: bool = False,
    fmt: str = ExportFormat.XLSX,
) -> DataExport:
    """Queue an export for the actor's subtree. Rules: a known table and category, start ≤ end, an org the
    actor administers (ValidationFailed / PermissionDenied, nothing queued). Phones and ID numbers are
    masked unless asked for in full and the actor may see them across the whole subtree. Audited."""
    spec, org, start_day, end_day = _check(
        actor=actor, table=table, org_id=org_id, category=category, start=start, end=end
    )
    if fmt not in ExportFormat.values:
        raise ValidationFailed({"format": "请选择 Excel 或 CSV 格式"})
    sensitive = include_sensitive and policy.can_view_sensitive(actor, org)
    export = DataExport.objects.create(
        format=fmt,
        table=spec.key,
        org=org,
        category=category,
        start=start_day,
        end=end_day,
        sensitive=sensitive,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="export",
        target=export,
        org=org,
        after={
            "table": spec.key,
            "category": category,
            "start": start_day.isoformat(),
            "end": end_day.isoformat(),
            "sensitive": sensitive,
            "format": fmt,
        },
        reason=f"导出{spec.label}" + ("（含完整证件号码和手机号）" if sensitive else "（脱敏）"),
    )
    _enqueue(export)
    return export


def export_queryset(*, export: DataExport, spec: Table) -> QuerySet[Any]:
    """The rows of an export: the subtree, the period (Shanghai days, end inclusive), the category, and what
    the requesting user may see of the table's resource."""
    if export.org is None or export.start is None or export.end is None:
        raise LookupError(f"export {export.pk} of a table lacks its org or period")
    qs = spec.base().filter(in_subtree_q(spec.path_lookup, export.org.path))
    field = spec.date_field
    after: datetime.date  # a datetime for datetime columns (a datetime is a date)
    before: datetime.date
    if spec.is_datetime:
        after, before = _local_start(export.start), _local_start(export.end + datetime.timedelta(days=1))
    else:
        after, before = export.start, export.end + datetime.timedelta(days=1)
    qs = qs.filter(Q(**{f"{field}__gte": after}), Q(**{f"{field}__lt": before}))
    if export.category and spec.category_field:
        qs = qs.filter(**{spec.category_field: export.category})
    if spec.resource:
        qs = policy.scope(export.created_by, spec.resource, qs)
    return qs.order_by(field, "pk")


@dataclass(frozen=True)
class _Plan:
    """What one export writes, whichever registry it comes from."""

    label: str
    headers: Sequence[str]
    widths: Sequence[int]
    count: Callable[[], int]
    rows: Callable[[], Iterator[Sequence[Any]]]
    title: str = ""


def _plan(export: DataExport) -> _Plan:
    spec = tables().get(export.table)
    if spec is not None:
        qs = export_queryset(export=export, spec=spec)
        return _Plan(
            label=spec.label,
            headers=spec.headers,
            widths=[max(10, min(24, len(h) * 2 + 4)) for h in spec.headers],
            count=qs.count,
            rows=lambda: spec.rows(qs, export.sensitive),
        )
    kind = export_kinds()[export.table]  # KeyError: an unknown kind fails the export
    source = ExportSource(user=export.created_by, org=export.org, params=export.params, sensitive=export.sensitive)
    return _Plan(
        label=kind.label,
        headers=kind.headers,
        widths=kind.widths,
        count=lambda: kind.count(source),
        rows=lambda: kind.rows(source),
        title=kind.title(source) if kind.title else "",
    )


def _write(plan: _Plan, fmt: str, target: str, export_id: int) -> int:
    """Stream the rows into a file at `target` (xlsx write-only or CSV: memory stays flat), stamping the
    export's heartbeat and progress every HEARTBEAT_ROWS rows; returns the row count."""
    total = plan.count()
    heartbeat(DataExport, export_id, total=total, row_count=0)
    count = 0
    with open(target, "wb") as handle:
        writer = sheet_writer(fmt, handle, title=plan.label, widths=plan.widths)
        if plan.title:
            writer.append([plan.title])
        writer.append(plan.headers, bold=True)
        for row in plan.rows():
            writer.append(row)
            count += 1
            if count % HEARTBEAT_ROWS == 0:
                heartbeat(DataExport, export_id, row_count=count, total=max(total, count))
        writer.close()
    return count


def data_export_run(*, export_id: int) -> DataExport:
    """Build the file of a queued export (the background task). A failure marks the export failed with a
    message for the user; it is logged with its traceback."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update(of=("self",))
            .select_related("org", "created_by")
            .filter(pk=export_id)
            .first()
        )
        if export is None:
            raise NotFound("导出记录不存在")
        if export.status != ExportStatus.QUEUED:
            return export
        export.status = ExportStatus.RUNNING
        export.heartbeat_at = timezone.now()
        export.save(update_fields=["status", "heartbeat_at"])
    fmt = export.format if export.format in ExportFormat.values else ExportFormat.XLSX
    handle, target = tempfile.mkstemp(suffix=f".{fmt}")
    os.close(handle)
    try:
        plan = _plan(export)
        with replica_reads(within_writes=True):  # the rows from the replica when one is usable
            count = _write(plan, fmt, target, export.pk)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        scope = export.org.name if export.org else "全部"
        with open(target, "rb") as content:
            export.file.save(f"{plan.label}-{scope}-{stamp}.{fmt}", File(content), save=False)
        export.row_count = count
        export.total = count
        export.status = ExportStatus.DONE
    except Exception:  # any failure must reach the user as a failed export, not a stuck "生成中"
        log.exception("export %s failed", export_id)
        export.status = ExportStatus.FAILED
        export.error = "生成文件时出错，请稍后重试或联系管理员"
        export.retryable = True
    finally:
        os.unlink(target)
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "row_count", "total", "file", "error", "retryable", "finished_at"])
    return export


@task(queue_name="exports")
def data_export_task(export_id: int) -> dict[str, Any]:
    export = data_export_run(export_id=export_id)
    return {"id": export.pk, "status": export.status, "rows": export.row_count}


def data_export_recover(export: DataExport) -> str:
    """Jobs sweep, on a running export whose worker stopped (row locked by the caller): the half-written
    file is lost, so the export fails with the interruption message and can be retried."""
    export.status = ExportStatus.FAILED
    export.error = INTERRUPTED_MESSAGE
    export.retryable = True
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "error", "retryable", "finished_at"])
    return FAILED


@transaction.atomic
def data_export_retry(*, actor: User, export: DataExport) -> DataExport:
    """Queue again a failed export, by whoever may view it and still administers its org (the rows are
    read again with the requester's rights). Raises NotFound, PermissionDenied or Conflict. Audited."""
    export = DataExport.objects.select_for_update(of=("self",)).select_related("org").get(pk=export.pk)
    if not policy.can(actor, "view", export):
        raise NotFound("导出记录不存在或您无权查看")
    # A table export needs an administrator of its org; an app's own kind re-reads its rows with the
    # requester's scope, so its requester may retry it.
    own_kind = export.table in export_kinds() and export.created_by_id == actor.pk
    if not own_kind and (export.org is None or not policy.can_administer(actor, export.org)):
        raise PermissionDenied(OUT_OF_SCOPE)
    if export.status != ExportStatus.FAILED or not export.retryable:
        raise Conflict("只有失败的导出可以重试")
    export.status = ExportStatus.QUEUED
    export.error = ""
    export.retryable = False
    export.row_count = 0
    export.total = 0
    export.finished_at = None
    export.save(update_fields=["status", "error", "retryable", "row_count", "total", "finished_at"])
    audit_record(
        actor=actor, action="export", target=export, org=export.org, after={"retry": export.pk}, reason="重试导出"
    )
    _enqueue(export)
    return export


def _enqueue(export: DataExport) -> None:
    transaction.on_commit(lambda: data_export_task.enqueue(export.pk))


def export_ticket(export: DataExport) -> ExportTicket:
    return ExportTicket(
        id=export.pk,
        status_url=reverse("dashboards:export-status", args=[export.pk]),
        api_url=f"/api/v1/dashboards/exports/{export.pk}",
        download_url=f"/api/v1/dashboards/exports/{export.pk}/download",
    )


def data_export_queue(
    *, kind: str, actor: User, org: OrgNode | None, params: dict[str, Any], fmt: str, sensitive: bool
) -> ExportTicket:
    """Queue an app's own kind of export (registered in `core.exports`; `export_enqueue` calls this). The
    app's service has checked access, decided `sensitive` and written the audit row in the same
    transaction; ValidationFailed for an unknown format."""
    if fmt not in ExportFormat.values:
        raise ValidationFailed({"format": "请选择 Excel 或 CSV 格式"})
    export = DataExport.objects.create(
        table=kind, org=org, params=params, format=fmt, sensitive=sensitive, created_by=actor
    )
    _enqueue(export)
    return export_ticket(export)


@transaction.atomic
def data_export_download(*, actor: User, export: DataExport) -> DataExport:
    """Record a download (audited). Whoever may view the export; a file with full phones and ID numbers
    only for someone who may see them for the whole subtree (PermissionDenied otherwise)."""
    if not policy.can(actor, "view", export):
        raise NotFound("导出记录不存在或您无权查看")
    if export.status != ExportStatus.DONE or not export.file:
        raise ValidationFailed({"export": "文件尚未生成完成"})
    if export.sensitive and (export.org is None or not policy.can_view_sensitive(actor, export.org)):
        raise PermissionDenied("该文件含完整证件号码和手机号，您无权下载")
    audit_record(
        actor=actor,
        action="export",
        target=export,
        org=export.org,
        after={"download": export.pk, "rows": export.row_count},
        reason="下载导出文件",
    )
    return export
