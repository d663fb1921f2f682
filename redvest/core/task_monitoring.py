"""Task queue figures for `/metrics` (core.monitoring), read at scrape time from django-tasks-db's table."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Case, Count, DateTimeField, F, Min, When
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import Metric
from prometheus_client.core import GaugeMetricFamily


def task_queue_figures() -> Iterable[Metric]:
    """Per queue: tasks ready to run, tasks running, and how long the oldest ready one has waited (since it
    was enqueued, or since its run_after for a deferred one). Two grouped queries."""
    now = timezone.now()
    ready_since = Case(
        When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"), output_field=DateTimeField()
    )
    rows = {
        row["queue_name"]: row
        for row in DBTaskResult.objects.ready().values("queue_name").annotate(n=Count("id"), oldest=Min(ready_since))
    }
    running = dict(
        DBTaskResult.objects.running().values("queue_name").annotate(n=Count("id")).values_list("queue_name", "n")
    )
    depth = GaugeMetricFamily("redvest_task_queue_depth", "Tasks ready to run, per queue.", labels=["queue"])
    age = GaugeMetricFamily(
        "redvest_task_queue_oldest_age_seconds",
        "Age of the oldest ready task, per queue (0 when empty).",
        labels=["queue"],
    )
    busy = GaugeMetricFamily("redvest_task_running", "Tasks running, per queue.", labels=["queue"])
    for queue in sorted({*settings.TASK_QUEUES, *rows, *running}):
        row = rows.get(queue)
        depth.add_metric([queue], row["n"] if row else 0)
        oldest: datetime.datetime | None = row["oldest"] if row else None
        age.add_metric([queue], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        busy.add_metric([queue], running.get(queue, 0))
    return [depth, age, busy]
