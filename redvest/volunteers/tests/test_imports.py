from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from redvest.audit.models import AuditEntry
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.teams.models import Membership
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.excel import IMPORT_COLUMNS
from redvest.volunteers.models import ImportStatus, Volunteer, VolunteerImport, VolunteerStatusChange
from redvest.volunteers.services import volunteer_import_confirm, volunteer_import_start
from redvest.volunteers.services.registry import TRANSFER_HINT
from redvest.volunteers.tests.factories import make_id_number, make_phone, member_of

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in IMPORT_COLUMNS]


def row(seq: int, **overrides: Any) -> dict[str, Any]:
    birth = datetime.date(1970 + seq % 30, 1 + seq % 12, 1 + seq % 28)
    values = {
        "姓名": f"导入{seq}",
        "证件号码": make_id_number(birth=birth, seq=seq % 1000, area=f"{330500 + seq // 1000:06d}"),
        "手机号": make_phone(seq + 5000),
        "政治面貌": "中共党员",
        "服务队": "雉城先锋队",
        "服务技能": "急救、驾驶",
        "服务类别": "社区服务、卫生健康",
    }
    values.update(overrides)
    return values


def xlsx(rows: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    headers = headers or HEADERS
    sheet.append(headers)
    for r in rows:
        sheet.append([r.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def start(ledger: Any, content: bytes, django_capture_on_commit_callbacks: Any, **kwargs: Any) -> VolunteerImport:
    kwargs.setdefault("actor", ledger.admin_a)
    kwargs.setdefault("org", ledger.tree.town_a)
    with django_capture_on_commit_callbacks(execute=True):
        imp = volunteer_import_start(upload=upload(content), **kwargs)
    imp.refresh_from_db()
    return imp


def confirm(imp: VolunteerImport, actor: Any, capture: Any, *, skip_bad_rows: bool = False) -> VolunteerImport:
    with capture(execute=True):
        volunteer_import_confirm(actor=actor, imp=imp, skip_bad_rows=skip_bad_rows)
    imp.refresh_from_db()
    return imp


def test_dry_run_previews_without_writing(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    imp = start(ledger, xlsx([row(1), row(2)]), django_capture_on_commit_callbacks)
    assert imp.status == ImportStatus.PREVIEWED
    assert (imp.total_rows, imp.processed_rows, imp.bad_rows, imp.good_rows) == (2, 2, 0, 2)
    assert not Volunteer.objects.exists()


def test_preview_lists_every_bad_row_with_row_number_and_field(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [
        row(1),
        row(2, 证件号码="330522198001010000", 手机号="123"),
        row(3, 服务队="不存在的队"),
        row(4, 证件号码=row(1)["证件号码"]),
        row(5, 政治面貌="无党派", 出生日期="1980/13/45"),
    ]
    imp = start(ledger, xlsx(rows), django_capture_on_commit_callbacks)
    found = {(e["row"], e["label"], e["message"]) for e in imp.errors}
    assert (3, "证件号码", "身份证号校验位不正确") in found
    assert (3, "手机号", "手机号应为11位中国大陆手机号码") in found
    assert (4, "服务队", "所属组织下找不到服务队“不存在的队”") in found
    assert (5, "证件号码", "与第2行的证件号码重复") in found
    assert (6, "政治面貌", "政治面貌无效，应为中共党员、中共预备党员、共青团员或群众") in found
    assert (6, "出生日期", "日期格式应为 2000-01-31") in found
    assert imp.bad_rows == 4 and imp.good_rows == 1
    assert not Volunteer.objects.exists()


def test_all_or_nothing_writes_nothing_when_any_row_is_bad(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    imp = start(ledger, xlsx([row(1), row(2, 手机号="1")]), django_capture_on_commit_callbacks, dry_run=False)
    assert imp.status == ImportStatus.FAILED
    assert imp.message == "文件中有错误行，按“全部正确才导入”未写入任何数据"
    assert not Volunteer.objects.exists() and not Membership.objects.exists()


def test_confirm_refuses_bad_rows_unless_skipping(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    imp = start(ledger, xlsx([row(1), row(2, 手机号="1")]), django_capture_on_commit_callbacks)
    with pytest.raises(ValidationFailed) as caught:
        volunteer_import_confirm(actor=ledger.admin_a, imp=imp, skip_bad_rows=False)
    assert caught.value.errors == {"skip_bad_rows": "有1行错误：请修改后重新上传，或选择“只导入正确行”"}
    assert not Volunteer.objects.exists()


def test_confirmed_import_writes_volunteers_memberships_history_and_audit(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [row(1), row(2, 所属组织="城东社区", 服务队="城东服务队", 所在党组织="雉城街道")]
    imp = start(ledger, xlsx(rows), django_capture_on_commit_callbacks)
    imp = confirm(imp, ledger.admin_a, django_capture_on_commit_callbacks)
    assert imp.status == ImportStatus.DONE and imp.created_count == 2
    first, second = Volunteer.objects.order_by("id")
    assert first.org == ledger.tree.town_a and first.org_team == ledger.team_a
    assert second.org == ledger.tree.community_a and second.org_team == ledger.team_community
    assert second.party_org == ledger.tree.town_a
    assert first.skills == ["急救", "驾驶"] and first.service_categories == ["community", "health"]
    assert first.phone == row(1)["手机号"] and first.id_number == row(1)["证件号码"]
    year = datetime.date.today().year
    assert {first.number, second.number} == {f"330522{year}000001", f"330522{year}000002"}
    assert VolunteerStatusChange.objects.filter(to_status="registered").count() == 2
    assert (
        AuditEntry.objects.filter(target_type="volunteers.volunteer", action="create", actor=ledger.admin_a).count()
        == 2
    )


def test_skip_bad_rows_imports_good_rows_and_reports_the_rest(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    imp = start(ledger, xlsx([row(1), row(2, 手机号="1"), row(3)]), django_capture_on_commit_callbacks)
    imp = confirm(imp, ledger.admin_a, django_capture_on_commit_callbacks, skip_bad_rows=True)
    assert imp.status == ImportStatus.DONE and imp.created_count == 2 and imp.bad_rows == 1
    assert set(Volunteer.objects.values_list("name", flat=True)) == {"导入1", "导入3"}
    client.force_login(ledger.admin_a)
    report = client.get(reverse("volunteers:import-report", args=[imp.pk]))
    sheet = load_workbook(io.BytesIO(report.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0][:3] == ("原行号", "错误说明", "姓名*") or lines[0][:3] == ("原行号", "错误说明", "姓名")
    assert lines[1][0] == 3 and "手机号：手机号应为11位中国大陆手机号码" in lines[1][1] and lines[1][2] == "导入2"
    assert len(lines) == 2


def test_ids_already_in_the_ledger_are_row_errors(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    existing = member_of(ledger.team_b)
    imp = start(ledger, xlsx([row(1, 证件号码=existing.id_number)]), django_capture_on_commit_callbacks)
    assert imp.errors == [
        {
            "row": 2,
            "field": "id_number",
            "label": "证件号码",
            "message": "该身份证号已在 画**道 登记，一人只能登记一次" + TRANSFER_HINT,  # another subtree: 转移接续
        }
    ]


def test_team_name_is_looked_up_in_the_rows_org_subtree(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    TeamFactory(org=ledger.tree.community_a, name="雉城先锋队")  # same name below town_a: ambiguous there
    rows = [row(1), row(2, 所属组织="城东社区"), row(3, 所属组织="画溪街道")]
    imp = start(ledger, xlsx(rows), django_capture_on_commit_callbacks)
    messages = {(e["row"], e["message"]) for e in imp.errors}
    assert (2, "服务队“雉城先锋队”在所属组织下不唯一，请填写更具体的所属组织") in messages
    assert (4, "在雉城街道下找不到组织“画溪街道”") in messages
    assert all(e["row"] != 3 for e in imp.errors)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a spreadsheet", "a.xlsx", "无法读取该文件，请上传由模板填写的 .xlsx 文件"),
        (None, "a.xlsx", "缺少必填列：证件号码、手机号（请使用下载的模板）"),
    ],
)
def test_unreadable_files_fail_with_a_message(
    ledger: Any, django_capture_on_commit_callbacks: Any, content: bytes | None, name: str, message: str
) -> None:
    data = content if content is not None else xlsx([row(1)], headers=["姓名", "政治面貌", "服务队"])
    imp = start(ledger, data, django_capture_on_commit_callbacks)
    assert imp.status == ImportStatus.FAILED and imp.message == message


def test_upload_checks_file_type_and_permission(ledger: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        volunteer_import_start(actor=ledger.admin_a, org=ledger.tree.town_a, upload=upload(b"x", "a.csv"))
    assert caught.value.errors == {"file": "仅支持 .xlsx 格式的Excel文件，请使用下载的模板"}
    with pytest.raises(PermissionDenied):
        volunteer_import_start(actor=ledger.admin_a, org=ledger.tree.town_b, upload=upload(xlsx([row(1)])))
    assert not VolunteerImport.objects.exists()


def test_upload_page_previews_then_confirm_imports(
    client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(ledger.admin_a)
    assert client.get(reverse("volunteers:import-create")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("volunteers:import-create"), {"org": ledger.tree.town_a.pk, "file": upload(xlsx([row(1), row(2)]))}
        )
    imp = VolunteerImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:import-detail", args=[imp.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "预检完成" in detail and "确认导入" in detail and "every 1s" not in detail
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("volunteers:import-confirm", args=[imp.pk])).status_code == 302
    assert Volunteer.objects.count() == 2
    again = client.post(reverse("volunteers:import-confirm", args=[imp.pk]))
    assert again.status_code == 409 and "不能确认导入" in again.content.decode()


def test_progress_partial_polls_while_running(client: Client, ledger: Any) -> None:
    imp = VolunteerImport.objects.create(
        org=ledger.tree.town_a,
        file=upload(xlsx([row(1)])),
        created_by=ledger.admin_a,
        status=ImportStatus.RUNNING,
        total_rows=200,
        processed_rows=50,
    )
    client.force_login(ledger.admin_a)
    body = client.get(
        reverse("volunteers:import-progress", args=[imp.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 1s"' in body and "已处理 50 / 200 行" in body and "pct-25" in body


def test_other_towns_import_is_not_found(client: Client, ledger: Any) -> None:
    imp = VolunteerImport.objects.create(org=ledger.tree.town_b, file=upload(xlsx([row(1)])), created_by=ledger.admin_b)
    client.force_login(ledger.admin_a)
    assert client.get(reverse("volunteers:import-detail", args=[imp.pk])).status_code == 404
    assert client.get(f"/api/v1/volunteers/imports/{imp.pk}").status_code == 404


def test_upload_page_shows_form_errors(client: Client, ledger: Any) -> None:
    client.force_login(ledger.admin_a)
    response = client.post(reverse("volunteers:import-create"), {"org": ledger.tree.town_a.pk})
    assert response.status_code == 400 and "请选择要上传的Excel文件" in response.content.decode()


def test_template_download_has_every_column_and_instructions(client: Client, ledger: Any) -> None:
    client.force_login(ledger.admin_a)
    response = client.get(reverse("volunteers:import-template"))
    workbook = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in workbook["志愿者"][1]]
    assert headers[:3] == ["姓名*", "证件类型", "证件号码*"] and len(headers) == len(IMPORT_COLUMNS)
    assert workbook["填写说明"].cell(row=2, column=1).value == "姓名"


def test_api_import_upload_and_status(client: Client, ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    client.force_login(ledger.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/volunteers/imports",
            {"org": ledger.tree.town_a.pk, "file": upload(xlsx([row(1), row(2, 手机号="1")])), "dry_run": "true"},
        )
    assert response.status_code == 202
    imp_id = response.json()["id"]
    status = client.get(f"/api/v1/volunteers/imports/{imp_id}").json()
    assert status["status"] == "previewed" and status["percent"] == 100
    assert status["errors"] == [
        {"row": 3, "field": "phone", "label": "手机号", "message": "手机号应为11位中国大陆手机号码"}
    ]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            f"/api/v1/volunteers/imports/{imp_id}/confirm", {"skip_bad_rows": True}, content_type="application/json"
        )
    assert done.status_code == 202
    assert client.get(f"/api/v1/volunteers/imports/{imp_id}").json()["created_count"] == 1


def test_api_import_without_file_is_422(client: Client, ledger: Any) -> None:
    client.force_login(ledger.admin_a)
    response = client.post("/api/v1/volunteers/imports", {"org": ledger.tree.town_a.pk})
    assert response.status_code == 422
    assert any(name.startswith("file") for name in response.json()["errors"])


def test_ten_thousand_rows_import_completely(ledger: Any, django_capture_on_commit_callbacks: Any) -> None:
    """Completeness at scale; the one-minute target is measured in `make bench` (bench/import_bench.py)."""
    content = xlsx([row(i) for i in range(1, 10_001)])
    imp = start(ledger, content, django_capture_on_commit_callbacks, dry_run=False)
    assert imp.status == ImportStatus.DONE, imp.errors[:5]
    assert imp.created_count == 10_000 and Volunteer.objects.count() == 10_000
    assert Membership.objects.filter(team=ledger.team_a).count() == 10_000
    assert len(set(Volunteer.objects.values_list("number", flat=True))) == 10_000


def test_control_characters_and_line_breaks_in_cells_are_row_errors_naming_the_column(
    ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [row(1, 特长="书法\x7f"), row(2, 姓名="王\n五"), row(3, 服务岗位="宣讲\t员")]
    imp = start(ledger, xlsx(rows), django_capture_on_commit_callbacks, dry_run=False)
    found = {(e["row"], e["label"], e["message"]) for e in imp.errors}
    assert found == {
        (2, "特长", "含有不可见的控制字符，请删除后重新填写"),
        (3, "姓名", "此项为单行文本，不能包含换行符或制表符"),
        (4, "服务岗位", "此项为单行文本，不能包含换行符或制表符"),
    }
    assert imp.status == ImportStatus.FAILED and not Volunteer.objects.exists()


def test_a_bulk_import_refreshes_the_planners_statistics(
    ledger: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysed: list[tuple[type, ...]] = []
    monkeypatch.setattr("redvest.volunteers.services.imports.BULK_ROWS", 2)
    monkeypatch.setattr("redvest.volunteers.services.imports.analyze", lambda *tables: analysed.append(tables))
    imp = start(ledger, xlsx([row(1)]), django_capture_on_commit_callbacks)
    confirm(imp, ledger.admin_a, django_capture_on_commit_callbacks)
    assert analysed == []  # one row: left to autovacuum
    imp = start(ledger, xlsx([row(2), row(3)]), django_capture_on_commit_callbacks)
    confirm(imp, ledger.admin_a, django_capture_on_commit_callbacks)
    assert analysed == [(Volunteer, VolunteerStatusChange)]
