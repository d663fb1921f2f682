"""注册 and 找回密码 by phone and one-time code: services (the proof, an existing account, the consent, the
resident role, the lockout) and the pages end to end, reading the code from the test SMS gateway."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from redvest.accounts.consent import RESIDENT_NOTICE
from redvest.accounts.models import AccountConsent, ApiToken, CodePurpose, Role, RoleAssignment, User
from redvest.accounts.otp import PhoneNotProven, phone_code_send, phone_code_verify
from redvest.accounts.services import (
    PhoneTaken,
    PhoneWithoutAccount,
    password_reset_by_phone,
    reset_code_send,
    resident_sign_up,
    signup_code_send,
    user_create,
)
from redvest.accounts.tests.sms import last_code
from redvest.audit.models import AuditEntry
from redvest.core.errors import ValidationFailed
from redvest.orgs.tests.factories import OrgTree

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
PASSWORD = "hong-ma-jia-2027"


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree()


def proven(purpose: CodePurpose = CodePurpose.SIGNUP, phone: str = PHONE) -> None:
    now = timezone.now()
    phone_code_send(phone=phone, purpose=purpose, now=now)
    phone_code_verify(phone=phone, purpose=purpose, code=last_code(phone), now=now)


def sign_up(**overrides):  # type: ignore[no-untyped-def]
    data = {
        "phone": PHONE,
        "name": "王阿姨",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "community": None,
        "consent": True,
        "now": timezone.now(),
        **overrides,
    }
    return resident_sign_up(**data)


def html(response, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content.decode()[:800]
    text = response.content.decode()
    assert "!!MISSING" not in text
    return text


# ---- services ------------------------------------------------------------------------------------


def test_sign_up_creates_a_resident_at_the_chosen_community_with_consent_and_audit(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    proven()
    user = sign_up(community=tree.community_a)
    user.refresh_from_db()
    assert user.phone == PHONE and PHONE not in user.phone_encrypted and PHONE not in user.username
    assert user.check_password(PASSWORD)
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", "org")) == [
        (Role.RESIDENT, tree.community_a.pk)
    ]
    consent = AccountConsent.objects.get(user=user)
    assert consent.policy_version == RESIDENT_NOTICE.version and consent.method == "online"
    entry = AuditEntry.objects.get(target_type="accounts.user", target_id=str(user.pk))
    assert entry.actor == user and "注册" in entry.reason and PHONE not in str(entry.after) + entry.target_repr


def test_sign_up_without_a_community_places_the_resident_at_the_top_of_the_tree(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    proven()
    user = sign_up()
    assert RoleAssignment.objects.get(user=user).org == tree.county


def test_sign_up_needs_the_phone_proven_by_a_code(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    phone_code_send(phone=PHONE, purpose=CodePurpose.SIGNUP, now=timezone.now())  # sent, never typed in
    with pytest.raises(PhoneNotProven):
        sign_up()
    assert not User.objects.exists()


def test_a_reset_proof_does_not_open_a_sign_up(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    user_create(username="other", password=PASSWORD, phone="13800000000")
    proven(CodePurpose.PASSWORD_RESET, phone="13800000000")
    with pytest.raises(PhoneNotProven):
        sign_up(phone="13800000000")


def test_sign_up_refuses_weak_password_missing_consent_and_name_in_chinese(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    proven()
    with pytest.raises(ValidationFailed) as exc:
        sign_up(name=" ", password="12345678", password_confirm="12345679", consent=False)
    errors = exc.value.errors
    assert errors["name"] == "请填写姓名"
    assert "密码" in errors["password"] and "数字" in errors["password"]
    assert errors["password_confirm"] == "两次输入的密码不一致"
    assert errors["consent"] == "请阅读并同意《居民账号个人信息处理告知同意书》"
    assert not User.objects.exists()
    sign_up()  # the proof was not used up by the refused attempt


def test_a_town_is_not_a_community_to_live_in(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    proven()
    with pytest.raises(ValidationFailed) as exc:
        sign_up(community=tree.town_a)
    assert exc.value.errors == {"community": "请选择所在的村社区"}


def test_a_phone_with_an_account_is_pointed_to_password_reset(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    user_create(username="vol", password=PASSWORD, name="李志愿", phone=PHONE)
    with pytest.raises(PhoneTaken) as exc:
        signup_code_send(phone="+86 139 1234 5678", now=timezone.now())
    assert "找回密码" in exc.value.message and exc.value.field == "phone"
    assert outbox == []


def test_reset_code_needs_an_account_for_the_phone(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PhoneWithoutAccount) as exc:
        reset_code_send(phone=PHONE, now=timezone.now())
    assert exc.value.message == "该手机号还没有注册账号，请先注册"
    assert outbox == []


def test_password_reset_works_for_a_volunteer_and_clears_only_that_lockout(
    outbox, tree, client: Client, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    volunteer = user_create(username=PHONE, password="old-password-1", name="李志愿", phone=PHONE)
    ApiToken.objects.create(user=volunteer, key_hash="x" * 64, expires_at=timezone.now() + datetime.timedelta(days=1))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": PHONE, "password": "wrong-pass"})
    assert AccessAttempt.objects.filter(username=volunteer.username).exists()
    reset_code_send(phone=PHONE, now=timezone.now())
    assert AccessAttempt.objects.filter(username=volunteer.username).exists()  # not on sending a code
    phone_code_verify(phone=PHONE, purpose=CodePurpose.PASSWORD_RESET, code=last_code(PHONE), now=timezone.now())
    assert AccessAttempt.objects.filter(username=volunteer.username).exists()  # nor on the code alone
    with pytest.raises(ValidationFailed):
        password_reset_by_phone(phone=PHONE, password="short", password_confirm="short", now=timezone.now())
    assert AccessAttempt.objects.filter(username=volunteer.username).exists()  # nor on a refused password
    password_reset_by_phone(phone=PHONE, password=PASSWORD, password_confirm=PASSWORD, now=timezone.now())
    volunteer.refresh_from_db()
    assert volunteer.check_password(PASSWORD)
    assert not AccessAttempt.objects.filter(username=volunteer.username).exists()
    assert not ApiToken.objects.filter(user=volunteer).exists()
    entry = AuditEntry.objects.get(target_type="accounts.user", target_id=str(volunteer.pk), action="update")
    assert entry.reason == "本人用手机验证码重设登录密码（找回密码）"
    assert PHONE not in entry.target_repr and entry.target_repr == "李志愿"
    assert client.post("/accounts/login/", {"username": PHONE, "password": PASSWORD}).status_code == 302


def test_audit_label_of_a_nameless_phone_login_is_masked(tree) -> None:  # type: ignore[no-untyped-def]
    assert str(user_create(username=PHONE, password=None, phone=PHONE)) == "139****5678"


# ---- pages ---------------------------------------------------------------------------------------


def test_sign_up_end_to_end_lands_the_resident_on_their_workbench(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    text = html(client.get(reverse("accounts:signup")))
    assert "第1步" in text
    response = client.post(reverse("accounts:signup"), {"phone": "139 1234 5678"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup-code")
    text = html(client.get(response["Location"]))
    assert "139****5678" in text and last_code(PHONE) not in text
    response = client.post(reverse("accounts:signup-code"), {"code": last_code(PHONE)})
    assert response["Location"] == reverse("accounts:signup-details")
    text = html(client.get(response["Location"]))
    assert RESIDENT_NOTICE.body in text and "城东社区" in text
    response = client.post(
        reverse("accounts:signup-details"),
        {
            "name": "王阿姨",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "community": tree.community_a.pk,
            "consent": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    text = html(client.get(reverse("portal:home")))
    assert "您好，王阿姨" in text and "群众" in text and "注册成功" in text
    assert User.objects.get().name == "王阿姨"
    # the proof was used: the last step does not open again
    assert client.get(reverse("accounts:signup-details"))["Location"] == reverse("accounts:signup")


def test_wrong_code_is_refused_in_chinese_and_nothing_is_created(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post(reverse("accounts:signup"), {"phone": PHONE})
    code = last_code(PHONE)
    bad = f"{(int(code) + 1) % 10**6:06d}"
    text = html(client.post(reverse("accounts:signup-code"), {"code": bad}), status=400)
    assert "验证码不正确，请核对短信后重新输入" in text
    response = client.get(reverse("accounts:signup-details"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup")
    response = client.post(
        reverse("accounts:signup-details"),
        {"name": "冒充者", "password": PASSWORD, "password_confirm": PASSWORD, "consent": "on"},
    )
    assert response.status_code == 302
    assert not User.objects.exists() and not RoleAssignment.objects.exists()
    assert not AuditEntry.objects.filter(target_type="accounts.user").exists()


def test_sign_up_page_for_a_taken_phone_links_to_password_reset(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    user_create(username="vol", password=PASSWORD, name="李志愿", phone=PHONE)
    text = html(Client().post(reverse("accounts:signup"), {"phone": PHONE}), status=409)
    assert "该手机号已注册账号" in text and reverse("accounts:password-reset") in text
    assert outbox == []


def test_asking_again_within_a_minute_keeps_the_code_already_sent(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post(reverse("accounts:signup"), {"phone": PHONE})
    response = client.post(reverse("accounts:signup"), {"phone": PHONE})
    assert response["Location"] == reverse("accounts:signup-code")
    assert "秒后再重新获取" in html(client.get(response["Location"]))
    assert len(outbox) == 1


def test_codes_for_one_phone_are_rate_limited_whatever_the_spelling(outbox, tree, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "phone-code-phone": "2/h"}
    spellings = [PHONE, "+86 139 1234 5678", "139-1234-5678"]
    responses = [Client().post(reverse("accounts:signup"), {"phone": p}) for p in spellings]
    assert [r.status_code for r in responses] == [302, 302, 429]
    assert "操作过于频繁" in responses[-1].content.decode()


def test_code_checks_are_rate_limited_per_address(outbox, tree, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "phone-code-check": "2/h"}
    client = Client()
    client.post(reverse("accounts:signup"), {"phone": PHONE})
    codes = [client.post(reverse("accounts:signup-code"), {"code": "000000"}).status_code for _ in range(3)]
    assert codes[-1] == 429


def test_password_reset_end_to_end(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    user = user_create(username="zhangsan", password="old-password-1", name="张三", phone=PHONE)
    client = Client()
    text = html(client.get(reverse("accounts:login")))
    assert reverse("accounts:password-reset") in text and reverse("accounts:signup") in text
    response = client.post(reverse("accounts:password-reset"), {"phone": PHONE})
    assert response["Location"] == reverse("accounts:password-reset-code")
    response = client.post(reverse("accounts:password-reset-code"), {"code": last_code(PHONE)})
    assert response["Location"] == reverse("accounts:password-reset-new")
    text = html(client.post(reverse("accounts:password-reset-new"), {"password": "1", "password_confirm": "1"}), 400)
    assert "密码" in text and "太短" in text
    response = client.post(reverse("accounts:password-reset-new"), {"password": PASSWORD, "password_confirm": PASSWORD})
    assert response["Location"] == reverse("accounts:login")
    assert "密码已重设" in html(client.get(response["Location"]))
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert client.post("/accounts/login/", {"username": PHONE, "password": PASSWORD}).status_code == 302


def test_reset_for_an_unknown_phone_says_so_in_chinese(outbox, tree) -> None:  # type: ignore[no-untyped-def]
    text = html(Client().post(reverse("accounts:password-reset"), {"phone": PHONE}), status=404)
    assert "该手机号还没有注册账号" in text and outbox == []


def test_code_step_without_a_phone_goes_back_to_the_start(tree) -> None:  # type: ignore[no-untyped-def]
    response = Client().get(reverse("accounts:password-reset-code"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:password-reset")
