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
    from django.db.models.functions import ExtractYear

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
