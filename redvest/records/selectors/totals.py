"""Minutes of a period per org node from the monthly totals, and the consistency of the running totals
with the ledger entries (for `check_service_totals`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractYear, TruncMonth

from redvest.records.models import (
    MonthlyServiceTotal,
    ServiceCategoryTotal,
    ServiceRecord,
    ServiceTotal,
)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _sums_by_org(qs: QuerySet[Any], into: dict[tuple[int, str], int]) -> None:
    rows = qs.values("org_id", "kind").annotate(total=Sum("minutes")).order_by()
    for row in rows:
        into[(row["org_id"], row["kind"])] += int(row["total"] or 0)


def period_minutes_by_org(
    *, first: datetime.date, last: datetime.date, org_ids: list[int] | None
) -> dict[tuple[int, str], int]:
    """Signed minutes served first..last (inclusive) per (credited org node, kind), for the given nodes
    (None: every node). Whole calendar months come from MonthlyServiceTotal (a few rows per node); the days
    of a month the period only cuts come from the entries through their (org, served_on) index. Two
    queries at most (one for a period of whole months), whatever the ledger holds."""
    after_last = last + datetime.timedelta(days=1)
    whole_from = first if first.day == 1 else _next_month(first)
    whole_to = after_last if after_last.day == 1 else last.replace(day=1)
    out: dict[tuple[int, str], int] = defaultdict(int)
    days = Q(served_on__gte=first, served_on__lte=last)
    if whole_from < whole_to:
        monthly = MonthlyServiceTotal.objects.filter(month__gte=whole_from, month__lt=whole_to)
        _sums_by_org(monthly if org_ids is None else monthly.filter(org_id__in=org_ids), out)
        if whole_from == first and whole_to == after_last:
            return dict(out)
        days = Q(served_on__gte=first, served_on__lt=whole_from) | Q(served_on__gte=whole_to, served_on__lte=last)
    entries = ServiceRecord.objects.filter(days, org__isnull=False)
    _sums_by_org(entries if org_ids is None else entries.filter(org_id__in=org_ids), out)
    return dict(out)


@dataclass(frozen=True)
class TotalDifference:
    volunteer_id: int
    year: int
    kind: str
    category: str  # "" for the per-kind total
    stored: int
    recomputed: int


def _compare(stored: dict[tuple[Any, ...], int], recomputed: dict[tuple[Any, ...], int]) -> list[tuple[Any, ...]]:
    return [
        (*key, stored.get(key, 0), recomputed.get(key, 0))
        for key in sorted(set(stored) | set(recomputed))
        if stored.get(key, 0) != recomputed.get(key, 0)
    ]


def total_differences() -> list[TotalDifference]:
    """Recompute every (volunteer, year, kind) and (…, category) total from the entries; list what differs."""

    entries = ServiceRecord.objects.annotate(year=ExtractYear("served_on"))
    by_kind = {
        (v, y, k): int(total)
        for v, y, k, total in entries.values("volunteer_id", "year", "kind")
        .annotate(total=Sum("minutes"))
        .values_list("volunteer_id", "year", "kind", "total")
        .order_by()
    }
    by_category = {
        (v, y, k, c): int(total)
        for v, y, k, c, total in entries.values("volunteer_id", "year", "kind", "category")
        .annotate(total=Sum("minutes"))
        .values_list("volunteer_id", "year", "kind", "category", "total")
        .order_by()
    }
    stored_kind: dict[tuple[Any, ...], int] = {}
    for v, y, k, m in ServiceTotal.objects.values_list("volunteer_id", "year", "kind", "minutes"):
        stored_kind[(v, y, k)] = stored_kind.get((v, y, k), 0) + m  # a person's total: their rows over every org
    stored_category = {
        (v, y, k, c): m
        for v, y, k, c, m in ServiceCategoryTotal.objects.values_list(
            "volunteer_id", "year", "kind", "category", "minutes"
        )
    }
    out = [
        TotalDifference(volunteer_id=v, year=y, kind=k, category="", stored=s, recomputed=r)
        for v, y, k, s, r in _compare(stored_kind, by_kind)
    ]
    out += [
        TotalDifference(volunteer_id=v, year=y, kind=k, category=c, stored=s, recomputed=r)
        for v, y, k, c, s, r in _compare(stored_category, by_category)
    ]
    return out


@dataclass(frozen=True)
class OrgDrift:
    volunteer_id: int
    year: int
    kind: str
    org_id: int | None
    stored: int
    recomputed: int


def total_org_drift() -> list[OrgDrift]:
    """Per (volunteer, year, kind, org): stored totals that differ from the entries credited to that org
    (each entry keeps the org it was earned for; a transfer moves nothing)."""

    recomputed = {
        (v, y, k, o): int(total)
        for v, y, k, o, total in ServiceRecord.objects.annotate(year=ExtractYear("served_on"))
        .values("volunteer_id", "year", "kind", "org_id")
        .annotate(total=Sum("minutes"))
        .values_list("volunteer_id", "year", "kind", "org_id", "total")
        .order_by()
    }
    stored = {
        (v, y, k, o): m
        for v, y, k, o, m in ServiceTotal.objects.values_list("volunteer_id", "year", "kind", "org_id", "minutes")
    }
    keys = sorted(set(stored) | set(recomputed), key=lambda key: (key[0], key[1], key[2], key[3] or 0))
    return [
        OrgDrift(volunteer_id=v, year=y, kind=k, org_id=o, stored=stored.get((v, y, k, o), 0), recomputed=r)
        for (v, y, k, o) in keys
        if stored.get((v, y, k, o), 0) != (r := recomputed.get((v, y, k, o), 0))
    ]


@dataclass(frozen=True)
class MonthlyDrift:
    org_id: int
    month: datetime.date
    kind: str
    stored: int
    recomputed: int


def monthly_total_drift() -> list[MonthlyDrift]:
    """Per (org, month, kind): stored monthly totals that differ from the entries credited to that org
    and served in that month."""
    recomputed = {
        (o, m, k): int(total)
        for o, m, k, total in ServiceRecord.objects.filter(org__isnull=False)
        .annotate(m=TruncMonth("served_on"))
        .values("org_id", "m", "kind")
        .annotate(total=Sum("minutes"))
        .values_list("org_id", "m", "kind", "total")
        .order_by()
    }
    stored = {
        (o, m, k): int(v)
        for o, m, k, v in MonthlyServiceTotal.objects.values_list("org_id", "month", "kind", "minutes")
    }
    return [
        MonthlyDrift(
            org_id=o, month=m, kind=k, stored=stored.get((o, m, k), 0), recomputed=recomputed.get((o, m, k), 0)
        )
        for (o, m, k) in sorted(set(stored) | set(recomputed))
        if stored.get((o, m, k), 0) != recomputed.get((o, m, k), 0)
    ]
