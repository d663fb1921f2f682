"""“My data”: a volunteer downloads their own personal fields, teams, records, points and consents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from redvest.accounts.tests.factories import UserFactory
from redvest.audit.models import AuditEntry
from redvest.orgs.tests.factories import OrgTree
from redvest.points.models import PointsEntry
from redvest.points.tests.factories import EarningRuleFactory
from redvest.records.services import my_data_collect
from redvest.records.tests.factories import post_record
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.services import ConsentChoices, volunteer_self_register
from redvest.volunteers.tests.factories import person

pytestmark = pytest.mark.django_db
PASSWORD = "Vest-2024-pass"


@pytest.fixture
def volunteer(db: Any) -> Any:
    tree = OrgTree()
    EarningRuleFactory(org=tree.county)
    v = volunteer_self_register(
        team=TeamFactory(org=tree.town_a, name="雉城先锋队"),
        data=person(7, work_unit="县医院"),
        password=PASSWORD,
        password_confirm=PASSWORD,
        consents=ConsentChoices(processing=True, sensitive=True),
    )
    post_record(volunteer=v, minutes=120)
    return v


def test_my_data_holds_personal_fields_teams_records_points_and_consents(volunteer: Any) -> None:
    data = my_data_collect(volunteer=volunteer)
    assert data["个人信息"]["姓名"] == "张三7"
    assert data["个人信息"]["证件号码"] == person(7).id_number
    assert data["个人信息"]["手机号"] == person(7).phone and data["个人信息"]["工作单位"] == "县医院"
    assert [m["服务队"] for m in data["服务队关系"]] == ["雉城先锋队"]
    assert [r["时长（分钟）"] for r in data["服务记录"]] == [120]
    assert [e["变动"] for e in data["积分流水"]] == list(
        PointsEntry.objects.filter(account__volunteer=volunteer).order_by("id").values_list("delta", flat=True)
    )
    assert data["积分流水"], "the service record earned points under the county's rule"
    assert {c["同意类型"] for c in data["个人信息处理同意"]} == {"个人信息处理", "敏感个人信息"}


def test_download_is_a_json_attachment_and_audited_as_a_sensitive_view(client: Client, volunteer: Any) -> None:
    client.force_login(volunteer.user)
    response = client.get(reverse("records:my-data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json") and "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["个人信息"]["志愿者编号"] == volunteer.number
    entry = AuditEntry.objects.get(action="view_sensitive", target_id=str(volunteer.pk))
    assert entry.actor == volunteer.user and entry.reason == "本人下载个人数据"


def test_api_download_returns_the_own_data_only(client: Client, volunteer: Any) -> None:
    client.force_login(volunteer.user)
    response = client.get("/api/v1/records/mine/data")
    assert response.status_code == 200 and json.loads(response.content)["个人信息"]["姓名"] == "张三7"
    client.force_login(UserFactory())
    refused = client.get("/api/v1/records/mine/data")
    assert refused.status_code == 404 and refused.json()["code"] == "not_a_volunteer"
