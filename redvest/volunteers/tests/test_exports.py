"""The ledger export runs in the background: the page (or API) queues it and shows its progress, the task
streams xlsx or CSV; masking, scope, filters and the audit row are the same as when it ran in the request."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from redvest.accounts.tests.factories import UserFactory
from redvest.audit.models import AuditEntry
from redvest.core.crypto import encrypt
from redvest.dashboards.models import DataExport, ExportStatus
from redvest.dashboards.services import data_export_run
from redvest.dashboards.tests.export_helpers import queued_export
from redvest.volunteers import selectors
from redvest.volunteers.excel import EXPORT_COLUMNS
from redvest.volunteers.tests.factories import member_of

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in EXPORT_COLUMNS]


def sheet_rows(content: bytes) -> list[dict[str, Any]]:
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def csv_rows(content: bytes) -> list[dict[str, Any]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel opens the Chinese correctly
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def export_via_page(
    client: Client, capture: Callable[..., Any], params: dict[str, Any] | None = None, fmt: str = "xlsx"
) -> tuple[DataExport, bytes]:
    """Ask for the export as the list page does, let the task run, then download it as the page links it."""
    url = reverse("volunteers:export") + (f"?{urlencode(params)}" if params else "")
    return queued_export(client, capture, url, fmt=fmt)


def ledger_audit() -> AuditEntry:
    return AuditEntry.objects.get(action="export", reason__startswith="导出志愿者台账")


def test_export_is_masked_without_an_org_filter_and_audited(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    volunteer = member_of(ledger.team_a, name="钱九", raw_phone="13912345678")
    client.force_login(ledger.admin_a)
    export, content = export_via_page(client, django_capture_on_commit_callbacks)
    assert (export.status, export.row_count, export.total, export.sensitive) == (ExportStatus.DONE, 1, 1, False)
    [line] = sheet_rows(content)
    assert line["证件号码"] == volunteer.id_number_masked and line["手机号"] == "139****5678"
    assert line["志愿者编号"] == volunteer.number and line["服务队"] == "雉城先锋队" and line["状态"] == "已注册"
    entry = ledger_audit()
    assert entry.actor == ledger.admin_a and entry.after["count"] == 1 and entry.after["sensitive"] is False


def test_admin_exporting_their_own_subtree_gets_full_values(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    volunteer = member_of(ledger.team_community, raw_phone="13912345678")
    client.force_login(ledger.admin_a)
    _, content = export_via_page(client, django_capture_on_commit_callbacks, {"org": ledger.tree.town_a.pk})
    [line] = sheet_rows(content)
    assert line["证件号码"] == volunteer.id_number and line["手机号"] == "13912345678"
    entry = ledger_audit()
    assert entry.org == ledger.tree.town_a and entry.after["sensitive"] is True
    assert entry.reason == "导出志愿者台账（含完整证件号码和手机号）"


def test_csv_export_has_the_same_rows_masking_and_guards(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member_of(ledger.team_a, name="钱九", raw_phone="13912345678", specialties="书法\x08绘画", service_post="=1+2")
    client.force_login(ledger.admin_a)
    export, content = export_via_page(client, django_capture_on_commit_callbacks, fmt="csv")
    assert export.format == "csv" and str(export.file.name).endswith(".csv")
    [line] = csv_rows(content)
    assert line["姓名"] == "钱九" and line["手机号"] == "139****5678"
    assert line["特长"] == "书法绘画" and line["服务岗位"] == "'=1+2"
    assert ledger_audit().after["format"] == "csv"


def test_exporting_a_subtree_above_ones_own_stays_masked_and_scoped(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mine = member_of(ledger.team_a)
    member_of(ledger.team_b)
    client.force_login(ledger.admin_a)
    _, content = export_via_page(client, django_capture_on_commit_callbacks, {"org": ledger.tree.county.pk})
    rows = sheet_rows(content)
    assert [r["姓名"] for r in rows] == [mine.name]
    assert rows[0]["证件号码"] == mine.id_number_masked


def test_team_leader_export_is_masked_and_only_their_members(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    leader_user = UserFactory()
    leader = member_of(ledger.team_a, user=leader_user)
    ledger.team_a.leader = leader
    ledger.team_a.save()
    member_of(ledger.team_community)
    client.force_login(leader_user)
    _, content = export_via_page(client, django_capture_on_commit_callbacks, {"org": ledger.tree.town_a.pk})
    rows = sheet_rows(content)
    assert [r["姓名"] for r in rows] == [leader.name]
    assert rows[0]["证件号码"] == leader.id_number_masked


def test_export_follows_the_list_filters(client: Client, ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    member_of(ledger.team_a, political_status="masses", name="群众甲")
    member_of(ledger.team_a, name="党员乙")
    client.force_login(ledger.admin_a)
    _, content = export_via_page(client, django_capture_on_commit_callbacks, {"political_status": "masses"})
    rows = sheet_rows(content)
    assert [r["姓名"] for r in rows] == ["群众甲"] and rows[0]["政治面貌"] == "群众"


def test_export_survives_control_characters_and_writes_formulas_as_text(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Rows stored before input was checked: a control character in 特长 used to fail the whole export with a 500.
    member_of(ledger.team_a, specialties="书法\x08绘画\x1b", service_post='=HYPERLINK("http://example.com","点击查看")')
    client.force_login(ledger.admin_a)
    _, content = export_via_page(client, django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [c.value for c in sheet[1]]
    row = sheet[2]
    assert row[headers.index("特长")].value == "书法绘画"
    post = row[headers.index("服务岗位")]
    assert post.data_type == "s" and post.value == '=HYPERLINK("http://example.com","点击查看")'


def test_export_page_refuses_get_and_an_unknown_format(client: Client, ledger: Any) -> None:
    client.force_login(ledger.admin_a)
    assert client.get(reverse("volunteers:export")).status_code == 405
    response = client.post(reverse("volunteers:export"), {"format": "pdf"})
    assert response.status_code == 400 and "请选择 Excel 或 CSV 格式" in response.content.decode()
    assert not DataExport.objects.exists() and not AuditEntry.objects.filter(action="export").exists()


def test_api_queues_with_202_then_reports_progress_and_serves_the_file(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member_of(ledger.team_a, name="钱九")
    client.force_login(ledger.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/volunteers/export?org={ledger.tree.town_a.pk}&format=csv")
    assert response.status_code == 202
    ticket = response.json()
    status = client.get(ticket["status_url"]).json()
    assert (status["status"], status["format"], status["row_count"], status["total"], status["percent"]) == (
        "done",
        "csv",
        1,
        1,
        100,
    )
    file = client.get(ticket["download_url"])
    assert file.status_code == 200
    assert [r["姓名"] for r in csv_rows(b"".join(file.streaming_content))] == ["钱九"]  # type: ignore[attr-defined]
    assert client.post("/api/v1/volunteers/export?format=pdf").status_code == 422


def _queries_per_run(ledger: Any, count: int, fmt: str) -> int:
    for i in range(count):
        member_of(ledger.team_a if i % 2 else ledger.team_community, party_org=ledger.tree.town_a)
    export = DataExport.objects.create(
        table="volunteer_ledger",
        org=ledger.tree.town_a,
        params={"org_id": ledger.tree.town_a.pk},
        format=fmt,
        sensitive=True,
        created_by=ledger.admin_a,
    )
    with CaptureQueriesContext(connection) as queries:
        export = data_export_run(export_id=export.pk)
    assert export.status == ExportStatus.DONE and export.row_count == export.total
    return len(queries)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_task_costs_the_same_queries_whatever_the_number_of_rows_and_chunks(
    ledger: Any, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In chunks of 10: 10 rows are one chunk, 50 rows five; the rows (with their org, party org and team
    names) are one query streamed in chunks, so the run costs the same queries either way."""
    from redvest.dashboards.services import exports as job

    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 10)
    monkeypatch.setattr(job, "HEARTBEAT_ROWS", 1000)  # no heartbeat inside the loop at these sizes
    ten = _queries_per_run(ledger, 10, fmt)
    fifty = _queries_per_run(ledger, 40, fmt)  # 10 + 40 = 50 rows in the subtree
    assert fifty == ten


def test_every_column_of_a_full_value_row_reads_back_from_the_stored_volunteer(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row built from stored values (labels, names, decrypted or masked numbers, local time) says what
    the volunteer's record says, column by column, in both formats — across chunk boundaries too."""
    import datetime

    from django.utils import timezone

    monkeypatch.setattr(selectors, "EXPORT_CHUNK", 2)
    minor = member_of(
        ledger.team_community,
        name="少年甲",
        party_org=ledger.tree.town_a,
        political_status="league_member",
        skills=["急救", "驾驶"],
        service_categories=["community", "health"],
        work_unit="雉城中学",
        recruitment_source="self",
        guardian_name="家长甲",
        guardian_phone_encrypted=encrypt("13800001111"),
        guardian_consent_date=datetime.date(2026, 5, 1),
        guardian_note="随监护人参加",
        raw_phone="13912345678",
    )
    member_of(ledger.team_a)
    member_of(ledger.team_a)
    client.force_login(ledger.admin_a)
    expected = {
        "志愿者编号": minor.number,
        "姓名": "少年甲",
        "证件类型": "居民身份证",
        "证件号码": minor.id_number,
        "性别": "男",
        "出生日期": minor.birth_date.isoformat(),
        "手机号": "13912345678",
        "政治面貌": "共青团员",
        "所属组织": ledger.tree.community_a.name,
        "服务队": "城东服务队",
        "所在党组织": ledger.tree.town_a.name,
        "工作单位": "雉城中学",
        "服务技能": "急救、驾驶",
        "服务类别": "社区服务、卫生健康",
        "招募来源": "个人自荐",
        "监护人姓名": "家长甲",
        "监护人手机号": "13800001111",
        "监护人同意日期": "2026-05-01",
        "监护说明": "随监护人参加",
        "状态": "已注册",
        "登记时间": timezone.localtime(minor.created_at).strftime("%Y-%m-%d %H:%M"),
    }
    _, content = export_via_page(client, django_capture_on_commit_callbacks, {"org": ledger.tree.town_a.pk})
    [row] = [r for r in sheet_rows(content) if r["姓名"] == "少年甲"]
    assert {k: row[k] for k in expected} == expected
    _, content = export_via_page(client, django_capture_on_commit_callbacks, {"org": ledger.tree.town_a.pk}, "csv")
    rows = csv_rows(content)
    assert len(rows) == 3
    [row] = [r for r in rows if r["姓名"] == "少年甲"]
    assert {k: row[k] for k in expected} == expected
    # Masked where the user may not see full values: the guardian's phone too.
    _, content = export_via_page(client, django_capture_on_commit_callbacks)
    [row] = [r for r in sheet_rows(content) if r["姓名"] == "少年甲"]
    assert (row["证件号码"], row["手机号"], row["监护人手机号"]) == (
        minor.id_number_masked,
        "139****5678",
        "138****1111",
    )


def test_progress_is_stamped_with_the_heartbeat(ledger: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from redvest.dashboards.services import exports as job

    seen: list[dict[str, Any]] = []
    real = job.heartbeat
    monkeypatch.setattr(job, "HEARTBEAT_ROWS", 2)
    monkeypatch.setattr(job, "heartbeat", lambda model, pk, **fields: (seen.append(fields), real(model, pk, **fields)))
    for _ in range(5):
        member_of(ledger.team_a)
    export = DataExport.objects.create(
        table="volunteer_ledger",
        org=ledger.tree.town_a,
        params={"org_id": ledger.tree.town_a.pk},
        created_by=ledger.admin_a,
    )
    export = data_export_run(export_id=export.pk)
    assert seen == [
        {"total": 5, "row_count": 0},
        {"row_count": 2, "total": 5},
        {"row_count": 4, "total": 5},
    ]
    assert (export.row_count, export.total, export.percent) == (5, 5, 100)


def test_a_ledger_export_whose_worker_died_is_failed_then_retried_by_its_requester(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import datetime

    from django.utils import timezone

    from redvest.core.jobs import INTERRUPTED_MESSAGE, jobs_sweep

    member_of(ledger.team_a, name="钱九")
    export = DataExport.objects.create(
        table="volunteer_ledger",
        org=ledger.tree.town_a,
        params={"org_id": ledger.tree.town_a.pk},
        created_by=ledger.admin_a,
        status=ExportStatus.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
        row_count=500,
        total=1000,
    )
    assert (jobs_sweep().failed, DataExport.objects.get(pk=export.pk).error) == (1, INTERRUPTED_MESSAGE)
    client.force_login(ledger.admin_a)
    status = client.get(reverse("dashboards:export-status", args=[export.pk])).content.decode()
    assert INTERRUPTED_MESSAGE in status and reverse("dashboards:export-retry", args=[export.pk]) in status
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("dashboards:export-retry", args=[export.pk])).status_code == 302
    export.refresh_from_db()
    assert (export.status, export.row_count, export.total) == (ExportStatus.DONE, 1, 1)
