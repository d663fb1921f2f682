"""The metric registry: each metric key has one function computing it for a whole cohort over a period.

Every function runs a few GROUP BY queries over the reviewing node's subtree, grouping rows by the
prefix of their org path that has the length of the cohort's paths (a cohort org's subtree is one
prefix), so the cost does not grow with the number of orgs in queries. A value is None when the org
has nothing to measure (no members, no ratings, no reports due); None scores 0 (see `normalise`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from redvest.activities.models import HELD_STATUSES, Activity
from redvest.care.models import CarePairing, CareVisit, PairingStatus
from redvest.demand.models import SATISFIED_RATINGS, Callback, CallbackStatus, ServiceRequest
from redvest.evaluation.models import Metric, Normalisation
from redvest.evaluation.period import Period
from redvest.orgs.models import OrgNode
from redvest.orgs.selectors import in_subtree_q
from redvest.points.models import PointsEarnedDay
from redvest.records.models import RecordKind, ServiceRecord
from redvest.volunteers.models import Volunteer, VolunteerStatus

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Cohort:
    root_path: str
    orgs: dict[str, int]  # path → org id
    root_depth: int = 1
    _paths: dict[int, str] | None = None

    def node_paths(self) -> dict[int, str]:
        """Every node of the subtree: id → path (one query, cached for the computation)."""
        if self._paths is None:
            self._paths = dict(OrgNode.objects.filter(in_subtree_q("path", self.root_path)).values_list("id", "path"))
        return self._paths

    @property
    def lengths(self) -> list[int]:
        return sorted({len(p) for p in self.orgs})

    @property
    def ids(self) -> list[int]:
        return list(self.orgs.values())


Values = dict[int, Decimal | None]


def _grouped(qs: QuerySet[Any], org_field: str, cohort: Cohort, **aggregates: Any) -> dict[int, dict[str, Any]]:
    """org id → aggregates over the rows under that cohort org. One GROUP BY query on the rows' own org
    (`org_field`, e.g. "volunteer__org"), whose totals are then added up per cohort org by path prefix:
    grouping by the org id is cheaper than by a computed prefix, and the sums are additive."""
    base = qs
    if cohort.root_depth > 1:  # at a root node every row is in the subtree: no join on the path needed
        base = qs.filter(in_subtree_q(f"{org_field}__path", cohort.root_path))
    rows = base.order_by().values(f"{org_field}_id").annotate(**aggregates)
    paths = cohort.node_paths()
    out: dict[int, dict[str, Any]] = {}
    lengths = cohort.lengths
    for row in rows:
        path = paths.get(row.pop(f"{org_field}_id"))
        if path is None:
            continue
        for length in lengths:
            org_id = cohort.orgs.get(path[:length])
            if org_id is None:
                continue
            into = out.setdefault(org_id, dict.fromkeys(aggregates, 0))
            for key, value in row.items():
                into[key] += value or 0
    return out


def _rate(ok: int, total: int) -> Decimal | None:
    return q2(Decimal(ok) * HUNDRED / Decimal(total)) if total else None


def _members(cohort: Cohort) -> dict[int, int]:

    rows = _grouped(Volunteer.objects.filter(status=VolunteerStatus.REGISTERED), "org", cohort, n=Count("id"))
    return {org_id: int(row["n"]) for org_id, row in rows.items()}


def _per_member(totals: dict[int, dict[str, Any]], members: dict[int, int], cohort: Cohort, scale: int) -> Values:
    out: Values = {}
    for org_id in cohort.ids:
        n = members.get(org_id, 0)
        total = int((totals.get(org_id) or {}).get("total") or 0)
        out[org_id] = q2(Decimal(total) / Decimal(scale) / Decimal(n)) if n else None
    return out


def hours_per_member(cohort: Cohort, period: Period, ctx: dict[str, Any]) -> Values:
    """Credit hours served in the quarter (signed: reversals count) per registered volunteer."""

    qs = ServiceRecord.objects.filter(kind=RecordKind.CREDIT, served_on__gte=period.start, served_on__lte=period.end)
    totals = _grouped(qs, "org", cohort, total=Sum("minutes"))  # each entry's own org: transfers move no credit
    return _per_member(totals, ctx["members"], cohort, 60)


def points_per_member(cohort: Cohort, period: Period, ctx: dict[str, Any]) -> Values:
    """Points earned in the quarter (net of reversed earnings, the ledger's daily totals) per member."""

    qs = PointsEarnedDay.objects.filter(day__gte=period.start, day__lte=period.end)
    totals = _grouped(qs, "volunteer__org", cohort, total=Sum("points"))
    return _per_member(totals, ctx["members"], cohort, 1)


def activities_held(cohort: Cohort, period: Period, ctx: dict[str, Any]) -> Values:
    """Held (published, under way or ended; not cancelled) activities starting in the quarter."""

    lo, hi = period.bounds
    qs = Activity.objects.filter(status__in=HELD_STATUSES, start_at__gte=lo, start_at__lt=hi)
    rows = _grouped(qs, "org", cohort, n=Count("id"))
    return {org_id: Decimal(int((rows.get(org_id) or {}).get("n") or 0)) for org_id in cohort.ids}


def satisfaction(cohort: Cohort, period: Period, ctx: dict[str, Any]) -> Values:
    """满意 + 基本满意 share of the phone callbacks done in the quarter on requests in the org's area."""

    lo, hi = period.bounds
    qs = Callback.objects.filter(status=CallbackStatus.DONE, done_at__gte=lo, done_at__lt=hi).exclude(rating="")
    rows = _grouped(
        qs,
        "request__area",
        cohort,
        total=Count("id"),
        ok=Count("id", filter=Q(rating__in=SATISFIED_RATINGS)),
    )
    return {org_id: _rate(int(r["ok"]), int(r["total"])) if (r := rows.get(org_id)) else None for org_id in cohort.ids}


def requests_on_time(cohort: Cohort, period: Period, ctx: dict[str, Any]) -> Values:
    """Share of the requests resolved in the quarter that were resolved within their due time."""

    lo, hi = period.bounds
    qs = ServiceRequest.objects.filter(resolved_at__gte=lo, resolved_at__lt=hi)
    on_time = Q(resolution_breached_at__isnull=True, resolved_at__lte=F("resolution_due_at"))
    rows = _grouped(qs, "area", cohort, total=Count("id"), ok=Count("id", filter=on_time))
    return {org_id: _rate(int(r["ok"]), int(r["total"])) if (r := rows.get(org_id)) else None for org_id in cohort.ids}


def share_by_prefix(cohort: Cohort, flags: Iterable[tuple[str, bool]]) -> Values:
    """For (path, ok) pairs anywhere in the subtree: the ok share among those under each cohort org."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    lengths = cohort.lengths
    for path, ok in flags:
        for length in lengths:
            org_id = cohort.orgs.get(path[:length])
            if org_id is not None:
                counts[org_id][0] += int(ok)
                counts[org_id][1] += 1
    return {org_id: _rate(*counts[org_id]) if org_id in counts else None for org_id in cohort.ids}


def care_on_time(cohort: Cohort, period: Period, ctx: dict[str, Any]) -> Values:
    """Share of the care visits due in the quarter that were made on time: `care.selectors.visit_stats`'s
    `on_time / due`, computed for the whole cohort in two grouped queries over the care models (due =
    due dates met by a visit in the quarter + outstanding due dates of active pairings that have passed)."""
    today = timezone.localdate()
    met = _grouped(
        CareVisit.objects.filter(due_on__gte=period.start, due_on__lte=period.end),
        "recipient__org",
        cohort,
        n=Count("id"),
        ok=Count("id", filter=Q(visited_on__lte=F("due_on"))),
    )
    missed = _grouped(
        CarePairing.objects.filter(
            status=PairingStatus.ACTIVE,
            next_visit_due__gte=period.start,
            next_visit_due__lte=period.end,
            next_visit_due__lt=today,
        ),
        "recipient__org",
        cohort,
        n=Count("id"),
    )
    out: Values = {}
    for org_id in cohort.ids:
        m, x = met.get(org_id) or {}, missed.get(org_id) or {}
        out[org_id] = _rate(int(m.get("ok") or 0), int(m.get("n") or 0) + int(x.get("n") or 0))
    return out


MetricFn = Callable[[Cohort, Period, dict[str, Any]], Values]

REGISTRY: dict[str, MetricFn] = {
    Metric.HOURS_PER_MEMBER: hours_per_member,
    Metric.ACTIVITIES: activities_held,
    Metric.SATISFACTION: satisfaction,
    Metric.CARE_ON_TIME: care_on_time,
    Metric.POINTS_PER_MEMBER: points_per_member,
    Metric.REQUESTS_ON_TIME: requests_on_time,
}
# reports_on_time is registered by the reports app (`register` from ReportsConfig.ready()): reports sits
# above evaluation, which reads report punctuality without importing the reports app.


def register(metric: str, fn: MetricFn) -> None:
    """Add a metric computed by an app above evaluation (called from that app's AppConfig.ready())."""
    REGISTRY[metric] = fn


NEEDS_MEMBERS = frozenset({Metric.HOURS_PER_MEMBER, Metric.POINTS_PER_MEMBER})


def without_service(cohort: Cohort, period: Period) -> set[int]:
    """Cohort orgs with no registered volunteer and no activity in the quarter. They score 0 on every
    criterion: the rates measured in their area (callbacks, requests, reports, visits) are other people's
    work, and a rate alone would rank an empty org mid-table."""
    members = _members(cohort)
    held = activities_held(cohort, period, {})
    return {org_id for org_id in cohort.ids if not members.get(org_id) and not held.get(org_id)}


def metric_values(cohort: Cohort, period: Period, metrics: Iterable[str]) -> dict[str, Values]:
    """metric → org id → value, for the chosen metrics only."""
    metrics = list(metrics)
    ctx: dict[str, Any] = {}
    if NEEDS_MEMBERS & set(metrics):
        ctx["members"] = _members(cohort)
    return {m: REGISTRY[m](cohort, period, ctx) for m in metrics}


def normalise(values: Values, *, normalisation: str, target: Decimal | None) -> dict[int, Decimal]:
    """0–100 per org. Relative: value / cohort maximum × 100. Threshold: min(value / target, 1) × 100.
    No value, a value ≤ 0, or nothing to compare with scores 0."""
    if normalisation == Normalisation.THRESHOLD:
        top = target if target is not None and target > 0 else None
    else:
        positives = [v for v in values.values() if v is not None and v > 0]
        top = max(positives) if positives else None
    out: dict[int, Decimal] = {}
    for org_id, value in values.items():
        if top is None or value is None or value <= 0:
            out[org_id] = Decimal("0.00")
        else:
            out[org_id] = q2(min(value / top, Decimal(1)) * HUNDRED)
    return out


def weighted(scores: dict[str, Decimal], weights: dict[str, int]) -> Decimal:
    """Σ weight × score / 100, to the cent."""
    return q2(sum((Decimal(weights[m]) * s for m, s in scores.items()), Decimal(0)) / HUNDRED)
