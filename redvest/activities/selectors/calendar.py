"""Calendar tags computed from the date, quarterly themes (inherited down the org tree), the month view."""

from __future__ import annotations

import calendar as pycalendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from redvest.activities.models import Activity, ActivityKind, ActivityStatus, QuarterlyTheme
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import ancestors_paths, in_subtree_q

# 春节 (the first day of the lunar year) has no closed formula; the dates for the years we serve.
SPRING_FESTIVAL: dict[int, datetime.date] = {
    2025: datetime.date(2025, 1, 29),
    2026: datetime.date(2026, 2, 17),
    2027: datetime.date(2027, 2, 6),
    2028: datetime.date(2028, 1, 26),
    2029: datetime.date(2029, 2, 13),
    2030: datetime.date(2030, 2, 3),
}
FIXED_HOLIDAYS: dict[tuple[int, int], str] = {(1, 1): "元旦", (5, 1): "五一", (7, 1): "七一", (10, 1): "国庆"}
VANGUARD_DAY = 25  # 党员先锋服务日, every month
VOLUNTEER_MONTH = 7  # 党员志愿服务活动月
DAY_ACTIVITY_LIMIT = 4  # activities listed in one calendar cell; the rest are counted


@dataclass(frozen=True)
class DayTag:
    label: str
    kind: str  # holiday | vanguard | month | party_day | theme


def day_tags(day: datetime.date) -> list[DayTag]:
    """Tags a date carries by itself: holidays, the 25th, July."""
    tags: list[DayTag] = []
    holiday = FIXED_HOLIDAYS.get((day.month, day.day))
    if holiday:
        tags.append(DayTag(holiday, "holiday"))
    if SPRING_FESTIVAL.get(day.year) == day:
        tags.append(DayTag("春节", "holiday"))
    if day.day == VANGUARD_DAY:
        tags.append(DayTag("党员先锋服务日", "vanguard"))
    if day.month == VOLUNTEER_MONTH:
        tags.append(DayTag("党员志愿服务活动月", "month"))
    return tags


def activity_tags(activity: Activity) -> list[DayTag]:
    """The activity's own tags (主题党日, quarterly theme) and its start date's; `theme` must be selected."""
    tags: list[DayTag] = []
    if activity.is_theme_party_day:
        tags.append(DayTag("主题党日", "party_day"))
    if activity.theme_id is not None and activity.theme is not None:
        tags.append(DayTag(f"季度主题：{activity.theme.title}", "theme"))
    return tags + day_tags(timezone.localtime(activity.start_at).date())


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def theme_for(*, org: OrgNode, year: int, quarter: int) -> QuarterlyTheme | None:
    """The quarter's theme of the node itself or its nearest ancestor (one query)."""
    themes = list(
        QuarterlyTheme.objects.filter(
            org__path__in=ancestors_paths(org.path), year=year, quarter=quarter
        ).select_related("org")
    )
    return max(themes, key=lambda t: len(t.org.path), default=None)


def theme_for_time(*, org: OrgNode, at: datetime.datetime) -> QuarterlyTheme | None:
    day = timezone.localtime(at).date()
    return theme_for(org=org, year=day.year, quarter=quarter_of(day))


def theme_list(*, org: OrgNode) -> QuerySet[QuarterlyTheme]:
    """Themes set at this node and at its ancestors (those it inherits), newest quarter first."""
    return (
        QuarterlyTheme.objects.filter(org__path__in=ancestors_paths(org.path))
        .select_related("org", "created_by")
        .order_by("-year", "-quarter", "-org__depth")
    )


@dataclass(frozen=True)
class CalendarEntry:
    id: int
    title: str
    start_at: datetime.datetime
    status: str
    is_theme_party_day: bool


@dataclass
class CalendarDay:
    day: datetime.date
    in_month: bool
    is_today: bool
    tags: list[DayTag]
    activities: list[CalendarEntry] = field(default_factory=list)
    more: int = 0


@dataclass
class MonthCalendar:
    org: OrgNode
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    theme: QuarterlyTheme | None
    prev_month: tuple[int, int]
    next_month: tuple[int, int]
    activity_count: int
    ancestors: list[OrgNode]
    children: list[OrgNode]


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def month_calendar(
    *, activities: QuerySet[Activity], org: OrgNode, year: int, month: int, today: datetime.date
) -> MonthCalendar:
    """A Monday-first month grid for the org's subtree: day tags, the quarter's theme, activities per day.

    `activities` is the caller's visible set (policy-scoped); this narrows it to the subtree and month.
    """
    weeks_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks_dates[0][0], weeks_dates[-1][-1]
    rows = (
        activities.filter(
            in_subtree_q("org__path", org.path),
            start_at__gte=_local_midnight(first),
            start_at__lt=_local_midnight(last + datetime.timedelta(days=1)),
        )
        .exclude(status=ActivityStatus.DRAFT)
        .exclude(kind=ActivityKind.DEMAND)
        .order_by("start_at", "id")
        .values("id", "title", "start_at", "status", "is_theme_party_day")
    )
    by_day: dict[datetime.date, list[CalendarEntry]] = defaultdict(list)
    count = 0
    for row in rows:
        entry = CalendarEntry(**row)
        local = timezone.localtime(entry.start_at)
        by_day[local.date()].append(entry)
        if local.month == month:
            count += 1
    weeks: list[list[CalendarDay]] = []
    for week in weeks_dates:
        cells = []
        for day in week:
            listed = by_day.get(day, [])
            cells.append(
                CalendarDay(
                    day=day,
                    in_month=day.month == month,
                    is_today=day == today,
                    tags=day_tags(day),
                    activities=listed[:DAY_ACTIVITY_LIMIT],
                    more=max(0, len(listed) - DAY_ACTIVITY_LIMIT),
                )
            )
        weeks.append(cells)
    prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    return MonthCalendar(
        org=org,
        year=year,
        month=month,
        weeks=weeks,
        theme=theme_for(org=org, year=year, quarter=(month - 1) // 3 + 1),
        prev_month=prev_month,
        next_month=next_month,
        activity_count=count,
        ancestors=list(OrgNode.objects.get_ancestors(org)),
        children=list(OrgNode.objects.get_children(org)[:50]),
    )
