"""A first draft of a report's words (工作亮点 / 存在问题 / 下季度计划) from the quarter's records, for the
filer to edit: the activities with most check-ins, the brands that ran, what ran late on the hotline,
care visits overdue, next quarter's theme. A handful of aggregate queries over the host's subtree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from redvest.activities.models import HELD_STATUSES, Activity, ActivityKind, QuarterlyTheme
from redvest.care.models import CarePairing, PairingStatus
from redvest.demand.models import ServiceRequest
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths, in_subtree_q
from redvest.reports.quarters import quarter_bounds, quarter_label
from redvest.reports.selectors import records_path

TOP = 3


@dataclass(frozen=True)
class Narrative:
    highlights: str
    problems: str
    next_plan: str


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def draft_narrative(*, org: OrgNode, year: int, quarter: int) -> Narrative:
    """The three narrative sections drafted from the records of the report's subtree and quarter."""
    path = records_path(org)
    first, last = quarter_bounds(year, quarter)
    start, end = _aware(first), _aware(last + datetime.timedelta(days=1))
    activities = Activity.objects.filter(
        in_subtree_q("org__path", path),
        start_at__gte=start,
        start_at__lt=end,
        status__in=HELD_STATUSES,
        kind=ActivityKind.PLANNED,
    )
    top = list(
        activities.annotate(people=Count("attendances"))
        .filter(people__gt=0)
        .order_by("-people", "start_at")
        .values_list("title", "people")[:TOP]
    )
    total = activities.count()
    brands = list(
        activities.filter(brand__isnull=False)
        .values_list("brand__name", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n")[:TOP]
    )
    label = quarter_label(year, quarter)
    lines = [f"{label}共开展志愿服务活动{total}场。"] if total else []
    lines += [f"“{title}”签到{people}人次。" for title, people in top]
    if brands:
        lines.append(f"品牌项目{'、'.join(f'“{b}”' for b in brands)}持续开展活动。")

    requests = ServiceRequest.objects.filter(
        in_subtree_q("area__path", path), created_at__gte=start, created_at__lt=end
    )
    counts = requests.aggregate(
        total=Count("pk"),
        late=Count("pk", filter=Q(arrival_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)),
    )
    overdue_care = CarePairing.objects.filter(
        in_subtree_q("recipient__org__path", path),
        status=PairingStatus.ACTIVE,
        next_visit_due__lt=min(last, timezone.localdate()),
    ).count()
    problems = []
    if counts["total"]:
        lines.append(f"受理群众诉求{counts['total']}件。")
    if counts["late"]:
        problems.append(f"本季度有{counts['late']}件诉求未在时限内到场或办结，需查找原因、加强调度。")
    if overdue_care:
        problems.append(f"有{overdue_care}户结对帮扶对象走访逾期，需督促结对志愿者按期走访。")
    if not total:
        problems.append("本季度未开展志愿服务活动，需制定活动计划。")

    next_year, next_q = _next_quarter(year, quarter)
    theme = (
        QuarterlyTheme.objects.filter(year=next_year, quarter=next_q, org__path__in=ancestors_paths(path))
        .order_by("-org__depth")
        .values_list("title", flat=True)
        .first()
    )
    plans = [f"围绕{quarter_label(next_year, next_q)}主题“{theme}”组织开展志愿服务活动。"] if theme else []
    if counts["late"]:
        plans.append("落实诉求响应时限，逾期工单逐件回访。")
    if overdue_care:
        plans.append("补齐逾期走访，按走访周期开展结对帮扶。")
    plans.append("继续做好服务时长记录和积分兑换工作。")
    return Narrative(
        highlights="\n".join(lines),
        problems="\n".join(problems) or "暂未发现突出问题。",
        next_plan="\n".join(f"{i}. {p}" for i, p in enumerate(plans, start=1)),
    )
