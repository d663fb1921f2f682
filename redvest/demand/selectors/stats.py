"""Statistics per subtree and period: counts by category, status and area; response and resolution
times (p50, p90); on-time rates; satisfaction (满意+基本满意 over all ratings) per service, team and
station. Ratings come from callbacks, feedback forms and spot checks alike."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from redvest.accounts.policy import scope
from redvest.demand.models import (
    SATISFIED_RATINGS,
    Callback,
    CallbackStatus,
    DemandCategory,
    DispatchStatus,
    Feedback,
    Rating,
    RequestStatus,
    ServiceRequest,
    SpotCheck,
    SpotCheckStatus,
)
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import by_child, in_subtree_q

if TYPE_CHECKING:
    from redvest.accounts.models import User

BY_CHOICES = {"item": "服务项目", "team": "服务队", "station": "服务站点"}


def percentile(values: list[float], q: float) -> int | None:
    """Nearest-rank percentile, whole minutes."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)])


def rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Stats:
    root: OrgNode
    start: datetime.datetime
    end: datetime.datetime
    total: int
    by_category: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    by_area: list[tuple[str, int]]
    response_p50: int | None
    response_p90: int | None
    resolution_p50: int | None
    resolution_p90: int | None
    arrival_on_time: float | None
    resolution_on_time: float | None
    satisfaction: float | None
    rated: int
    overdue: int


def _base(user: User, root: OrgNode, start: datetime.datetime, end: datetime.datetime) -> QuerySet[ServiceRequest]:
    return scope(
        user,
        "request",
        ServiceRequest.objects.filter(in_subtree_q("area__path", root.path), created_at__gte=start, created_at__lt=end),
    )


def _minutes(a: datetime.datetime, b: datetime.datetime) -> float:
    return (b - a).total_seconds() / 60


def demand_stats(*, user: User, root: OrgNode, start: datetime.datetime, end: datetime.datetime) -> Stats:
    """A fixed handful of queries whatever the period holds."""
    qs = _base(user, root, start, end)
    categories = dict(DemandCategory.choices)
    statuses = dict(RequestStatus.choices)
    by_category = {row["category"]: row["n"] for row in qs.values("category").annotate(n=Count("id"))}
    by_status = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}
    buckets = {row["bucket"]: row["n"] for row in by_child(qs, "area__path", root).annotate(n=Count("id"))}
    names = dict(OrgNode.objects.filter(path__in=list(buckets)).values_list("path", "name"))
    times = list(
        qs.values_list(
            "created_at",
            "responded_at",
            "resolved_at",
            "arrival_due_at",
            "resolution_due_at",
            "arrival_breached_at",
            "resolution_breached_at",
        )
    )
    response = [_minutes(c, r) for c, r, *_ in times if r is not None]
    resolution = [_minutes(c, s) for c, _r, s, *_ in times if s is not None]
    arrival_judged = [(r, due, b) for _c, r, _s, due, _d, b, _b2 in times if r is not None or b is not None]
    arrival_ok = sum(1 for r, due, _b in arrival_judged if r is not None and r <= due)
    resolution_judged = [(s, due, b) for _c, _r, s, _a, due, _b, b in times if s is not None or b is not None]
    resolution_ok = sum(1 for s, due, _b in resolution_judged if s is not None and s <= due)
    ratings = _ratings(qs, start, end)
    total_rated = sum(ratings.values())
    return Stats(
        root=root,
        start=start,
        end=end,
        total=len(times),
        by_category=[(label, by_category.get(value, 0)) for value, label in categories.items()],
        by_status=[(label, by_status[value]) for value, label in statuses.items() if value in by_status],
        by_area=sorted(
            (
                (names.get(path, "（本级）") if path != root.path else f"{root.name}（本级）", n)
                for path, n in buckets.items()
            ),
            key=lambda r: -r[1],
        ),
        response_p50=percentile(response, 0.5),
        response_p90=percentile(response, 0.9),
        resolution_p50=percentile(resolution, 0.5),
        resolution_p90=percentile(resolution, 0.9),
        arrival_on_time=rate(arrival_ok, len(arrival_judged)),
        resolution_on_time=rate(resolution_ok, len(resolution_judged)),
        satisfaction=rate(sum(ratings[r] for r in SATISFIED_RATINGS), total_rated),
        rated=total_rated,
        overdue=qs.filter(Q(arrival_breached_at__isnull=False) | Q(resolution_breached_at__isnull=False)).count(),
    )


def _rating_sources(
    requests: QuerySet[ServiceRequest], start: datetime.datetime, end: datetime.datetime
) -> list[QuerySet[Any]]:
    ids = requests.values("pk")
    return [
        Callback.objects.filter(request__in=ids, status=CallbackStatus.DONE, done_at__gte=start, done_at__lt=end),
        Feedback.objects.filter(request__in=ids, created_at__gte=start, created_at__lt=end),
        SpotCheck.objects.filter(
            request__in=ids, status=SpotCheckStatus.DONE, checked_at__gte=start, checked_at__lt=end
        ).exclude(rating=""),
    ]


def _ratings(requests: QuerySet[ServiceRequest], start: datetime.datetime, end: datetime.datetime) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for source in _rating_sources(requests, start, end):
        for row in source.values("rating").annotate(n=Count("id")):
            totals[row["rating"]] += row["n"]
    return totals


@dataclass(frozen=True)
class SatisfactionRow:
    name: str
    satisfied: int
    basic: int
    unsatisfied: int

    @property
    def total(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def rate(self) -> float | None:
        return rate(self.satisfied + self.basic, self.total)


def satisfaction_by(
    *, user: User, root: OrgNode, start: datetime.datetime, end: datetime.datetime, by: str
) -> list[SatisfactionRow]:
    """Ratings given in the period for requests under `root`, per service item, or per team / station that
    finished a part of the request (a 组团 request counts for each of its teams)."""
    requests = scope(user, "request", ServiceRequest.objects.filter(in_subtree_q("area__path", root.path)))
    key = {
        "item": "request__item__name",
        "team": "request__dispatches__team__name",
        "station": "request__dispatches__station__node__name",
    }[by]
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for source in _rating_sources(requests, start, end):
        if by != "item":
            source = source.filter(**{"request__dispatches__status": DispatchStatus.DONE, f"{key}__isnull": False})
        for row in source.values(key, "rating").annotate(n=Count("id", distinct=True)):
            counts[row[key]][row["rating"]] += row["n"]
    rows = [
        SatisfactionRow(
            name=name,
            satisfied=c.get(Rating.SATISFIED, 0),
            basic=c.get(Rating.BASIC, 0),
            unsatisfied=c.get(Rating.UNSATISFIED, 0),
        )
        for name, c in counts.items()
    ]
    return sorted(rows, key=lambda r: (-(r.rate or 0), -r.total, r.name))
