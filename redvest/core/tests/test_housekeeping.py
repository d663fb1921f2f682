"""Nightly housekeeping prunes only old machinery rows: finished task results, past periods' guards and the
heartbeats of stopped processes; anything running or recent stays."""

from __future__ import annotations

import datetime

import pytest
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from redvest.core.housekeeping import housekeeping_prune
from redvest.core.models import ProcessHeartbeat, ScheduledRun

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 19, 20, tzinfo=datetime.UTC)


def _result(status: str, finished_days_ago: float | None) -> DBTaskResult:
    finished = NOW - datetime.timedelta(days=finished_days_ago) if finished_days_ago is not None else None
    return DBTaskResult.objects.create(
        status=status,
        finished_at=finished,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="redvest.core.tasks.jobs_sweep_periodic",
        queue_name="default",
        backend_name="default",
        run_after=NOW - datetime.timedelta(days=60),
        exception_class_path="",
        traceback="",
    )


def test_old_finished_rows_go_and_running_or_recent_ones_stay() -> None:
    old_ok = _result(TaskResultStatus.SUCCESSFUL, 15)
    recent_ok = _result(TaskResultStatus.SUCCESSFUL, 13)
    failed_20 = _result(TaskResultStatus.FAILED, 20)  # failures are kept 28 days, for the operator
    failed_30 = _result(TaskResultStatus.FAILED, 30)
    running = _result(TaskResultStatus.RUNNING, None)
    for days, status in [(31, ScheduledRun.Status.DONE), (31, ScheduledRun.Status.RUNNING), (29, "done")]:
        start = NOW - datetime.timedelta(days=days)
        ScheduledRun.objects.create(job=f"j{days}{status}", period_start=start, started_at=start, status=status)
    for days in (8, 1):
        beat = NOW - datetime.timedelta(days=days)
        ProcessHeartbeat.objects.create(kind="worker", instance=f"h:{days}", started_at=beat, beat_at=beat)

    result = housekeeping_prune(at=NOW)

    assert (result.task_results, result.scheduled_runs, result.heartbeats) == (2, 1, 1)
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {recent_ok.pk, failed_20.pk, running.pk}
    assert not DBTaskResult.objects.filter(pk__in=[old_ok.pk, failed_30.pk]).exists()
    assert sorted(ScheduledRun.objects.values_list("job", flat=True)) == ["j29done", "j31running"]
    assert list(ProcessHeartbeat.objects.values_list("instance", flat=True)) == ["h:1"]
