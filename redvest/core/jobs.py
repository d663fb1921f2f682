"""Heartbeats for long background jobs and the sweep that recovers the ones whose worker died.

A worker killed mid-job (SIGKILL, OOM, a redeploy) leaves its job "running" for ever, and
django-tasks-db's own `DBTaskResult` row too. Each long job kind (a model with `HeartbeatJob`'s
fields) registers here from its app's `ready()`; the worker stamps `heartbeat_at` every few hundred
rows in its own short transaction (`heartbeat`). `jobs_sweep` (at `db_worker` start and every minute from the scheduler)
hands every running job silent for `TASK_HEARTBEAT_STALE_SECONDS` to its kind's `recover`, which
re-queues it (resume from its staged state) or fails it with `INTERRUPTED_MESSAGE` so the user can
retry; the task rows of those jobs, and of any other task left running past
`TASK_RUNNING_MAX_SECONDS`, are marked failed.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from redvest.core.models import HeartbeatJob

logger = logging.getLogger(__name__)

INTERRUPTED_MESSAGE = "后台任务中断（处理进程已停止），请重试"
RESUMED = "resumed"
FAILED = "failed"


class WorkerLost(Exception):
    """Recorded on a task row whose worker stopped while running it."""


@dataclass(frozen=True)
class JobKind:
    """One kind of long job: its model, the status meaning "a worker is on it", the task that runs it
    (called with the job's pk) and `recover(job)`, called on the locked stale row inside a transaction;
    it returns RESUMED or FAILED."""

    model: type[HeartbeatJob]
    running: str
    task: Task[Any, Any]
    recover: Callable[[Any], str]

    @property
    def is_running(self) -> Q:
        """Every job model names its state `status` (the abstract base cannot declare it)."""
        return Q(status=self.running)


@dataclass
class SweepResult:
    resumed: int = 0
    failed: int = 0
    tasks_failed: int = 0


_kinds: list[JobKind] = []


def job_kind_register(kind: JobKind) -> None:
    """Called from an app's `ready()`; registering the same model twice keeps the latest."""
    _kinds[:] = [k for k in _kinds if k.model is not kind.model] + [kind]


def heartbeat(model: type[HeartbeatJob], pk: int, **fields: Any) -> None:
    """Stamp the job alive (and save progress fields) in its own short transaction."""
    with transaction.atomic():
        model._default_manager.filter(pk=pk).update(heartbeat_at=timezone.now(), **fields)


def _stale(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.TASK_HEARTBEAT_STALE_SECONDS)


def _fail_task_results(qs: Any, now: datetime.datetime) -> int:
    return int(
        qs.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=INTERRUPTED_MESSAGE,
        )
    )


def _job_id(args_kwargs: dict[str, Any]) -> Any:
    args = args_kwargs.get("args") or []
    if args:
        return args[0]
    kwargs = args_kwargs.get("kwargs") or {}
    return next(iter(kwargs.values()), None)


def _orphan_task_ids(kind: JobKind, cutoff: datetime.datetime) -> list[Any]:
    """Task rows of this kind still "running", claimed before the cut-off, whose job no live worker holds
    (it was resumed, failed or finished)."""
    rows = list(
        DBTaskResult.objects.running()
        .filter(task_path=kind.task.module_path, started_at__lt=cutoff)
        .values_list("id", "args_kwargs")
    )
    job_ids = {_job_id(args) for _, args in rows}
    alive = set(
        kind.model._default_manager.filter(kind.is_running, pk__in=job_ids, heartbeat_at__gte=cutoff).values_list(
            "pk", flat=True
        )
    )
    return [pk for pk, args in rows if _job_id(args) not in alive]


def jobs_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Recover every running job whose heartbeat is stale and fail the task rows nobody runs any more.
    Safe beside live workers: a job with a fresh heartbeat, or a task just claimed, is left alone."""
    now = now or timezone.now()
    cutoff = _stale(now)
    result = SweepResult()
    for kind in _kinds:
        stale = kind.model._default_manager.filter(
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True), kind.is_running
        )
        for pk in list(stale.values_list("pk", flat=True)):
            with transaction.atomic():
                job = kind.model._default_manager.select_for_update().filter(kind.is_running, pk=pk).first()
                if job is None or (job.heartbeat_at is not None and job.heartbeat_at >= cutoff):
                    continue  # finished or stamped since we looked
                outcome = kind.recover(job)
                logger.warning(
                    "%s #%s: heartbeat stale since %s, %s", kind.model.__name__, pk, job.heartbeat_at, outcome
                )
                if outcome == RESUMED:
                    result.resumed += 1
                else:
                    result.failed += 1
        orphans = _orphan_task_ids(kind, cutoff)
        result.tasks_failed += _fail_task_results(DBTaskResult.objects.filter(pk__in=orphans), now)
    others = DBTaskResult.objects.running().filter(
        started_at__lt=now - datetime.timedelta(seconds=settings.TASK_RUNNING_MAX_SECONDS)
    )
    result.tasks_failed += _fail_task_results(others.exclude(task_path__in=[k.task.module_path for k in _kinds]), now)
    return result
