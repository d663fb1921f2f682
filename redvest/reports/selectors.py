"""Reads: who files, reports and their figures, the review overview of a subtree, punctuality, circulars."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Length, Substr
from django.utils import timezone

from redvest.accounts.models import Role
from redvest.accounts.policy import grants_for, scope
from redvest.core.errors import NotFound
from redvest.core.validators import id_in_range
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.reports.models import (
    FILING_KINDS,
    Circular,
    CircularStatus,
    QuarterlyReport,
    ReportFigure,
    ReportStatus,
)
from redvest.reports.quarters import quarter_due_on

if TYPE_CHECKING:
    from redvest.accounts.models import User

# ---- who files, and over which records ---------------------------------------------------------


def records_path(org: OrgNode) -> str:
    """The subtree whose records a filing node's report counts: a 党支部 that is a leaf under its 单位 or
    村社区 counts its host's subtree (where its members, teams and activities are registered); any other
    filing node its own subtree."""
    if org.kind in FILING_KINDS and org.numchild == 0 and org.depth > 1:
        return org.path[: -OrgNode.steplen]
    return org.path


def filing_orgs(path: str) -> QuerySet[OrgNode]:
    """The nodes that file a 季报 in the subtree at `path`, in tree order."""
    return OrgNode.objects.filter(in_subtree_q("path", path), kind__in=FILING_KINDS).order_by("path")


def filing_orgs_for(*, user: User) -> QuerySet[OrgNode]:
    """Filing nodes the user may file for: in the subtree of a node they administer."""
    return scope(user, "org", filing_orgs(""), "change")


def review_roots(*, user: User) -> QuerySet[OrgNode]:
    """Nodes the user reviews from: nodes they administer that have filing organisations below them."""
    paths = [g.path for g in grants_for(user) if g.role in {Role.SYSTEM_ADMIN, Role.ORG_ADMIN}]
    if not paths:
        return OrgNode.objects.none()
    if "" in paths:
        return OrgNode.objects.filter(depth=1).order_by("path")
    return OrgNode.objects.filter(path__in=paths).exclude(kind__in=FILING_KINDS).order_by("path")


# ---- what waits for the user (the workbench) ----------------------------------------------------

FILED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def own_filing_orgs(*, user: User) -> QuerySet[OrgNode]:
    """The party organisations an org admin files for themselves: their own node if it files, and the
    filing nodes directly under it (a 村社区 or 单位 admin files for its 党支部). Higher admins may file for
    the whole subtree, but what waits on their workbench is what is theirs; the rest they review."""
    paths = [g.path for g in grants_for(user) if g.role == Role.ORG_ADMIN]
    if not paths:
        return OrgNode.objects.none()
    parent_path = Substr("path", 1, Length("path") - OrgNode.steplen)
    return (
        OrgNode.objects.filter(kind__in=FILING_KINDS)
        .annotate(parent_path=parent_path)
        .filter(Q(path__in=paths) | Q(parent_path__in=paths))
    )


def unfiled_count(*, user: User, year: int, quarter: int) -> int:
    """The user's own filing organisations whose report for the quarter is not submitted (or was returned)."""
    filed = QuarterlyReport.objects.filter(org=OuterRef("pk"), year=year, quarter=quarter, status__in=FILED_STATUSES)
    return own_filing_orgs(user=user).filter(~Exists(filed)).count()


def returned_count(*, user: User) -> int:
    """The user's own reports that a reviewer returned for changes."""
    return own_filing_orgs(user=user).filter(quarterly_reports__status=ReportStatus.RETURNED).count()


def awaiting_review_count(*, user: Any) -> int:
    """Submitted reports the user reviews: below a node they administer and strictly above the report's
    host (`records_path`), as `reports.access.can_review` decides for one report; one query."""
    paths = list(review_roots(user=user).values_list("path", flat=True)[:50])
    if not paths:
        return 0
    below = Q()
    for path in paths:
        below |= in_subtree_q("org__path", path) & ~Q(org__path=path)
    rows = QuarterlyReport.objects.filter(below, status=ReportStatus.SUBMITTED).values_list(
        "org__path", "org__kind", "org__numchild", "org__depth"
    )
    count = 0
    for path, kind, numchild, depth in rows:
        host = path[: -OrgNode.steplen] if kind in FILING_KINDS and numchild == 0 and depth > 1 else path
        count += any(host.startswith(root) and len(root) < len(host) for root in paths)
    return count


# ---- reports -----------------------------------------------------------------------------------


def _with_figures(qs: QuerySet[QuarterlyReport]) -> QuerySet[QuarterlyReport]:
    return qs.select_related("org", "reviewed_by").prefetch_related(
        Prefetch("figures", queryset=ReportFigure.objects.order_by("id"))
    )


def report_list(
    *, user: User, year: int | None = None, quarter: int | None = None, status: str = ""
) -> QuerySet[QuarterlyReport]:
    qs = scope(user, "quarterly_report", QuarterlyReport.objects.select_related("org"))
    if year:
        qs = qs.filter(year=year)
    if quarter:
        qs = qs.filter(quarter=quarter)
    if status in ReportStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "-quarter", "org__path")


def report_get(*, user: User, report_id: int, action: str = "view") -> QuarterlyReport:
    """A report the user may see (or change), figures prefetched; NotFound otherwise."""
    qs = scope(user, "quarterly_report", _with_figures(QuarterlyReport.objects.all()), action)  # type: ignore[arg-type]  # action is view|change
    report = qs.filter(pk=report_id).first() if id_in_range(report_id) else None
    if report is None:
        raise NotFound("季报不存在或您无权查看")
    return report


def report_events(report: QuarterlyReport) -> list[Any]:
    return list(report.events.select_related("actor").order_by("at", "id"))


# ---- the review overview -----------------------------------------------------------------------


class Standing:
    """A filing organisation's standing for a quarter, as the review list shows it."""

    MISSING = "未提交"
    OVERDUE = "逾期"
    SUBMITTED = "已提交"
    RETURNED = "已退回"
    ACCEPTED = "已通过"


def standing_of(report: QuarterlyReport | None, *, due_on: datetime.date, today: datetime.date) -> str:
    if report is not None and report.status == ReportStatus.ACCEPTED:
        return Standing.ACCEPTED
    if report is not None and report.status == ReportStatus.SUBMITTED:
        return Standing.SUBMITTED
    if report is not None and report.status == ReportStatus.RETURNED:
        return Standing.RETURNED
    return Standing.OVERDUE if today > due_on else Standing.MISSING


@dataclass
class ReviewRow:
    org: OrgNode
    report: QuarterlyReport | None
    standing: str

    @property
    def late(self) -> bool:
        return self.report is not None and self.report.is_late


@dataclass
class ReviewOverview:
    root: OrgNode
    year: int
    quarter: int
    due_on: datetime.date
    counts: dict[str, int] = field(default_factory=dict)


def review_overview(*, root: OrgNode, year: int, quarter: int, today: datetime.date | None = None) -> ReviewOverview:
    """Counts per standing over all filing organisations under `root` (three aggregate queries)."""
    today = today or timezone.localdate()
    due_on = quarter_due_on(year, quarter)
    total = filing_orgs(root.path).count()
    by_status = dict(
        QuarterlyReport.objects.filter(in_subtree_q("org__path", root.path), org__kind__in=FILING_KINDS)
        .filter(year=year, quarter=quarter)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    filed = sum(by_status.get(s, 0) for s in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED))
    counts = {
        Standing.SUBMITTED: by_status.get(ReportStatus.SUBMITTED, 0),
        Standing.RETURNED: by_status.get(ReportStatus.RETURNED, 0),
        Standing.ACCEPTED: by_status.get(ReportStatus.ACCEPTED, 0),
        (Standing.OVERDUE if today > due_on else Standing.MISSING): total - filed,
    }
    return ReviewOverview(root=root, year=year, quarter=quarter, due_on=due_on, counts=counts)


def review_rows(orgs: list[OrgNode], *, year: int, quarter: int, today: datetime.date | None = None) -> list[ReviewRow]:
    """A page of filing organisations with their report for the quarter (one query for all reports)."""
    today = today or timezone.localdate()
    due_on = quarter_due_on(year, quarter)
    reports = {
        r.org_id: r
        for r in QuarterlyReport.objects.filter(
            org__in=[o.pk for o in orgs], year=year, quarter=quarter
        ).select_related("org")
    }
    rows = []
    for org in orgs:
        report = reports.get(org.pk)
        rows.append(ReviewRow(org=org, report=report, standing=standing_of(report, due_on=due_on, today=today)))
    return rows


def review_orgs(*, root: OrgNode, standing: str = "", year: int, quarter: int) -> QuerySet[OrgNode]:
    """Filing organisations under `root`, optionally only those with a given report status."""
    qs = filing_orgs(root.path)
    this_quarter = Q(quarterly_reports__year=year, quarterly_reports__quarter=quarter)
    if standing in ReportStatus.values and standing != ReportStatus.DRAFT:
        qs = qs.filter(this_quarter & Q(quarterly_reports__status=standing))
    elif standing == "unfiled":
        filed = QuarterlyReport.objects.filter(year=year, quarter=quarter).exclude(status=ReportStatus.DRAFT)
        qs = qs.exclude(pk__in=filed.values("org_id"))
    return qs


# ---- punctuality (contract: used by the evaluation app) ----------------------------------------


def report_punctuality(path: str, year: int, quarter: int) -> dict[int, bool]:
    """Every filing organisation in the subtree at `path` → whether its report for the quarter was filed
    on time (first submitted on or before the due day, Shanghai). Not filed (yet) counts as not on time."""
    orgs = list(filing_orgs(path).values_list("id", flat=True))
    on_time = set(
        QuarterlyReport.objects.filter(
            in_subtree_q("org__path", path), year=year, quarter=quarter, submitted_at__isnull=False, is_late=False
        ).values_list("org_id", flat=True)
    )
    return {org_id: org_id in on_time for org_id in orgs}


# ---- circulars ---------------------------------------------------------------------------------


def circular_list(*, user: User) -> QuerySet[Circular]:
    """Circulars the user may see: drafts and published ones of the subtrees they administer, and
    published ones of the nodes above them."""
    qs = Circular.objects.select_related("org", "supersedes")
    return scope(user, "circular", qs).order_by("-year", "-quarter", "-version", "-id")


def published_circulars(*, user: User) -> QuerySet[Circular]:
    return circular_list(user=user).filter(status=CircularStatus.PUBLISHED)


def circular_get(*, user: User, circular_id: int, action: str = "view") -> Circular:
    qs = scope(user, "circular", Circular.objects.select_related("org", "supersedes", "published_by"), action)  # type: ignore[arg-type]  # action is view|change
    circular = qs.filter(pk=circular_id).first() if id_in_range(circular_id) else None
    if circular is None:
        raise NotFound("通报不存在或您无权查看")
    return circular
