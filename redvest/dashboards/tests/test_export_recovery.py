"""An export whose worker died is failed by the jobs sweep with a Chinese message and can be retried."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from redvest.audit.models import AuditEntry
from redvest.core.errors import Conflict
from redvest.core.jobs import INTERRUPTED_MESSAGE, jobs_sweep
from redvest.dashboards.models import DataExport, ExportStatus
from redvest.dashboards.services import data_export_retry, exports
from redvest.dashboards.tests.factories import County, admin_at
from redvest.dashboards.tests.test_exports import _client, _export

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """Stands in for SIGKILL: the export's own failure handling never runs."""


def _killed_export(world: County, capture: Any) -> DataExport:
    user = admin_at(world.tree.town_a)
    with mock.patch.object(exports, "_write", side_effect=Killed):
        export = _export(user, capture, org_id=world.tree.town_a.pk)
    assert export.status == ExportStatus.RUNNING and export.heartbeat_at is not None
    return export


def _go_stale(export: DataExport) -> None:
    DataExport.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(hours=1))


def test_export_rows_stamp_the_heartbeat(world: County, django_capture_on_commit_callbacks: Any) -> None:
    user = admin_at(world.tree.town_a)
    with (
        mock.patch.object(exports, "HEARTBEAT_ROWS", 1),
        mock.patch.object(exports, "heartbeat", wraps=exports.heartbeat) as beat,
    ):
        export = _export(user, django_capture_on_commit_callbacks, org_id=world.tree.town_a.pk)
    assert export.status == ExportStatus.DONE
    assert export.row_count == export.total == 2
    # the total first (progress 0 of 2), then one stamp per row written
    assert beat.call_count == export.row_count + 1 == 3
    assert [c.kwargs for c in beat.call_args_list] == [
        {"total": 2, "row_count": 0},
        {"row_count": 1, "total": 2},
        {"row_count": 2, "total": 2},
    ]


def test_stale_export_is_failed_in_chinese_and_retried_from_the_page(
    world: County, django_capture_on_commit_callbacks: Any
) -> None:
    export = _killed_export(world, django_capture_on_commit_callbacks)
    _go_stale(export)
    result = jobs_sweep()
    assert (result.resumed, result.failed) == (0, 1)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.error == INTERRUPTED_MESSAGE and export.retryable
    client = _client(export.created_by)
    listing = client.get(reverse("dashboards:export")).content.decode()
    assert INTERRUPTED_MESSAGE in listing and reverse("dashboards:export-retry", args=[export.pk]) in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboards:export-retry", args=[export.pk]))
    assert response.status_code == 302
    export.refresh_from_db()
    assert (export.status, export.row_count, export.error) == (ExportStatus.DONE, 2, "")
    assert AuditEntry.objects.filter(target_type="dashboards.dataexport", reason="重试导出").count() == 1


def test_stale_export_is_retried_through_the_api(world: County, django_capture_on_commit_callbacks: Any) -> None:
    export = _killed_export(world, django_capture_on_commit_callbacks)
    _go_stale(export)
    jobs_sweep()
    client = _client(export.created_by)
    assert client.get(f"/api/v1/dashboards/exports/{export.pk}").json()["retryable"] is True
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/dashboards/exports/{export.pk}/retry")
    assert response.status_code == 202
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    again = client.post(f"/api/v1/dashboards/exports/{export.pk}/retry")
    assert again.status_code == 409 and again.json()["message"] == "只有失败的导出可以重试"


def test_sweep_leaves_a_running_export_with_a_fresh_heartbeat(
    world: County, django_capture_on_commit_callbacks: Any
) -> None:
    export = _killed_export(world, django_capture_on_commit_callbacks)
    assert jobs_sweep().failed == 0
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING
    with pytest.raises(Conflict):
        data_export_retry(actor=export.created_by, export=export)


def test_another_admin_cannot_retry_someone_elses_export(
    world: County, django_capture_on_commit_callbacks: Any
) -> None:
    export = _killed_export(world, django_capture_on_commit_callbacks)
    _go_stale(export)
    jobs_sweep()
    other = _client(admin_at(world.tree.town_b))
    assert other.post(f"/api/v1/dashboards/exports/{export.pk}/retry").status_code == 404
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
