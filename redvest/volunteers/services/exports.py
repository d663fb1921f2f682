"""The ledger export: what the user may see, masked unless allowed, always audited — built in the
background (the whole county is 100,000 rows), streamed in xlsx or CSV.

`volunteer_export_request` decides and audits in the request, then queues the job through
`core.exports`; `LEDGER_EXPORT` (registered from `VolunteersConfig.ready()`) is what the worker reads:
the same filtered, scoped queryset, read as values in chunks with each chunk's current teams in one query.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, fields
from typing import Any

from django.db import transaction

from redvest.accounts.models import User
from redvest.audit.services import audit_record
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.core.excel import FORMATS
from redvest.core.exports import ExportKind, ExportSource, ExportTicket, export_enqueue
from redvest.core.policy import can, grants_for
from redvest.orgs.models import OrgNode
from redvest.volunteers.access import export_sensitive_allowed
from redvest.volunteers.excel import EXPORT_COLUMNS
from redvest.volunteers.selectors import (
    VolunteerFilters,
    org_get,
    volunteer_export_rows,
    volunteer_list_filtered,
)

LEDGER_KIND = "volunteer_ledger"
LEDGER_LABEL = "志愿者台账"
_FILTER_FIELDS = {f.name for f in fields(VolunteerFilters)}


def _org_in_view(actor: User, org: OrgNode) -> bool:
    """A node the user sees, or one above a node they hold a role at (the export is then their part of it)."""
    return can(actor, "view", org) or any(g.path.startswith(org.path) for g in grants_for(actor))


@transaction.atomic
def volunteer_export_request(*, actor: User, filters: VolunteerFilters, fmt: str = "xlsx") -> ExportTicket:
    """Queue the ledger of the user's scope (narrowed by the list filters; the org filter picks the
    subtree, one in or above the user's view: PermissionDenied otherwise) as xlsx or CSV. ID numbers and phones are full only if the user may see them across that
    whole subtree; writes an "export" audit row with the count; ValidationFailed for an unknown format."""
    if fmt not in dict(FORMATS):
        raise ValidationFailed({"format": "请选择 Excel 或 CSV 格式"})
    org = org_get(pk=filters.org_id)
    if org is not None and not _org_in_view(actor, org):
        # Another county's node (a node neither in nor above the user's view): refused, not an empty file
        # whose audit row would land in that county's log.
        raise PermissionDenied("该组织不在您的管理范围内，不能导出其志愿者台账")
    qs = volunteer_list_filtered(user=actor, filters=filters)
    sensitive = export_sensitive_allowed(user=actor, org=org)
    count = qs.count()
    audit_record(
        actor=actor,
        action="export",
        target=org if org is not None else actor,
        org=org,
        after={"filters": asdict(filters), "count": count, "sensitive": sensitive, "format": fmt},
        reason="导出志愿者台账" + ("（含完整证件号码和手机号）" if sensitive else "（脱敏）"),
    )
    return export_enqueue(kind=LEDGER_KIND, actor=actor, org=org, params=asdict(filters), fmt=fmt, sensitive=sensitive)


def _queryset(source: ExportSource) -> Any:
    filters = VolunteerFilters(**{k: v for k, v in source.params.items() if k in _FILTER_FIELDS})
    return volunteer_list_filtered(user=source.user, filters=filters)


def _rows(source: ExportSource) -> Iterator[list[Any]]:
    return volunteer_export_rows(qs=_queryset(source), sensitive=source.sensitive)


LEDGER_EXPORT = ExportKind(
    key=LEDGER_KIND,
    label=LEDGER_LABEL,
    headers=tuple(c.header for c in EXPORT_COLUMNS),
    widths=tuple(c.width for c in EXPORT_COLUMNS),
    count=lambda source: int(_queryset(source).count()),
    rows=_rows,
)
