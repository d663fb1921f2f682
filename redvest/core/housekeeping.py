"""Nightly housekeeping: the operational rows that grow without bound are pruned once they are old.

Only bookkeeping of the machinery goes: finished task results (django-tasks-db keeps one row per task run,
about 3,000 a day from the periodic jobs alone), the `ScheduledRun` guard rows of periods long past (a
duplicate enqueue can only concern the latest period), and the heartbeats of processes that stopped.
Records, hours, points, audit entries and the jobs users see (imports, exports) are never touched here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from redvest.core.models import ProcessHeartbeat, ScheduledRun


@dataclass(frozen=True)
class PruneResult:
    task_results: int
    scheduled_runs: int
    heartbeats: int


def housekeeping_prune(*, at: datetime.datetime | None = None) -> PruneResult:
    """Delete finished task results older than TASK_RESULT_RETENTION_DAYS (failed ones are kept twice as
    long, for the operator to read), finished ScheduledRun rows older than SCHEDULED_RUN_RETENTION_DAYS, and
    heartbeats silent for HEARTBEAT_RETENTION_DAYS. Running rows are never deleted."""
    now = at or timezone.now()
    keep = datetime.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    task_results, _ = (
        DBTaskResult.objects.finished()
        .filter(
            Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - keep)
            | Q(status=TaskResultStatus.FAILED, finished_at__lt=now - 2 * keep)
        )
        .delete()
    )
    runs_keep = datetime.timedelta(days=settings.SCHEDULED_RUN_RETENTION_DAYS)
    scheduled_runs, _ = (
        ScheduledRun.objects.exclude(status=ScheduledRun.Status.RUNNING)
        .filter(period_start__lt=now - runs_keep)
        .delete()
    )
    beats_keep = datetime.timedelta(days=settings.HEARTBEAT_RETENTION_DAYS)
    heartbeats, _ = ProcessHeartbeat.objects.filter(beat_at__lt=now - beats_keep).delete()
    return PruneResult(task_results=task_results, scheduled_runs=scheduled_runs, heartbeats=heartbeats)
