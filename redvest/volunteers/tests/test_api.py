from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from redvest.audit.models import AuditEntry
from redvest.volunteers.models import Volunteer
from redvest.volunteers.tests.factories import make_id_number, member_of

pytestmark = pytest.mark.django_db
URL = "/api/v1/volunteers/"


def payload(ledger: Any, **overrides: Any) -> dict[str, Any]:
    data = {
        "org": ledger.tree.town_a.pk,
        "team": ledger.team_a.pk,
        "name": "周六",
        "id_number": make_id_number(birth=datetime.date(1979, 9, 9), seq=21),
        "phone": "13600001111",
        "political_status": "league_member",
        "skills": ["摄影"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client: Client, ledger: Any) -> Client:
    client.force_login(ledger.admin_a)
    return client


def test_post_registers_and_returns_masked_fields(admin_client: Client, ledger: Any) -> None:
    response = admin_client.post(URL, payload(ledger), content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "周六" and body["phone_masked"] == "136****1111"
    assert body["org_team_id"] == ledger.team_a.pk and body["org_team_name"] == "雉城先锋队"
    assert "13600001111" not in response.content.decode()
    assert body["status"] == "registered" and body["number"].startswith("330522")


def test_post_with_bad_fields_is_400_naming_every_field_and_writes_nothing(admin_client: Client, ledger: Any) -> None:
    response = admin_client.post(
        URL,
        payload(ledger, id_number="123", phone="abc", team=None, guardian_phone="1"),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert set(body["errors"]) >= {"id_number", "phone", "team"}
    assert body["errors"]["id_number"] == "身份证号应为18位，前17位为数字，最后一位为数字或X"
    assert not Volunteer.objects.exists()


def test_post_with_wrong_types_is_422_naming_the_field(admin_client: Client, ledger: Any) -> None:
    response = admin_client.post(URL, payload(ledger, birth_date="not-a-date"), content_type="application/json")
    assert response.status_code == 422
    assert "birth_date" in response.json()["errors"]


def test_post_with_unknown_party_org_names_the_field(admin_client: Client, ledger: Any) -> None:
    response = admin_client.post(URL, payload(ledger, party_org=999999), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"party_org": "所在党组织不存在"}


def test_post_into_another_town_is_403(admin_client: Client, ledger: Any) -> None:
    response = admin_client.post(
        URL, payload(ledger, org=ledger.tree.town_b.pk, team=ledger.team_b.pk), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["message"] == "您无权在该组织下登记志愿者"


def test_duplicate_id_is_400_with_the_masked_org(admin_client: Client, ledger: Any) -> None:
    admin_client.post(URL, payload(ledger), content_type="application/json")
    response = admin_client.post(URL, payload(ledger, phone="13600002222"), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["id_number"] == "该身份证号已在 雉**道 登记，一人只能登记一次"


def test_list_filters_and_pages(admin_client: Client, ledger: Any) -> None:
    for i in range(3):
        member_of(ledger.team_a, name=f"批量{i}")
    member_of(ledger.team_community, name="社区人", political_status="masses")
    body = admin_client.get(URL, {"page_size": 2}).json()
    assert body["count"] == 4 and len(body["items"]) == 2
    assert admin_client.get(URL, {"political_status": "masses"}).json()["count"] == 1
    assert admin_client.get(URL, {"org": ledger.tree.community_a.pk}).json()["items"][0]["name"] == "社区人"
    assert admin_client.get(URL, {"team": ledger.team_a.pk}).json()["count"] == 3
    assert admin_client.get(URL, {"q": "批量"}).json()["count"] == 3


def test_get_one_and_patch_revalidates(admin_client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_a, name="吴七")
    assert admin_client.get(f"{URL}{volunteer.pk}").json()["name"] == "吴七"
    ok = admin_client.patch(f"{URL}{volunteer.pk}", {"work_unit": "县供电局"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["work_unit"] == "县供电局"
    bad = admin_client.patch(f"{URL}{volunteer.pk}", {"phone": "1", "name": ""}, content_type="application/json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"phone", "name"}
    volunteer.refresh_from_db()
    assert volunteer.name == "吴七" and volunteer.work_unit == "县供电局"


def test_status_endpoint_moves_along_the_flow(admin_client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_a, status="pending")
    ok = admin_client.post(f"{URL}{volunteer.pk}/status", {"status": "registered"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "registered"
    bad = admin_client.post(f"{URL}{volunteer.pk}/status", {"status": "pending"}, content_type="application/json")
    assert bad.status_code == 409 and bad.json()["code"] == "invalid_status_change"
    no_reason = admin_client.post(
        f"{URL}{volunteer.pk}/status", {"status": "suspended"}, content_type="application/json"
    )
    assert no_reason.status_code == 400 and no_reason.json()["errors"] == {"reason": "暂停或注销须填写原因"}


def test_reveal_returns_full_values_and_is_audited(admin_client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_a)
    response = admin_client.post(f"{URL}{volunteer.pk}/reveal")
    assert response.status_code == 200
    assert response.json() == {"id_number": volunteer.id_number, "phone": volunteer.phone, "guardian_phone": ""}
    assert AuditEntry.objects.filter(action="view_sensitive", target_id=str(volunteer.pk)).exists()


def test_export_endpoint_queues_an_xlsx_and_serves_it(
    admin_client: Client, ledger: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member_of(ledger.team_a, name="郑八")
    assert admin_client.get(f"{URL}export").status_code == 405  # the export is asked for, never built in the request
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{URL}export")
    assert response.status_code == 202
    file = admin_client.get(response.json()["download_url"])
    assert file.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(file.streaming_content))).active  # type: ignore[attr-defined]
    assert sheet.cell(row=2, column=2).value == "郑八"


def test_api_needs_authentication(client: Client, ledger: Any) -> None:
    assert client.get(URL).status_code == 401


def test_control_character_in_a_text_field_is_refused_with_422_naming_it(admin_client: Client, ledger: Any) -> None:
    response = admin_client.post(URL, payload(ledger, specialties="书法\x00绘画"), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and body["errors"] == {
        "specialties": "含有不可见的控制字符，请删除后重新填写"
    }
    assert not Volunteer.objects.filter(name="周六").exists()


def test_control_character_inside_a_list_names_the_item(admin_client: Client, ledger: Any) -> None:
    response = admin_client.post(URL, payload(ledger, skills=["摄影", "急救\x1b"]), content_type="application/json")
    assert response.status_code == 422 and list(response.json()["errors"]) == ["skills.1"]


def test_control_character_in_a_query_parameter_is_refused(admin_client: Client, ledger: Any) -> None:
    response = admin_client.get(URL, {"q": "周\x07"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["q"]


def test_line_breaks_and_tabs_stay_allowed_in_api_text(admin_client: Client, ledger: Any) -> None:
    response = admin_client.post(URL, payload(ledger, specialties="书法\n绘画\t篆刻"), content_type="application/json")
    assert response.status_code == 201
    assert Volunteer.objects.get(name="周六").specialties == "书法\n绘画\t篆刻"
