from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from redvest.accounts.tests.factories import UserFactory
from redvest.audit.models import AuditEntry
from redvest.volunteers.excel import EXPORT_COLUMNS
from redvest.volunteers.tests.factories import member_of

pytestmark = pytest.mark.django_db


def sheet_rows(content: bytes) -> list[dict[str, Any]]:
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == [c.header for c in EXPORT_COLUMNS]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_export_is_masked_without_an_org_filter_and_audited(client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_a, name="钱九", raw_phone="13912345678")
    client.force_login(ledger.admin_a)
    response = client.get(reverse("volunteers:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    [line] = sheet_rows(response.content)
    assert line["证件号码"] == volunteer.id_number_masked and line["手机号"] == "139****5678"
    assert line["志愿者编号"] == volunteer.number and line["服务队"] == "雉城先锋队" and line["状态"] == "已注册"
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == ledger.admin_a and entry.after["count"] == 1 and entry.after["sensitive"] is False


def test_admin_exporting_their_own_subtree_gets_full_values(client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_community, raw_phone="13912345678")
    client.force_login(ledger.admin_a)
    [line] = sheet_rows(client.get(reverse("volunteers:export"), {"org": ledger.tree.town_a.pk}).content)
    assert line["证件号码"] == volunteer.id_number and line["手机号"] == "13912345678"
    entry = AuditEntry.objects.get(action="export")
    assert entry.org == ledger.tree.town_a and entry.after["sensitive"] is True
    assert entry.reason == "导出志愿者台账（含完整证件号码和手机号）"


def test_exporting_a_subtree_above_ones_own_stays_masked_and_scoped(client: Client, ledger: Any) -> None:
    mine = member_of(ledger.team_a)
    member_of(ledger.team_b)
    client.force_login(ledger.admin_a)
    rows = sheet_rows(client.get(reverse("volunteers:export"), {"org": ledger.tree.county.pk}).content)
    assert [r["姓名"] for r in rows] == [mine.name]
    assert rows[0]["证件号码"] == mine.id_number_masked


def test_team_leader_export_is_masked_and_only_their_members(client: Client, ledger: Any) -> None:
    leader_user = UserFactory()
    leader = member_of(ledger.team_a, user=leader_user)
    ledger.team_a.leader = leader
    ledger.team_a.save()
    member_of(ledger.team_community)
    client.force_login(leader_user)
    rows = sheet_rows(client.get(reverse("volunteers:export"), {"org": ledger.tree.town_a.pk}).content)
    assert [r["姓名"] for r in rows] == [leader.name]
    assert rows[0]["证件号码"] == leader.id_number_masked


def test_export_follows_the_list_filters(client: Client, ledger: Any) -> None:
    member_of(ledger.team_a, political_status="masses", name="群众甲")
    member_of(ledger.team_a, name="党员乙")
    client.force_login(ledger.admin_a)
    rows = sheet_rows(client.get(reverse("volunteers:export"), {"political_status": "masses"}).content)
    assert [r["姓名"] for r in rows] == ["群众甲"] and rows[0]["政治面貌"] == "群众"


def test_export_survives_control_characters_and_writes_formulas_as_text(client: Client, ledger: Any) -> None:
    # Rows stored before input was checked: a control character in 特长 used to fail the whole export with a 500.
    member_of(ledger.team_a, specialties="书法\x08绘画\x1b", service_post='=HYPERLINK("http://example.com","点击查看")')
    client.force_login(ledger.admin_a)
    response = client.get(reverse("volunteers:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    row = sheet[2]
    assert row[headers.index("特长")].value == "书法绘画"
    post = row[headers.index("服务岗位")]
    assert post.data_type == "s" and post.value == '=HYPERLINK("http://example.com","点击查看")'
