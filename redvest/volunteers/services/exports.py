"""The Excel ledger export: what the user may see, masked unless allowed, and always audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone

from redvest.accounts.models import User
from redvest.audit.services import audit_record
from redvest.volunteers.access import export_sensitive_allowed
from redvest.volunteers.excel import export_workbook
from redvest.volunteers.selectors import (
    VolunteerFilters,
    org_get,
    volunteer_export_rows,
    volunteer_list_filtered,
)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    count: int
    sensitive: bool


@transaction.atomic
def volunteer_export(*, actor: User, filters: VolunteerFilters) -> ExportFile:
    """The ledger of the user's scope (narrowed by the list filters; the org filter picks the subtree) as xlsx.
    ID numbers and phones are full only if the user may see them across that whole subtree; writes an
    "export" audit row."""
    org = org_get(pk=filters.org_id)
    qs = volunteer_list_filtered(user=actor, filters=filters)
    sensitive = export_sensitive_allowed(user=actor, org=org)
    count = qs.count()
    content = export_workbook(volunteer_export_rows(qs=qs, sensitive=sensitive))
    audit_record(
        actor=actor,
        action="export",
        target=org if org is not None else actor,
        org=org,
        after={"filters": asdict(filters), "count": count, "sensitive": sensitive},
        reason="导出志愿者台账" + ("（含完整证件号码和手机号）" if sensitive else "（脱敏）"),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"志愿者台账-{org.name if org else '全部'}-{stamp}.xlsx"
    return ExportFile(filename=name, content=content, count=count, sensitive=sensitive)
