"""Personal data: consents at self-registration, the 注销申请 and the erasure that confirms it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from redvest.accounts.models import User
from redvest.audit.models import AuditEntry
from redvest.core.crypto import blind_index
from redvest.core.errors import Conflict, PermissionDenied, ValidationFailed
from redvest.records.models import ServiceRecord
from redvest.records.tests.factories import post_record
from redvest.teams.models import Membership
from redvest.volunteers.consent import CURRENT_TEXTS
from redvest.volunteers.errors import ConsentMissing
from redvest.volunteers.models import (
    ConsentKind,
    DeregistrationRequest,
    PersonalDataConsent,
    Volunteer,
    VolunteerStatus,
)
from redvest.volunteers.services import (
    ConsentChoices,
    deregistration_decide,
    deregistration_request,
    volunteer_self_register,
)
from redvest.volunteers.tests.factories import make_id_number, person

pytestmark = pytest.mark.django_db
AGREED = ConsentChoices(processing=True, sensitive=True)
PASSWORD = "Vest-2024-pass"


def self_register(ledger: Any, data: Any = None, consents: ConsentChoices = AGREED) -> Volunteer:
    return volunteer_self_register(
        team=ledger.team_a, data=data or person(), password=PASSWORD, password_confirm=PASSWORD, consents=consents
    )


def minor(seq: int = 5, **overrides: Any) -> Any:
    today = datetime.date.today()
    birth = datetime.date(today.year - 15, 1, 1)
    return person(
        seq,
        birth=birth,
        guardian_name="李监护",
        guardian_phone="13900009999",
        guardian_consent_date=today,
        **overrides,
    )


# ---- Consent at registration --------------------------------------------------------------------


def test_self_registration_records_each_consent_with_text_version_time_and_who(ledger: Any) -> None:
    volunteer = self_register(ledger)
    rows = {c.kind: c for c in PersonalDataConsent.objects.filter(volunteer=volunteer)}
    assert set(rows) == {ConsentKind.PROCESSING, ConsentKind.SENSITIVE}
    for kind, row in rows.items():
        assert row.policy_version == CURRENT_TEXTS[kind].version
        assert row.given_by == "本人" and row.method == "online" and row.withdrawn_at is None
        assert row.given_at is not None
    assert AuditEntry.objects.filter(target_type="volunteers.personaldataconsent", action="create").count() == 2


def test_self_registration_without_consents_is_refused_naming_each_checkbox(ledger: Any) -> None:
    with pytest.raises(ConsentMissing) as caught:
        self_register(ledger, consents=ConsentChoices())
    assert caught.value.status == 422
    assert caught.value.errors["consent_processing"] == "请阅读并勾选同意《个人信息处理告知同意书》"
    assert "敏感个人信息" in caught.value.errors["consent_sensitive"]
    assert "consent_guardian" not in caught.value.errors
    assert not Volunteer.objects.exists() and not PersonalDataConsent.objects.exists()


def test_sensitive_consent_is_separate_from_the_processing_consent(ledger: Any) -> None:
    with pytest.raises(ConsentMissing) as caught:
        self_register(ledger, consents=ConsentChoices(processing=True))
    assert set(caught.value.errors) == {"consent_sensitive"}


def test_a_minor_needs_the_guardians_consent_recorded_in_the_guardians_name(ledger: Any) -> None:
    with pytest.raises(ConsentMissing) as caught:
        self_register(ledger, data=minor())
    assert caught.value.errors == {"consent_guardian": "未满18周岁须由监护人阅读并勾选《监护人同意书》"}
    volunteer = self_register(
        ledger, data=minor(), consents=ConsentChoices(processing=True, sensitive=True, guardian=True)
    )
    guardian = PersonalDataConsent.objects.get(volunteer=volunteer, kind=ConsentKind.GUARDIAN)
    assert guardian.given_by == "李监护" and guardian.given_by_phone_masked == "139****9999"


def test_consent_errors_come_with_the_other_field_errors(ledger: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        self_register(ledger, data=person(phone="1"), consents=ConsentChoices())
    assert {"phone", "consent_processing", "consent_sensitive"} <= set(caught.value.errors)


def test_registration_page_shows_the_texts_and_a_form_error_on_the_missing_checkbox(
    client: Client, ledger: Any
) -> None:
    url = reverse("volunteers:register")
    page = client.get(url).content.decode()
    for text in CURRENT_TEXTS.values():
        assert text.title in page and text.body[:30] in page and text.version in page
    data = {
        "team": ledger.team_a.pk,
        "name": "王五",
        "id_type": "resident_id",
        "id_number": make_id_number(birth=datetime.date(1988, 3, 3), seq=11),
        "phone": "13800007777",
        "political_status": "masses",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "consent_processing": "on",
    }
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "请阅读并勾选同意《敏感个人信息单独同意书》（身份证号等）" in body
    assert not Volunteer.objects.exists()
    assert client.post(url, data | {"consent_sensitive": "on"}).status_code == 302
    assert PersonalDataConsent.objects.count() == 2


def test_api_self_registration_without_consent_is_422_naming_the_field(client: Client, ledger: Any) -> None:
    body = {
        "team": ledger.team_a.pk,
        "name": "赵六",
        "id_number": make_id_number(birth=datetime.date(1990, 2, 2), seq=41),
        "phone": "13600002222",
        "political_status": "masses",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "consent_processing": True,
    }
    url = "/api/v1/volunteers/register"
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "consent_required"
    assert set(refused.json()["errors"]) == {"consent_sensitive"}
    created = client.post(url, body | {"consent_sensitive": True}, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    texts = client.get("/api/v1/volunteers/consent-texts").json()
    assert {t["kind"] for t in texts} == {"processing", "sensitive", "guardian"}


# ---- Deregistration ----------------------------------------------------------------------------------


def test_deregistration_confirmed_erases_personal_fields_keeps_history_and_closes_login(ledger: Any) -> None:
    volunteer = self_register(ledger, data=person(3, work_unit="县医院", residence_area="城东"))
    user = volunteer.user
    assert user is not None
    record = post_record(volunteer=volunteer, minutes=90)
    request = deregistration_request(actor=user, volunteer=volunteer, reason="搬离本地")
    deregistration_decide(actor=ledger.admin_a, request=request, approve=True)

    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.DEREGISTERED
    assert volunteer.name == "张*3" and volunteer.number
    assert volunteer.id_number_encrypted == "" and volunteer.phone_encrypted == "" and volunteer.phone_hash == ""
    assert volunteer.id_number_hash != blind_index(person(3).id_number)
    assert volunteer.work_unit == "" and volunteer.residence_area == "" and volunteer.skills == []
    assert volunteer.birth_date == datetime.date(1985, 1, 1)
    assert ServiceRecord.objects.get(pk=record.pk).minutes == 90
    assert Membership.objects.filter(volunteer=volunteer).exists()
    assert volunteer.status_changes.filter(to_status=VolunteerStatus.DEREGISTERED, reason="本人申请注销").exists()
    assert not PersonalDataConsent.objects.filter(volunteer=volunteer, withdrawn_at__isnull=True).exists()
    user = User.objects.get(pk=user.pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.username != person(3).phone and user.phone_hash == "" and user.name == "张*3"
    assert AuditEntry.objects.filter(target_id=str(volunteer.pk), reason="注销后按保留规则删除个人信息").exists()
    # The same person may register again later: their ID number no longer collides.
    again = self_register(ledger, data=person(3))
    assert again.pk != volunteer.pk


def test_deregistered_user_can_no_longer_log_in(client: Client, ledger: Any) -> None:
    volunteer = self_register(ledger)
    assert volunteer.user is not None
    credentials = {"username": person().phone, "password": PASSWORD}
    assert client.post("/api/v1/auth/token", credentials, content_type="application/json").status_code == 200
    client.force_login(volunteer.user)
    request = deregistration_request(actor=volunteer.user, volunteer=volunteer)
    deregistration_decide(actor=ledger.admin_a, request=request, approve=True)
    assert client.get(reverse("records:my-service")).status_code == 302  # the open session is over
    assert client.post("/api/v1/auth/token", credentials, content_type="application/json").status_code == 401


def test_only_the_volunteer_may_ask_and_only_once_at_a_time(ledger: Any) -> None:
    volunteer = self_register(ledger)
    with pytest.raises(PermissionDenied):
        deregistration_request(actor=ledger.admin_a, volunteer=volunteer)
    assert volunteer.user is not None
    deregistration_request(actor=volunteer.user, volunteer=volunteer)
    with pytest.raises(Conflict):
        deregistration_request(actor=volunteer.user, volunteer=volunteer)
    assert DeregistrationRequest.objects.count() == 1


def test_admin_of_another_town_cannot_confirm_and_declining_needs_a_note(ledger: Any) -> None:
    volunteer = self_register(ledger)
    assert volunteer.user is not None
    request = deregistration_request(actor=volunteer.user, volunteer=volunteer)
    with pytest.raises(PermissionDenied):
        deregistration_decide(actor=ledger.admin_b, request=request, approve=True)
    with pytest.raises(ValidationFailed) as caught:
        deregistration_decide(actor=ledger.admin_a, request=request, approve=False)
    assert caught.value.errors == {"note": "不同意注销须填写处理意见"}
    deregistration_decide(actor=ledger.admin_a, request=request, approve=False, note="尚有未完成的结对帮扶")
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.PENDING and volunteer.name == "张三1"
    with pytest.raises(Conflict):
        deregistration_decide(actor=ledger.admin_a, request=request, approve=True)


def test_deregistration_through_the_pages(client: Client, ledger: Any) -> None:
    volunteer = self_register(ledger)
    assert volunteer.user is not None
    client.force_login(volunteer.user)
    detail = reverse("volunteers:volunteer-detail", args=[volunteer.pk])
    page = client.get(detail).content.decode()
    assert "申请注销" in page and reverse("records:my-data") in page
    assert (
        client.post(
            reverse("volunteers:deregistration-create", args=[volunteer.pk]), {"reason": "年事已高"}
        ).status_code
        == 302
    )
    request = DeregistrationRequest.objects.get()
    client.force_login(ledger.admin_a)
    assert "确认注销并删除个人信息" in client.get(detail).content.decode()
    url = reverse("volunteers:deregistration-decision", args=[request.pk])
    assert client.post(url, {"approve": "1"}).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.DEREGISTERED and volunteer.phone_masked == ""


def test_deregistration_through_the_api(client: Client, ledger: Any) -> None:
    volunteer = self_register(ledger)
    assert volunteer.user is not None
    client.force_login(volunteer.user)
    created = client.post(
        f"/api/v1/volunteers/{volunteer.pk}/deregistration", {"reason": "搬家"}, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["status"] == "pending"
    client.force_login(ledger.admin_b)
    url = f"/api/v1/volunteers/deregistrations/{created.json()['id']}/decision"
    assert client.post(url, {"approve": True}, content_type="application/json").status_code == 404
    client.force_login(ledger.admin_a)
    decided = client.post(url, {"approve": True}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "confirmed"


def test_pending_deregistrations_are_listed_for_the_admin_and_on_the_workbench(ledger: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = Client()
    admin.force_login(ledger.admin_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin.get(reverse("volunteers:deregistration-list")).status_code == 200
        return len(ctx.captured_queries)

    first = self_register(ledger, data=person(3))
    assert first.user is not None
    deregistration_request(actor=first.user, volunteer=first, reason="搬离本地")
    one = queries()
    html = admin.get(reverse("volunteers:deregistration-list")).content.decode()
    assert first.name in html and "搬离本地" in html
    assert "待确认的注销申请" in admin.get("/").content.decode()
    for i in range(4, 8):
        other = self_register(ledger, data=person(i))
        assert other.user is not None
        deregistration_request(actor=other.user, volunteer=other)
    assert queries() == one
