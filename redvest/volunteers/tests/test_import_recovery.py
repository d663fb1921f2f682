"""Imports stage rows in short transactions, stay all-or-nothing, and survive a dead worker (heartbeat sweep)."""

from __future__ import annotations

import datetime
import io
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from redvest.core.jobs import INTERRUPTED_MESSAGE, jobs_sweep
from redvest.teams.models import Membership
from redvest.volunteers.models import ImportStatus, Volunteer, VolunteerImport, VolunteerImportChunk
from redvest.volunteers.services import imports as import_services
from redvest.volunteers.services import volunteer_import_retry
from redvest.volunteers.tasks import volunteer_import_run
from redvest.volunteers.tests.test_imports import row, start, xlsx

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.timedelta(hours=1)


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, not even the `except Exception` cleanup."""


def _kill_after_first_chunk() -> Any:
    real = import_services._validate
    calls = {"n": 0}

    def validate(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise Killed
        return real(*args, **kwargs)

    return mock.patch.object(import_services, "_validate", side_effect=validate)


def _killed_import(ledger: Any, capture: Any, rows: int = 5) -> VolunteerImport:
    """A real import whose worker died after staging its first chunk of two rows."""
    with mock.patch.object(import_services, "CHUNK_ROWS", 2), _kill_after_first_chunk():
        imp = start(ledger, xlsx([row(i) for i in range(1, rows + 1)]), capture, dry_run=False)
    assert imp.status == ImportStatus.RUNNING
    return imp


def _go_stale(imp: VolunteerImport) -> None:
    VolunteerImport.objects.filter(pk=imp.pk).update(heartbeat_at=timezone.now() - LONG_AGO)


def test_staged_chunks_carry_progress_and_a_heartbeat(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)
    chunk = VolunteerImportChunk.objects.get(imp=imp)
    assert chunk.index == 0 and [g["number"] for g in chunk.good] == [2, 3]
    assert imp.processed_rows == 2 and imp.heartbeat_at is not None
    assert Volunteer.objects.count() == 0


def test_import_killed_between_chunks_resumes_after_the_staged_chunks(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)
    _go_stale(imp)
    with (
        mock.patch.object(import_services, "CHUNK_ROWS", 2),
        mock.patch.object(import_services, "_validate", wraps=import_services._validate) as validate,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = jobs_sweep()
    assert result.resumed == 1 and result.failed == 0
    assert validate.call_count == 2  # chunks 2 and 3 only: chunk 1 was staged before the kill
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and imp.created_count == 5 and imp.attempts == 1
    assert Volunteer.objects.count() == 5 and Membership.objects.count() == 5
    assert not VolunteerImportChunk.objects.exists()


def test_in_file_duplicates_are_found_across_a_resume(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    rows = [row(1), row(2), row(3), row(4, 证件号码=row(2)["证件号码"])]
    with mock.patch.object(import_services, "CHUNK_ROWS", 2), _kill_after_first_chunk():
        imp = start(ledger, xlsx(rows), django_capture_on_commit_callbacks, dry_run=True)
    _go_stale(imp)
    with mock.patch.object(import_services, "CHUNK_ROWS", 2), django_capture_on_commit_callbacks(execute=True):
        jobs_sweep()
    imp.refresh_from_db()
    assert imp.status == ImportStatus.PREVIEWED
    assert [(e["row"], e["message"]) for e in imp.errors] == [(5, "与第3行的证件号码重复")]


def test_import_interrupted_too_often_fails_in_chinese_and_keeps_nothing(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)
    VolunteerImport.objects.filter(pk=imp.pk).update(attempts=import_services.MAX_RESUMES)
    _go_stale(imp)
    with django_capture_on_commit_callbacks(execute=True):
        result = jobs_sweep()
    assert (result.resumed, result.failed) == (0, 1)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.FAILED and imp.message == INTERRUPTED_MESSAGE and imp.retryable
    assert Volunteer.objects.count() == 0 and not VolunteerImportChunk.objects.exists()


def test_sweep_leaves_an_import_with_a_fresh_heartbeat_alone(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)
    result = jobs_sweep()
    imp.refresh_from_db()
    assert (result.resumed, result.failed, imp.status) == (0, 0, ImportStatus.RUNNING)


def test_failure_in_the_final_step_leaves_no_volunteers_and_can_be_retried(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    content = xlsx([row(i) for i in range(1, 6)])
    boom = RuntimeError("disk full")
    with (
        mock.patch.object(import_services, "CHUNK_ROWS", 2),
        mock.patch.object(import_services, "audit_record_many", side_effect=boom),
    ):
        imp = start(ledger, content, django_capture_on_commit_callbacks, dry_run=False)
    assert imp.status == ImportStatus.FAILED and imp.retryable
    assert Volunteer.objects.count() == 0 and Membership.objects.count() == 0
    assert not VolunteerImportChunk.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_import_retry(actor=ledger.admin_a, imp=imp)
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and Volunteer.objects.count() == 5


def test_import_with_bad_rows_cannot_be_retried(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    from redvest.core.errors import Conflict

    imp = start(ledger, xlsx([row(1, 姓名="")]), django_capture_on_commit_callbacks, dry_run=False)
    assert imp.status == ImportStatus.FAILED and not imp.retryable
    with pytest.raises(Conflict):
        volunteer_import_retry(actor=ledger.admin_a, imp=imp)


def test_interrupted_import_page_and_api_offer_retry(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)
    VolunteerImport.objects.filter(pk=imp.pk).update(attempts=import_services.MAX_RESUMES)
    _go_stale(imp)
    jobs_sweep()
    client.force_login(ledger.admin_a)
    page = client.get(reverse("volunteers:import-detail", args=[imp.pk])).content.decode()
    assert INTERRUPTED_MESSAGE in page and reverse("volunteers:import-retry", args=[imp.pk]) in page
    assert client.get(f"/api/v1/volunteers/imports/{imp.pk}").json()["retryable"] is True
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/volunteers/imports/{imp.pk}/retry")
    assert response.status_code == 202
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and Volunteer.objects.count() == 5
    again = client.post(reverse("volunteers:import-retry", args=[imp.pk]))
    assert again.status_code == 409 and "只有中断或因系统错误失败的导入可以重试" in again.content.decode()


def test_other_towns_admin_cannot_retry(client: Client, ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)
    VolunteerImport.objects.filter(pk=imp.pk).update(status=ImportStatus.FAILED, retryable=True)
    client.force_login(ledger.admin_b)
    response = client.post(f"/api/v1/volunteers/imports/{imp.pk}/retry")
    assert response.status_code in (403, 404)
    assert VolunteerImport.objects.get(pk=imp.pk).status == ImportStatus.FAILED


def _task_row(*, path: str, args: list[Any], started: datetime.datetime) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        args_kwargs={"args": args, "kwargs": {}},
        task_path=path,
        queue_name="imports",
        backend_name="default",
        run_after=started,
        started_at=started,
        worker_ids=["dead-worker"],
    )


def test_sweep_fails_the_task_rows_left_running_by_a_dead_worker(
    ledger: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)
    VolunteerImport.objects.filter(pk=imp.pk).update(attempts=import_services.MAX_RESUMES)
    _go_stale(imp)
    now = timezone.now()
    dead_import = _task_row(path=volunteer_import_run.module_path, args=[imp.pk], started=now - LONG_AGO)
    dead_other = _task_row(path="redvest.core.tasks.notification_deliver", args=[1], started=now - 2 * LONG_AGO)
    busy_other = _task_row(path="redvest.core.tasks.notification_deliver", args=[2], started=now)
    result = jobs_sweep()
    assert result.tasks_failed == 2
    statuses = dict(DBTaskResult.objects.values_list("id", "status"))
    assert statuses[dead_import.pk] == statuses[dead_other.pk] == "FAILED"
    assert statuses[busy_other.pk] == "RUNNING"
    dead_import.refresh_from_db()
    assert dead_import.exception_class_path == "redvest.core.jobs.WorkerLost" and dead_import.finished_at


def test_sweep_keeps_the_task_row_of_a_live_import(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)  # heartbeat fresh: a worker is on it
    row_ = _task_row(path=volunteer_import_run.module_path, args=[imp.pk], started=timezone.now() - LONG_AGO)
    assert jobs_sweep().tasks_failed == 0
    row_.refresh_from_db()
    assert row_.status == "RUNNING"


def test_cron_command_sweeps_stale_imports(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)
    VolunteerImport.objects.filter(pk=imp.pk).update(attempts=import_services.MAX_RESUMES)
    _go_stale(imp)
    out = io.StringIO()
    call_command("jobs_sweep", stdout=out)
    assert "续跑 0 个，标记失败 1 个" in out.getvalue()
    assert VolunteerImport.objects.get(pk=imp.pk).status == ImportStatus.FAILED


def test_db_worker_sweeps_before_taking_tasks(
    ledger: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    imp = _killed_import(ledger, django_capture_on_commit_callbacks)
    _go_stale(imp)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    seen_by_worker: list[str] = []

    def run(self: Any) -> None:  # the worker loop itself is django-tasks-db's; record what it starts from
        seen_by_worker.append(VolunteerImport.objects.get(pk=imp.pk).status)

    out = io.StringIO()
    with mock.patch.object(db_worker.Worker, "run", run), django_capture_on_commit_callbacks(execute=True):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--queue-name", "imports", stdout=out)
    assert seen_by_worker == [ImportStatus.PENDING]
    assert "续跑 1 个" in out.getvalue()
    imp.refresh_from_db()
    assert imp.attempts == 1
    queued = DBTaskResult.objects.get(task_path=volunteer_import_run.module_path, status="READY")
    assert queued.args_kwargs["args"] == [imp.pk]


def test_a_run_the_sweep_gave_up_on_does_not_write_over_its_successor(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A worker too slow (not dead) past the stale threshold: the sweep re-queued its import meanwhile."""
    real_prepare = import_services._prepare

    def sweep_meanwhile(good: Any) -> Any:
        VolunteerImport.objects.update(status=ImportStatus.PENDING, attempts=1)
        return real_prepare(good)

    with mock.patch.object(import_services, "_prepare", side_effect=sweep_meanwhile):
        imp = start(ledger, xlsx([row(1), row(2)]), django_capture_on_commit_callbacks, dry_run=False)
    assert imp.status == ImportStatus.PENDING and Volunteer.objects.count() == 0
