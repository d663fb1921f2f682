"""Periodic jobs declared in code (redvest.core.periodic): schedules, and once per period whatever the
number of schedulers enqueueing and workers running."""

from __future__ import annotations

import datetime
import importlib
import io
import threading
from typing import Any
from unittest import mock

import crontask
import pytest
from apscheduler.triggers.cron import CronTrigger
from django.apps import apps
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from redvest.core.models import ScheduledRun
from redvest.core.periodic import period_start, periodic_jobs, scheduled_run_claim

SHANGHAI = timezone.get_default_timezone()
UTC = datetime.UTC


def _load_all_tasks() -> None:
    for app in apps.get_app_configs():
        try:
            importlib.import_module(f"{app.name}.tasks")
        except ModuleNotFoundError:
            continue


def _trigger(schedule: str) -> CronTrigger:
    return CronTrigger.from_crontab(schedule, timezone=SHANGHAI)


@pytest.mark.parametrize(
    ("schedule", "at", "expected"),
    [
        (
            "* * * * *",
            datetime.datetime(2026, 12, 7, 10, 3, 27, tzinfo=UTC),
            datetime.datetime(2026, 12, 7, 10, 3, tzinfo=UTC),
        ),
        (
            "*/5 * * * *",
            datetime.datetime(2026, 12, 7, 10, 9, 59, tzinfo=UTC),
            datetime.datetime(2026, 12, 7, 10, 5, tzinfo=UTC),
        ),
        (
            "5 * * * *",
            datetime.datetime(2026, 12, 7, 10, 4, tzinfo=UTC),
            datetime.datetime(2026, 12, 7, 9, 5, tzinfo=UTC),
        ),
        (
            "5 * * * *",
            datetime.datetime(2026, 12, 7, 10, 5, tzinfo=UTC),
            datetime.datetime(2026, 12, 7, 10, 5, tzinfo=UTC),
        ),
        # 08:00 in Shanghai is 00:00 UTC; before it, the period is the previous day's.
        (
            "0 8 * * *",
            datetime.datetime(2026, 12, 7, 23, 59, tzinfo=UTC),
            datetime.datetime(2026, 12, 7, 0, 0, tzinfo=UTC),
        ),
        (
            "0 8 * * *",
            datetime.datetime(2026, 12, 6, 23, 59, tzinfo=UTC),
            datetime.datetime(2026, 12, 6, 0, 0, tzinfo=UTC),
        ),
    ],
)
def test_period_start_is_the_latest_fire_time_in_shanghai(
    schedule: str, at: datetime.datetime, expected: datetime.datetime
) -> None:
    assert period_start(_trigger(schedule), at) == expected


def test_the_former_cron_list_is_declared_in_code_on_known_queues(settings: Any) -> None:
    _load_all_tasks()
    jobs = {job.name: job for job in periodic_jobs()}
    assert {name: job.schedule for name, job in jobs.items()} == {
        "sla_sweep": "* * * * *",
        "jobs_sweep": "* * * * *",
        "advance_activities": "*/5 * * * *",
        "dashboards_refresh": "*/5 * * * *",
        "dashboards_refresh_full": "40 2 * * *",
        "close_forgotten_checkouts": "0 * * * *",
        "expire_points": "5 * * * *",
        "close_award_publicity": "10 * * * *",
        "care_remind": "0 8 * * *",
        "reports_remind": "30 8 * * *",
        "housekeeping_prune": "20 3 * * *",
        "ledger_partitions_ensure": "30 3 * * *",
    }
    assert all(job.task.queue_name in settings.TASK_QUEUES for job in jobs.values())
    # django-crontask's scheduler enqueues each of them (what `manage.py scheduler` starts).
    scheduled = {job.name for job in crontask.scheduler.get_jobs()}
    assert {job.task.name for job in jobs.values()} <= scheduled


@pytest.mark.django_db
def test_a_job_run_records_its_period_and_result() -> None:
    from redvest.awards.tasks import close_award_publicity_periodic

    with mock.patch("redvest.awards.tasks.campaigns_finalize_due", return_value=2) as finalize:
        result = close_award_publicity_periodic.enqueue()
    assert finalize.call_count == 1
    assert result.return_value["skipped"] is False
    run = ScheduledRun.objects.get()
    assert (run.job, run.status, run.result) == ("close_award_publicity", ScheduledRun.Status.DONE, 2)
    assert run.period_start == period_start(_trigger("10 * * * *"), result.enqueued_at or timezone.now())
    assert run.finished_at is not None


@pytest.mark.django_db
def test_a_failed_job_keeps_its_period_marked_failed() -> None:
    from redvest.care.tasks import care_remind_periodic

    with mock.patch("redvest.care.tasks.care_remind", side_effect=RuntimeError("boom")):
        result = care_remind_periodic.enqueue()
    assert result.status == TaskResultStatus.FAILED
    assert ScheduledRun.objects.get().status == ScheduledRun.Status.FAILED


def _run_worker(worker_id: str) -> None:
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_enqueueing_the_same_period_run_the_job_once(settings: Any) -> None:
    """Two schedulers fire the hourly job at 10:10 (Shanghai) a moment apart, and again an hour later: the
    database worker runs four task rows but the job itself twice, once per period."""
    from redvest.awards.tasks import close_award_publicity_periodic

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    fire = datetime.datetime(2026, 12, 7, 2, 10, tzinfo=UTC)
    for moment in (fire, fire + datetime.timedelta(hours=1)):
        for delay_ms in (120, 480):  # scheduler A, then scheduler B
            queued = close_award_publicity_periodic.enqueue()
            DBTaskResult.objects.filter(pk=queued.id).update(
                enqueued_at=moment + datetime.timedelta(milliseconds=delay_ms)
            )
    with mock.patch("redvest.awards.tasks.campaigns_finalize_due", return_value=0) as finalize:
        _run_worker("worker-a")
    assert finalize.call_count == 2
    assert list(ScheduledRun.objects.order_by("period_start").values_list("job", "period_start")) == [
        ("close_award_publicity", fire),
        ("close_award_publicity", fire + datetime.timedelta(hours=1)),
    ]
    rows = DBTaskResult.objects.all()
    assert {row.status for row in rows} == {TaskResultStatus.SUCCESSFUL}
    assert sorted(row.return_value["skipped"] for row in rows) == [False, False, True, True]


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_for_one_period_leave_one_winner() -> None:
    """Two workers start the same job for the same period at the same instant: the unique constraint lets
    exactly one of them run it (PostgreSQL: the second insert waits for the first, then fails)."""
    period = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    barrier = threading.Barrier(2)
    outcomes: list[bool] = []

    def claim() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(scheduled_run_claim(job="sla_sweep", period=period) is not None)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [False, True]
    assert ScheduledRun.objects.filter(job="sla_sweep", period_start=period).count() == 1


def test_scheduler_stands_by_while_another_holds_the_redis_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """With CRONTASK_REDIS_URL a second scheduler cannot take the lock: it waits and takes over later."""
    from crontask import utils
    from django.core.management import call_command

    from redvest.core.management.commands import scheduler as command

    attempts: list[str] = []
    launched: list[object] = []

    class HeldThenFree:
        def __enter__(self) -> HeldThenFree:
            attempts.append("try")
            if len(attempts) == 1:
                raise utils.LockError("held by the active scheduler")
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    class NoHeartbeat:
        def __init__(self, **kwargs: object) -> None: ...
        def start(self) -> None: ...
        def stop(self) -> None: ...
        def join(self, timeout: float) -> None: ...

    monkeypatch.setattr(utils, "lock", HeldThenFree())
    monkeypatch.setattr(command, "STANDBY_RETRY_SECONDS", 0)
    monkeypatch.setattr(command, "HeartbeatThread", NoHeartbeat)
    monkeypatch.setattr(command.Command, "launch_scheduler", lambda self, lock, scheduler: launched.append(lock))
    out = io.StringIO()
    call_command("scheduler", stdout=out)
    assert len(attempts) == 2
    assert len(launched) == 1
    assert "定时任务 sla_sweep: * * * * *（队列 sla）" in out.getvalue()
