"""The 工委's review of a submitted 季报: accept, or return with comments (the filers are told)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from redvest.accounts.models import Role, RoleAssignment
from redvest.audit.services import audit_record, snapshot
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.core.services import notification_send
from redvest.orgs.models import OrgNode
from redvest.reports.access import can_review
from redvest.reports.errors import ReportNotSubmitted
from redvest.reports.models import EDITABLE_STATUSES, EventKind, QuarterlyReport, ReportEvent, ReportStatus
from redvest.reports.quarters import quarter_label
from redvest.reports.selectors import records_path
from redvest.reports.services.filing import NARRATIVE_MAX, lock, report_url

if TYPE_CHECKING:
    from redvest.accounts.models import User


def _filers_of(org: OrgNode) -> list[User]:
    """The organisation's own admins: at the 党支部 node or its host."""
    paths = {org.path, records_path(org)}
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            role=Role.ORG_ADMIN, org__path__in=paths, user__is_active=True
        ).select_related("user")
    ]


def _review(
    *, actor: User, report: QuarterlyReport, kind: str, comment: str, now: datetime.datetime | None
) -> QuarterlyReport:
    now = now or timezone.now()
    comment = (comment or "").strip()
    if kind == EventKind.RETURNED and not comment:
        raise ValidationFailed({"comment": "退回时请填写审核意见"})
    if len(comment) > NARRATIVE_MAX:
        raise ValidationFailed({"comment": f"审核意见不能超过{NARRATIVE_MAX}字"})
    report = lock(report)
    if not can_review(actor, report):
        raise PermissionDenied("该季报不在您的审核范围内（只能审核下级党组织的季报）")
    if report.status != ReportStatus.SUBMITTED:
        raise ReportNotSubmitted(
            "季报尚未报送，不能审核" if report.status in EDITABLE_STATUSES else "季报已审核通过，不能重复审核"
        )
    before = snapshot(report, ["status", "review_comment"])
    report.status = ReportStatus.ACCEPTED if kind == EventKind.ACCEPTED else ReportStatus.RETURNED
    report.review_comment = comment
    report.reviewed_by = actor
    report.reviewed_at = now
    report.save()
    ReportEvent.objects.create(report=report, kind=kind, actor=actor, at=now, comment=comment)
    audit_record(
        actor=actor,
        action="update",
        target=report,
        org=report.org,
        before=before,
        after=snapshot(report, ["status", "review_comment"]),
        reason=comment,
    )
    verb = "通过审核" if kind == EventKind.ACCEPTED else "被退回，请修改后重新报送"
    filers = [u for u in _filers_of(report.org) if u.pk != actor.pk]
    if filers:
        notification_send(
            recipients=filers,
            title=f"{report.org.name}{quarter_label(report.year, report.quarter)}季报{verb}",
            body=comment,
            url=report_url(report),
        )
    return report


@transaction.atomic
def report_accept(
    *, actor: User, report: QuarterlyReport, comment: str = "", now: datetime.datetime | None = None
) -> QuarterlyReport:
    """The 工委 accepts a submitted report. Raises ReportNotSubmitted, PermissionDenied."""
    return _review(actor=actor, report=report, kind=EventKind.ACCEPTED, comment=comment, now=now)


@transaction.atomic
def report_return(
    *, actor: User, report: QuarterlyReport, comment: str, now: datetime.datetime | None = None
) -> QuarterlyReport:
    """The 工委 returns a submitted report with comments (required); it can be edited and resubmitted."""
    return _review(actor=actor, report=report, kind=EventKind.RETURNED, comment=comment, now=now)
