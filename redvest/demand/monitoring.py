"""SLA figures for `/metrics` (core.monitoring), read at scrape time: open requests past their arrival or
resolution time, and of those the ones the SLA sweep has not marked yet (a sweep falling behind). Each count
is one pass over the open requests (one query; status leads an index)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client import Metric
from prometheus_client.core import GaugeMetricFamily

from redvest.demand.models import OPEN_STATUSES, ServiceRequest


def sla_figures() -> Iterable[Metric]:
    now = timezone.now()
    arrival_late = Q(responded_at__isnull=True, arrival_due_at__lt=now)
    resolution_late = Q(resolution_due_at__lt=now)
    n = ServiceRequest.objects.filter(status__in=OPEN_STATUSES).aggregate(
        arrival=Count("id", filter=arrival_late),
        resolution=Count("id", filter=resolution_late),
        arrival_unmarked=Count("id", filter=arrival_late & Q(arrival_breached_at__isnull=True)),
        resolution_unmarked=Count("id", filter=resolution_late & Q(resolution_breached_at__isnull=True)),
    )
    overdue = GaugeMetricFamily(
        "redvest_sla_overdue_requests",
        "Open requests past their due time, per clock (arrival, resolution).",
        labels=["clock"],
    )
    overdue.add_metric(["arrival"], n["arrival"])
    overdue.add_metric(["resolution"], n["resolution"])
    unmarked = GaugeMetricFamily(
        "redvest_sla_overdue_unmarked_requests",
        "Overdue open requests the SLA sweep has not marked (breached) yet, per clock.",
        labels=["clock"],
    )
    unmarked.add_metric(["arrival"], n["arrival_unmarked"])
    unmarked.add_metric(["resolution"], n["resolution_unmarked"])
    return [overdue, unmarked]
