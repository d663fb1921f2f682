"""Excel exports: validation writes nothing, the task builds a workbook with the table's headers and rows,
masked unless full values were asked for and allowed, filtered by subtree, period and category; audited."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from redvest.accounts.models import Role, User
from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.dashboards.models import DataExport, ExportStatus
from redvest.dashboards.services import data_export_request
from redvest.dashboards.tests.factories import County, admin_at, months_ago
from redvest.volunteers.excel import EXPORT_COLUMNS

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today


def _export(user: User, capture: Any, **kw: Any) -> DataExport:
    args: dict[str, Any] = {
        "table": "volunteers",
        "start": timezone.localdate() - datetime.timedelta(days=400),
        "end": timezone.localdate(),
        **kw,
    }
    with capture(execute=True):
        export = data_export_request(actor=user, **args)
    export.refresh_from_db()
    return export


def _rows(export: DataExport) -> list[tuple[Any, ...]]:
    with export.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).worksheets[0]
        return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_volunteer_export_uses_the_ledger_columns_and_masks_phones(
    world: County, django_capture_on_commit_callbacks: Any
) -> None:
    user = admin_at(world.tree.town_a)
    export = _export(user, django_capture_on_commit_callbacks, org_id=world.tree.town_a.pk)
    assert (export.status, export.row_count, export.sensitive) == (ExportStatus.DONE, 2, False)
    rows = _rows(export)
    assert rows[0] == tuple(c.header for c in EXPORT_COLUMNS)
    phone = rows[0].index("手机号")
    id_number = rows[0].index("证件号码")
    names = {r[1] for r in rows[1:]}
    assert names == {world.volunteers["town_a"].name, world.volunteers["community_a"].name}
    for row in rows[1:]:
        assert "****" in row[phone] and "*" in row[id_number]
    entry = AuditEntry.objects.get(target_type="dashboards.dataexport", target_id=str(export.pk))
    assert entry.action == "export" and entry.after["sensitive"] is False  # type: ignore[index]


def test_full_values_only_when_asked_for_and_allowed(world: County, django_capture_on_commit_callbacks: Any) -> None:
    user = admin_at(world.tree.town_a)
    export = _export(user, django_capture_on_commit_callbacks, org_id=world.tree.town_a.pk, include_sensitive=True)
    assert export.sensitive
    rows = _rows(export)
    phone = rows[0].index("手机号")
    assert {r[phone] for r in rows[1:]} == {world.volunteers["town_a"].phone, world.volunteers["community_a"].phone}


def test_records_export_filters_period_and_category(world: County, django_capture_on_commit_callbacks: Any) -> None:
    user = admin_at(world.tree.county)
    export = _export(
        user,
        django_capture_on_commit_callbacks,
        table="records",
        org_id=world.tree.town_b.pk,
        start=months_ago(1, day=1),
        end=months_ago(1, day=28),
        category="community",
    )
    rows = _rows(export)
    assert rows[0][:3] == ("记录号", "志愿者编号", "姓名")
    assert len(rows) == 2 and rows[1][8] == 90  # town_b's one credit record of last month
    none = _export(
        user,
        django_capture_on_commit_callbacks,
        table="records",
        org_id=world.tree.town_b.pk,
        start=months_ago(1, day=1),
        end=months_ago(1, day=28),
        category="health",
    )
    assert none.row_count == 0


def test_correction_entries_are_exported_with_negative_minutes(
    world: County, django_capture_on_commit_callbacks: Any
) -> None:
    user = admin_at(world.tree.county)
    export = _export(
        user,
        django_capture_on_commit_callbacks,
        table="records",
        org_id=world.tree.community_a.pk,
        start=months_ago(2, day=1),
        end=months_ago(2, day=28),
    )
    minutes = sorted(r[8] for r in _rows(export)[1:])
    assert minutes == [-120, 45, 120]


def test_request_export_masks_resident_phones(world: County, django_capture_on_commit_callbacks: Any) -> None:
    user = admin_at(world.tree.county)
    export = _export(user, django_capture_on_commit_callbacks, table="requests", org_id=world.tree.county.pk)
    rows = _rows(export)
    phone = rows[0].index("联系电话")
    assert export.row_count == 6
    assert all("****" in r[phone] for r in rows[1:] if r[phone])


@pytest.mark.parametrize(
    "table", ["teams", "activities", "points", "callbacks", "care_visits", "quarterly_reports", "training_sessions"]
)
def test_every_table_exports_with_its_headers(
    world: County, django_capture_on_commit_callbacks: Any, table: str
) -> None:
    user = admin_at(world.tree.county)
    export = _export(
        user,
        django_capture_on_commit_callbacks,
        table=table,
        org_id=world.tree.county.pk,
        end=timezone.localdate() + datetime.timedelta(days=30),
    )
    assert export.status == ExportStatus.DONE
    assert export.row_count > 0
    assert len(_rows(export)) == export.row_count + 1


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"end": months_ago(3), "start": months_ago(1)}, "end"),
        ({"table": "nonsense"}, "table"),
        ({"category": "nonsense"}, "category"),
        ({"table": "teams", "category": "community"}, "category"),
        ({"start": None}, "start"),
        ({"org_id": None}, "org"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_queued(world: County, kw: dict[str, Any], field: str) -> None:
    user = admin_at(world.tree.town_a)
    args: dict[str, Any] = {
        "table": "records",
        "org_id": world.tree.town_a.pk,
        "start": months_ago(3),
        "end": months_ago(1),
    }
    with pytest.raises(ValidationFailed) as exc:
        data_export_request(actor=user, **(args | kw))
    assert field in exc.value.errors
    assert not DataExport.objects.exists()


def test_subtree_outside_scope_is_refused(world: County) -> None:
    user = admin_at(world.tree.town_a)
    with pytest.raises(PermissionDenied, match="不在您的管理范围内"):
        data_export_request(
            actor=user, table="records", org_id=world.tree.town_b.pk, start=months_ago(3), end=months_ago(1)
        )
    assert not DataExport.objects.exists()


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_export_page_queues_lists_and_downloads(world: County, django_capture_on_commit_callbacks: Any) -> None:
    user = admin_at(world.tree.town_a)
    client = _client(user)
    page = client.get(reverse("dashboards:export"))
    assert page.status_code == 200 and "我的导出" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboards:export"),
            {
                "table": "activities",
                "org": world.tree.town_a.pk,
                "category": "community",
                "start": (timezone.localdate() - datetime.timedelta(days=90)).isoformat(),
                "end": timezone.localdate().isoformat(),
            },
        )
    assert response.status_code == 302
    export = DataExport.objects.get()
    listing = client.get(reverse("dashboards:export")).content.decode()
    assert "志愿活动（社区服务）" in listing and "已完成" in listing
    download = client.get(reverse("dashboards:export-download", args=[export.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert AuditEntry.objects.filter(target_type="dashboards.dataexport", reason="下载导出文件").count() == 1


def test_export_page_shows_bad_input_on_the_form(world: County) -> None:
    client = _client(admin_at(world.tree.town_a))
    response = client.post(
        reverse("dashboards:export"),
        {"table": "records", "org": world.tree.town_a.pk, "start": "2026-05-01", "end": "2026-04-01"},
    )
    assert response.status_code == 400
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert not DataExport.objects.exists()


def test_other_users_exports_are_not_listed_or_downloadable(
    world: County, django_capture_on_commit_callbacks: Any
) -> None:
    owner = admin_at(world.tree.town_b)
    export = _export(owner, django_capture_on_commit_callbacks, org_id=world.tree.town_b.pk)
    other = _client(admin_at(world.tree.town_a))
    listing = other.get(reverse("dashboards:export")).content.decode()
    assert "还没有导出记录" in listing
    assert reverse("dashboards:export-download", args=[export.pk]) not in listing
    assert other.get(reverse("dashboards:export-download", args=[export.pk])).status_code == 404


def test_non_admins_get_no_export_page(world: County) -> None:
    client = _client(admin_at(world.tree.town_a, role=Role.DISPATCHER))
    assert client.get(reverse("dashboards:export")).status_code == 403


def test_my_exports_query_count_is_constant(
    world: County, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    from redvest.dashboards.tests.factories import DataExportFactory

    user = admin_at(world.tree.town_a)
    client = _client(user)
    DataExportFactory(created_by=user, org=world.tree.town_a)
    client.get(reverse("dashboards:export-list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("dashboards:export-list"))
    DataExportFactory.create_batch(9, created_by=user, org=world.tree.town_a)
    with CaptureQueriesContext(connection) as ten:
        client.get(reverse("dashboards:export-list"))
    assert len(one.captured_queries) == len(ten.captured_queries)


def test_export_writes_formula_like_names_as_text_and_drops_control_characters(
    world: County, django_capture_on_commit_callbacks: Any
) -> None:
    volunteer = world.volunteers["town_a"]
    volunteer.name = "=1+2\x07"
    volunteer.save(update_fields=["name"])
    export = _export(admin_at(world.tree.town_a), django_capture_on_commit_callbacks, org_id=world.tree.town_a.pk)
    assert export.status == ExportStatus.DONE
    with export.file.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2)]
    [cell] = [c for c in names if c.value == "=1+2"]
    assert cell.data_type == "s"
