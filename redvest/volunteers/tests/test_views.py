from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from redvest.accounts.tests.factories import UserFactory
from redvest.audit.models import AuditEntry
from redvest.volunteers.models import Volunteer, VolunteerStatus
from redvest.volunteers.tests.factories import make_id_number, make_phone, member_of

pytestmark = pytest.mark.django_db


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def form_data(ledger: Any, **overrides: Any) -> dict[str, Any]:
    import datetime

    data = {
        "org": ledger.tree.town_a.pk,
        "team": ledger.team_a.pk,
        "name": "王五",
        "id_type": "resident_id",
        "id_number": make_id_number(birth=datetime.date(1988, 3, 3), seq=11),
        "phone": make_phone(77),
        "political_status": "party_member",
        "skills": "急救、驾驶",
        "service_categories": ["community", "health"],
    }
    data.update(overrides)
    return data


def test_admin_registers_a_volunteer_through_the_form(client: Client, ledger: Any) -> None:
    login(client, ledger.admin_a)
    page = client.get(reverse("volunteers:volunteer-create"))
    assert page.status_code == 200
    assert "雉城先锋队" in page.content.decode() and "画溪先锋队" not in page.content.decode()
    response = client.post(reverse("volunteers:volunteer-create"), form_data(ledger))
    volunteer = Volunteer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:volunteer-detail", args=[volunteer.pk])
    assert volunteer.skills == ["急救", "驾驶"] and volunteer.service_categories == ["community", "health"]


def test_bad_registration_shows_every_chinese_error_with_400_and_writes_nothing(client: Client, ledger: Any) -> None:
    login(client, ledger.admin_a)
    response = client.post(
        reverse("volunteers:volunteer-create"),
        form_data(ledger, id_number="330522198803030000", phone="123", name=""),
    )
    body = response.content.decode()
    assert response.status_code == 400
    for message in ("身份证号校验位不正确", "手机号应为11位中国大陆手机号码", "请填写姓名"):
        assert message in body
    assert not Volunteer.objects.exists()


def test_create_form_org_picker_lists_only_nodes_the_user_manages(client: Client, ledger: Any) -> None:
    login(client, ledger.admin_a)
    body = client.get(reverse("volunteers:volunteer-create")).content.decode()
    assert "雉城街道" in body and "城东社区" in body and "画溪街道" not in body


def test_posting_an_org_outside_the_users_management_is_a_form_error(client: Client, ledger: Any) -> None:
    login(client, ledger.admin_a)
    response = client.post(reverse("volunteers:volunteer-create"), form_data(ledger, org=ledger.tree.town_b.pk))
    assert response.status_code == 400
    assert not Volunteer.objects.exists()


def test_team_options_narrow_to_the_chosen_org(client: Client, ledger: Any) -> None:
    login(client, ledger.county_admin)
    body = client.get(reverse("volunteers:team-options"), {"org": ledger.tree.community_a.pk}).content.decode()
    assert "城东服务队" in body and "雉城先锋队" not in body


def test_volunteer_cannot_open_the_registration_form(client: Client, ledger: Any) -> None:
    user = UserFactory()
    member_of(ledger.team_a, user=user)
    login(client, user)
    response = client.get(reverse("volunteers:volunteer-create"))
    assert response.status_code == 403
    assert "您没有可登记志愿者的组织" in response.content.decode()


def test_list_shows_masked_columns_and_filters(client: Client, ledger: Any) -> None:
    a = member_of(ledger.team_a, name="赵一", raw_phone="13811112222")
    member_of(ledger.team_community, name="钱二", status=VolunteerStatus.PENDING)
    login(client, ledger.admin_a)
    url = reverse("volunteers:volunteer-list")
    body = client.get(url).content.decode()
    assert a.id_number_masked in body and "138****2222" in body and "13811112222" not in body
    assert "赵一" in client.get(url, {"phone": "138-1111-2222"}).content.decode()
    assert "钱二" not in client.get(url, {"phone": "138-1111-2222"}).content.decode()
    assert "赵一" in client.get(url, {"id_number": a.id_number.lower()}).content.decode()
    assert "赵一" not in client.get(url, {"status": "pending"}).content.decode()
    assert "赵一" in client.get(url, {"q": "赵"}).content.decode()
    assert "赵一" in client.get(url, {"q": a.number[:8]}).content.decode()
    by_org = client.get(url, {"org": ledger.tree.community_a.pk}).content.decode()
    assert "钱二" in by_org and "赵一" not in by_org
    assert "雉城先锋队" in body  # current org team column


def test_list_ignores_unparsable_filters(client: Client, ledger: Any) -> None:
    login(client, ledger.admin_a)
    response = client.get(reverse("volunteers:volunteer-list"), {"org": "abc", "status": "x", "page": "-3"})
    assert response.status_code == 200


def test_detail_is_masked_and_reveal_is_audited(client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_a, raw_phone="13811112222")
    login(client, ledger.admin_a)
    detail = client.get(reverse("volunteers:volunteer-detail", args=[volunteer.pk])).content.decode()
    assert "138****2222" in detail and "查看完整信息" in detail and volunteer.id_number not in detail
    reveal = client.post(reverse("volunteers:volunteer-reveal", args=[volunteer.pk]), headers={"HX-Request": "true"})
    assert reveal.status_code == 200
    assert volunteer.id_number in reveal.content.decode() and "13811112222" in reveal.content.decode()
    assert AuditEntry.objects.filter(action="view_sensitive", target_id=str(volunteer.pk)).count() == 1


def test_team_leader_sees_no_reveal_button_and_reveal_is_403(client: Client, ledger: Any) -> None:
    leader_user = UserFactory()
    leader = member_of(ledger.team_a, user=leader_user)
    ledger.team_a.leader = leader
    ledger.team_a.save()
    volunteer = member_of(ledger.team_a)
    login(client, leader_user)
    detail = client.get(reverse("volunteers:volunteer-detail", args=[volunteer.pk]))
    assert detail.status_code == 200 and "查看完整信息" not in detail.content.decode()
    reveal = client.post(reverse("volunteers:volunteer-reveal", args=[volunteer.pk]), headers={"HX-Request": "true"})
    assert reveal.status_code == 403
    assert "您无权查看完整的证件号码和手机号" in reveal.content.decode()
    assert not AuditEntry.objects.filter(action="view_sensitive").exists()


def test_status_form_approves_and_shows_history(client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_a, status=VolunteerStatus.PENDING)
    login(client, ledger.admin_a)
    response = client.post(reverse("volunteers:volunteer-status", args=[volunteer.pk]), {"status": "registered"})
    assert response.status_code == 302
    detail = client.get(reverse("volunteers:volunteer-detail", args=[volunteer.pk])).content.decode()
    assert "待审核 → 已注册" in detail


def test_status_form_without_reason_shows_the_error(client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_a)
    login(client, ledger.admin_a)
    response = client.post(reverse("volunteers:volunteer-status", args=[volunteer.pk]), {"status": "suspended"})
    assert response.status_code == 400
    assert "暂停或注销须填写原因" in response.content.decode()


def test_status_change_outside_the_flow_is_a_409_with_message(client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_a, status=VolunteerStatus.DEREGISTERED)
    login(client, ledger.admin_a)
    response = client.post(
        reverse("volunteers:volunteer-status", args=[volunteer.pk]), {"status": "registered", "reason": "x"}
    )
    assert response.status_code == 409
    assert "不能从“注销”改为“已注册”" in response.content.decode()


def test_edit_page_prefills_and_saves(client: Client, ledger: Any) -> None:
    volunteer = member_of(ledger.team_a, name="孙三")
    login(client, ledger.admin_a)
    url = reverse("volunteers:volunteer-edit", args=[volunteer.pk])
    page = client.get(url).content.decode()
    assert volunteer.id_number in page  # the editor of the record sees what they edit
    data = {
        "name": "孙三丰",
        "id_type": "resident_id",
        "id_number": volunteer.id_number,
        "phone": volunteer.phone,
        "political_status": "masses",
    }
    assert client.post(url, data).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.name == "孙三丰" and volunteer.political_status == "masses"
    bad = client.post(url, data | {"phone": "1"})
    assert bad.status_code == 400 and "手机号应为11位中国大陆手机号码" in bad.content.decode()


def test_public_self_registration_creates_a_pending_volunteer_and_login(client: Client, ledger: Any) -> None:
    url = reverse("volunteers:register")
    assert client.get(url).status_code == 200
    data = form_data(
        ledger,
        team=ledger.team_community.pk,
        password="Vest-2024-pass",
        password_confirm="Vest-2024-pass",
        consent_processing="on",
        consent_sensitive="on",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.status == VolunteerStatus.PENDING and volunteer.org == ledger.tree.community_a
    done = client.get(response["Location"]).content.decode()
    assert volunteer.number in done
    assert volunteer.user is not None and volunteer.user.username == volunteer.phone
    assert volunteer.user.check_password("Vest-2024-pass")


def test_public_self_registration_errors_are_shown(client: Client, ledger: Any) -> None:
    response = client.post(reverse("volunteers:register"), {"name": "某", "password": "1", "password_confirm": "2"})
    body = response.content.decode()
    assert response.status_code == 400
    for message in (
        "请填写证件号码",
        "请填写手机号",
        "请选择政治面貌",
        "请选择组织关系所在的服务队",
        "两次输入的密码不一致",
    ):
        assert message in body
    assert not Volunteer.objects.exists()


def test_pages_need_login(client: Client, ledger: Any) -> None:
    response = client.get(reverse("volunteers:volunteer-list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_control_character_in_specialties_is_a_form_error_and_writes_nothing(client: Client, ledger: Any) -> None:
    login(client, ledger.admin_a)
    response = client.post(
        reverse("volunteers:volunteer-create"), form_data(ledger, specialties="书法\x00", name="王\n五")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["specialties"] == ["含有不可见的控制字符，请删除后重新填写"]
    assert form.errors["name"] == ["此项为单行文本，不能包含换行符或制表符"]
    assert not Volunteer.objects.exists()
