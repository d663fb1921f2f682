"""Periodic jobs declared in code, run once per period whatever the number of schedulers and workers.

An app declares a job in its `tasks.py`:

    @periodic("*/5 * * * *", queue_name="attendance")
    def advance_activities() -> dict[str, Any]:
        return dataclasses.asdict(activities_advance(at=timezone.now()))

`periodic` makes it a `django.tasks` task and registers its crontab schedule (Shanghai time) with
django-crontask's APScheduler, which `manage.py scheduler` runs: at each fire time the scheduler only
enqueues the task. When a worker runs it, the task first inserts a `ScheduledRun(job, period_start)` row,
`period_start` being the latest fire time at or before the moment it was enqueued; the unique constraint
refuses a second row for the same period, so a duplicate enqueue (a second scheduler, a retry) does
nothing. The guard is in the database, so it holds without Redis and across any number of hosts.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import crontask
from apscheduler.triggers.cron import CronTrigger
from django.db import IntegrityError, transaction
from django.tasks import Task, TaskContext, task
from django.utils import timezone

from redvest.core.models import ScheduledRun

logger = logging.getLogger(__name__)

# How far back to look for the latest fire time: short first, so a job every minute costs one step.
_LOOKBACKS = [datetime.timedelta(minutes=2), datetime.timedelta(hours=2), datetime.timedelta(days=2)] + [
    datetime.timedelta(days=d) for d in (9, 33, 367)
]


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    schedule: str
    trigger: CronTrigger
    task: Task[Any, Any]


_jobs: dict[str, PeriodicJob] = {}


def periodic_jobs() -> list[PeriodicJob]:
    """Every job declared so far (the scheduler imports each app's `tasks` first)."""
    return sorted(_jobs.values(), key=lambda job: job.name)


def period_start(trigger: CronTrigger, at: datetime.datetime) -> datetime.datetime:
    """The latest fire time of `trigger` at or before `at` (UTC): the period a run at `at` belongs to."""
    for lookback in _LOOKBACKS:
        start = trigger.get_next_fire_time(None, at - lookback)
        if start is None or start > at:
            continue
        while (following := trigger.get_next_fire_time(start, start)) is not None and following <= at:
            start = following
        return start.astimezone(datetime.UTC)
    return at.astimezone(datetime.UTC)


def scheduled_run_claim(*, job: str, period: datetime.datetime) -> ScheduledRun | None:
    """Take (job, period) for this run; None when another run already holds it (unique constraint)."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job, period_start=period, started_at=timezone.now())
    except IntegrityError:
        return None


def scheduled_run_finish(*, run: ScheduledRun, status: str, result: Any = None) -> None:
    with transaction.atomic():
        ScheduledRun.objects.filter(pk=run.pk).update(status=status, finished_at=timezone.now(), result=result)


def periodic(
    schedule: str, *, queue_name: str, name: str | None = None
) -> Callable[[Callable[[], Any]], Task[Any, Any]]:
    """Declare `func` (no arguments, JSON-able result) a periodic job on `schedule` (crontab, Shanghai time;
    days of the week as Mon…Sun). Returns the task, enqueued by the scheduler at each fire time."""

    def decorator(func: Callable[[], Any]) -> Task[Any, Any]:
        job = name or func.__name__
        trigger = CronTrigger.from_crontab(schedule, timezone=timezone.get_default_timezone())

        def run(context: TaskContext) -> dict[str, Any]:
            enqueued_at = context.task_result.enqueued_at or timezone.now()
            period = period_start(trigger, enqueued_at)
            claimed = scheduled_run_claim(job=job, period=period)
            if claimed is None:
                logger.info("periodic job %s: period %s already run, skipped", job, period.isoformat())
                return {"job": job, "period": period.isoformat(), "skipped": True}
            try:
                result = func()
            except Exception:
                scheduled_run_finish(run=claimed, status=ScheduledRun.Status.FAILED)
                raise
            scheduled_run_finish(run=claimed, status=ScheduledRun.Status.DONE, result=result)
            return {"job": job, "period": period.isoformat(), "skipped": False, "result": result}

        # The worker imports the task by module path: it must carry the declared function's name.
        run.__module__ = func.__module__
        run.__name__ = func.__name__
        run.__qualname__ = func.__qualname__
        run.__doc__ = func.__doc__
        declared: Task[Any, Any] = task(queue_name=queue_name, takes_context=True)(run)
        crontask.cron(trigger, sentry_monitor_config=None)(declared)
        _jobs[job] = PeriodicJob(name=job, schedule=schedule, trigger=trigger, task=declared)
        return declared

    return decorator
