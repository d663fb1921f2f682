"""Filing a 季报: open and refresh a draft from the records, edit figures and narrative, submit (late
ones are accepted and marked late; the reviewers are told)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.policy import can_administer
from redvest.accounts.selectors import admins_over
from redvest.audit.services import audit_record, snapshot
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.core.replica import replica_reads
from redvest.core.services import notification_send
from redvest.orgs.models import OrgNode
from redvest.reports.access import require_may_file
from redvest.reports.errors import ReportNotEditable
from redvest.reports.figures import record_figures
from redvest.reports.models import (
    EDITABLE_STATUSES,
    FILING_KINDS,
    EventKind,
    FigureKey,
    QuarterlyReport,
    ReportEvent,
    ReportFigure,
    ReportStatus,
)
from redvest.reports.narrative import draft_narrative
from redvest.reports.quarters import quarter_bounds, quarter_due_on, quarter_label
from redvest.reports.selectors import records_path

if TYPE_CHECKING:
    from redvest.accounts.models import User


NARRATIVE_MAX = 5000
REASON_MAX = 300


@dataclass(frozen=True)
class FigureInput:
    value: Any
    reason: str = ""


def quarter_ok(year: Any, quarter: Any) -> None:
    errors = {}
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        errors["year"] = "年度无效"
    if not isinstance(quarter, int) or isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
        errors["quarter"] = "季度须为1至4"
    if errors:
        raise ValidationFailed(errors)


def lock(report: QuarterlyReport) -> QuarterlyReport:
    return QuarterlyReport.objects.select_for_update(of=("self",)).select_related("org").get(pk=report.pk)


def _figures_now(org: OrgNode, year: int, quarter: int) -> dict[str, int]:
    """The draft's record values, read from the replica when one is usable (aggregates of other tables)."""
    first, last = quarter_bounds(year, quarter)
    path = records_path(org)
    with replica_reads(within_writes=True):
        return record_figures([path], first, last)[path]


@transaction.atomic
def report_open(
    *, actor: User, org: OrgNode, year: int, quarter: int, now: datetime.datetime | None = None
) -> QuarterlyReport:
    """The organisation's report for the quarter, created as a draft filled from the records if there is
    none yet (its figures, and a first draft of its highlights, problems and plan for the filer to edit). Only party organisations file; only their admins (and those above) open one."""
    quarter_ok(year, quarter)
    if org.kind not in FILING_KINDS:
        raise ValidationFailed({"org": "只有党组织需要报送季报"})
    if not can_administer(actor, org):
        raise PermissionDenied("您无权填报该组织的季报")
    report = QuarterlyReport.objects.filter(org=org, year=year, quarter=quarter).first()
    if report is not None:
        return report
    now = now or timezone.now()
    figures = _figures_now(org, year, quarter)
    with replica_reads(within_writes=True):
        words = draft_narrative(org=org, year=year, quarter=quarter)
    report = QuarterlyReport.objects.create(
        org=org,
        year=year,
        quarter=quarter,
        highlights=words.highlights,
        problems=words.problems,
        next_plan=words.next_plan,
        due_on=quarter_due_on(year, quarter),
        figures_at=now,
        created_by=actor,
    )
    ReportFigure.objects.bulk_create(
        [ReportFigure(report=report, key=k, record_value=figures[k], reported_value=figures[k]) for k in FigureKey]
    )
    audit_record(actor=actor, action="create", target=report, org=org, after={"figures": figures})
    return report


@transaction.atomic
def report_refresh(*, actor: User, report: QuarterlyReport, now: datetime.datetime | None = None) -> QuarterlyReport:
    """Recompute the record values of a draft or returned report. A figure the organisation had not
    edited follows the records; an edited one keeps its reported value (and reason)."""
    report = lock(report)
    require_may_file(actor, report)
    if report.status not in EDITABLE_STATUSES:
        raise ReportNotEditable()
    fresh = _figures_now(report.org, report.year, report.quarter)
    rows = {f.key: f for f in report.figures.all()}
    before = {k: f.record_value for k, f in rows.items()}
    for key in FigureKey:
        row = rows.get(key)
        if row is None:
            ReportFigure.objects.create(report=report, key=key, record_value=fresh[key], reported_value=fresh[key])
            continue
        if not row.is_edited:
            row.reported_value = fresh[key]
        row.record_value = fresh[key]
        if not row.is_edited:
            row.reason = ""
        row.save(update_fields=["record_value", "reported_value", "reason"])
    report.figures_at = now or timezone.now()
    report.save(update_fields=["figures_at", "updated_at"])
    audit_record(
        actor=actor, action="update", target=report, org=report.org, before={"record": before}, after={"record": fresh}
    )
    return report


def _int_value(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: QuarterlyReport,
    figures: dict[str, FigureInput] | None = None,
    highlights: str | None = None,
    problems: str | None = None,
    next_plan: str | None = None,
) -> QuarterlyReport:
    """Edit reported figures and the narrative of a draft or returned report. A reported value that differs
    from the record needs a reason. Raises ValidationFailed (field per figure: `figure_<key>`),
    ReportNotEditable, PermissionDenied. Bad input writes nothing."""
    report = lock(report)
    require_may_file(actor, report)
    if report.status not in EDITABLE_STATUSES:
        raise ReportNotEditable()
    rows = {f.key: f for f in report.figures.all()}
    errors: dict[str, str] = {}
    changes: list[tuple[ReportFigure, int, str]] = []
    for key, given in (figures or {}).items():
        row = rows.get(key)
        if row is None:
            errors[f"figure_{key}"] = "没有这项指标"
            continue
        value = _int_value(given.value)
        reason = (given.reason or "").strip()
        if value is None or value < 0:
            errors[f"figure_{key}"] = f"{row.get_key_display()}须为不小于0的整数"
        elif value != row.record_value and not reason:
            errors[f"reason_{key}"] = f"{row.get_key_display()}与记录值（{row.record_value}）不一致，请说明原因"
        elif len(reason) > REASON_MAX:
            errors[f"reason_{key}"] = f"说明不能超过{REASON_MAX}字"
        else:
            changes.append((row, value, reason if value != row.record_value else ""))
    narrative = {"highlights": highlights, "problems": problems, "next_plan": next_plan}
    for name, text in narrative.items():
        if text is not None and len(text) > NARRATIVE_MAX:
            errors[name] = f"不能超过{NARRATIVE_MAX}字"
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(report, ["highlights", "problems", "next_plan"])
    before["figures"] = {k: [f.reported_value, f.reason] for k, f in rows.items()}
    for row, value, reason in changes:
        if (row.reported_value, row.reason) != (value, reason):
            row.reported_value, row.reason = value, reason
            row.save(update_fields=["reported_value", "reason"])
    for name, text in narrative.items():
        if text is not None:
            setattr(report, name, text.strip())
    report.save()
    after = snapshot(report, ["highlights", "problems", "next_plan"])
    after["figures"] = {k: [f.reported_value, f.reason] for k, f in rows.items()}
    audit_record(actor=actor, action="update", target=report, org=report.org, before=before, after=after)
    return report


def _reviewers_of(org: OrgNode) -> list[User]:
    """The admins of the nearest level above the organisation's host that has org admins (the 工委)."""
    return admins_over(records_path(org), strictly=True, nearest=True)


def report_url(report: QuarterlyReport) -> str:
    return reverse("reports:report-detail", args=[report.pk])


@transaction.atomic
def report_submit(*, actor: User, report: QuarterlyReport, now: datetime.datetime | None = None) -> QuarterlyReport:
    """Submit a draft or returned report. After the due day it is accepted and marked late (lateness is
    decided by the first submission: a report returned and resubmitted keeps it). Every edited figure
    must carry a reason and the highlights must be written. Raises ValidationFailed, ReportNotEditable."""
    now = now or timezone.now()
    report = lock(report)
    require_may_file(actor, report)
    if report.status not in EDITABLE_STATUSES:
        raise ReportNotEditable("季报已报送，请勿重复报送")
    errors = {
        f"reason_{f.key}": f"{f.get_key_display()}与记录值不一致，请说明原因"
        for f in report.figures.all()
        if f.is_edited and not f.reason
    }
    if not report.highlights.strip():
        errors["highlights"] = "请填写本季度工作亮点"
    if errors:
        raise ValidationFailed(errors)
    late = timezone.localtime(now).date() > report.due_on
    before = snapshot(report, ["status", "submitted_at", "is_late"])
    if report.submitted_at is None:
        report.submitted_at = now
        report.is_late = late
    report.last_submitted_at = now
    report.status = ReportStatus.SUBMITTED
    report.save()
    ReportEvent.objects.create(report=report, kind=EventKind.SUBMITTED, actor=actor, at=now, is_late=late)
    audit_record(
        actor=actor,
        action="update",
        target=report,
        org=report.org,
        before=before,
        after=snapshot(report, ["status", "submitted_at", "is_late"]),
        reason="报送季报" + ("（逾期）" if late else ""),
    )
    reviewers = [u for u in _reviewers_of(report.org) if u.pk != actor.pk]
    if reviewers:
        notification_send(
            recipients=reviewers,
            title=f"{report.org.name}报送了{quarter_label(report.year, report.quarter)}季报"
            + ("（逾期）" if late else ""),
            body="请审核。",
            url=report_url(report),
        )
    return report
