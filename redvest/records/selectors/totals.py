"""Consistency of the running totals with the ledger entries (for `check_service_totals`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Sum

from redvest.records.models import (
    ServiceCategoryTotal,
    ServiceRecord,
    ServiceTotal,
)

if TYPE_CHECKING:
    pass


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
    from django.db.models.functions import ExtractYear

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
    stored_kind = {
        (v, y, k): m for v, y, k, m in ServiceTotal.objects.values_list("volunteer_id", "year", "kind", "minutes")
    }
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
    stored_org_id: int | None
    current_org_id: int


def total_org_drift() -> list[OrgDrift]:
    """Total rows whose copied org node is not the volunteer's current one (a transfer not yet followed)."""
    from django.db.models import F

    rows = (
        ServiceTotal.objects.exclude(org_id=F("volunteer__org_id"))
        .values_list("volunteer_id", "year", "kind", "org_id", "volunteer__org_id")
        .order_by("volunteer_id", "year", "kind")
    )
    return [OrgDrift(*row) for row in rows]
