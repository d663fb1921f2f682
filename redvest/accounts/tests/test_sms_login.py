"""短信验证码登录: a code texted to the account's phone signs in on the page and the API, one use, with the
same lockout as a password; the code is stored hashed and sending is rate limited."""

from __future__ import annotations

import pytest
from django.test import Client

from redvest.accounts.models import ApiToken, CodePurpose, PhoneCode
from redvest.accounts.services import user_create
from redvest.accounts.tests.sms import last_code
from redvest.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
PASSWORD = "redvest-test-pw"


@pytest.fixture
def account():  # type: ignore[no-untyped-def]
    return user_create(username="zhangsan", password=PASSWORD, name="张三", phone=PHONE)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_login_page_offers_sms_code_beside_the_password(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/login/sms/" in page and "短信验证码登录" in page
    assert "微信登录" not in page  # not configured


def test_sign_in_by_code_end_to_end(client: Client, account, outbox) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/sms/", {"phone": "138 1234 5678"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/sms/code/"
    code = last_code(PHONE)
    assert "登录红马甲" in outbox[-1][1]
    stored = " ".join(str(v) for v in PhoneCode.objects.values_list().get())
    assert code not in stored
    response = client.post("/accounts/login/sms/code/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(account.pk)
    assert PhoneCode.objects.get(purpose=CodePurpose.LOGIN).consumed_at is not None


def test_a_code_signs_in_once(client: Client, account, outbox) -> None:  # type: ignore[no-untyped-def]
    client.post("/accounts/login/sms/", {"phone": PHONE})
    code = last_code(PHONE)
    assert client.post("/accounts/login/sms/code/", {"code": code}).status_code == 302
    other = Client()
    other.post("/accounts/login/sms/", {"phone": PHONE})  # within the minute: the same code stays
    response = other.post("/accounts/login/sms/code/", {"code": code})
    assert response.status_code == 400
    assert "验证码已失效" in response.content.decode()
    assert "_auth_user_id" not in other.session


def test_a_wrong_code_is_refused_in_chinese(client: Client, account, outbox) -> None:  # type: ignore[no-untyped-def]
    client.post("/accounts/login/sms/", {"phone": PHONE})
    response = client.post("/accounts/login/sms/code/", {"code": wrong(last_code(PHONE))})
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_phone_without_an_account_gets_no_code(client: Client, outbox) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/sms/", {"phone": PHONE})
    assert response.status_code == 404
    assert "还没有注册账号" in response.content.decode()
    assert outbox == []


def test_a_failing_gateway_tells_the_person_in_chinese(client: Client, account, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.failing"
    response = client.post("/accounts/login/sms/", {"phone": PHONE})
    assert response.status_code == 503
    assert "短信暂时无法发送，请稍后再试" in response.content.decode()
    entry = AuditEntry.objects.get(action="sms_failed")
    assert (entry.target_type, entry.after) == (
        "accounts.phonecode",
        {"kind": "verification_code", "error": "ConnectionError"},
    )


def test_wrong_codes_lock_the_account_for_passwords_too(client: Client, account, outbox, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client.post("/accounts/login/sms/", {"phone": PHONE})
    code = last_code(PHONE)
    for _ in range(3):
        client.post("/accounts/login/sms/code/", {"code": wrong(code)})
    response = Client(REMOTE_ADDR="10.0.8.1").post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


def test_sending_codes_is_rate_limited_per_phone(client: Client, account, outbox, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "phone-code-phone": "1/h"}
    client.post("/accounts/login/sms/", {"phone": PHONE})
    response = Client(REMOTE_ADDR="10.0.7.1").post("/accounts/login/sms/", {"phone": "+86 138-1234-5678"})
    assert response.status_code == 429


def test_next_is_kept_through_the_code(client: Client, account, outbox) -> None:  # type: ignore[no-untyped-def]
    client.get("/accounts/login/sms/?next=/accounts/profile/")
    client.post("/accounts/login/sms/", {"phone": PHONE})
    response = client.post("/accounts/login/sms/code/", {"code": last_code(PHONE)})
    assert response["Location"] == "/accounts/profile/"


def test_api_token_by_sms_code(client: Client, account, outbox) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/auth/login-code", {"phone": PHONE}, content_type="application/json")
    assert response.status_code == 202
    assert response.json() == {"message": "验证码已发送，请查看手机短信"}
    bad = client.post(
        "/api/v1/auth/token/sms", {"phone": PHONE, "code": wrong(last_code(PHONE))}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "code_wrong"
    response = client.post(
        "/api/v1/auth/token/sms", {"phone": PHONE, "code": last_code(PHONE)}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.filter(user=account, key_hash=ApiToken.hash_key(token)).exists()
    me = Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.json()["username"] == "zhangsan"


def test_api_login_code_for_an_unknown_phone_is_404_in_chinese(client: Client, outbox) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/auth/login-code", {"phone": PHONE}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "phone_without_account"
    assert outbox == []


def test_api_login_code_through_a_failing_provider_is_503_not_500(client: Client, account, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_GATEWAY = "redvest.accounts.tests.sms.failing"
    response = client.post("/api/v1/auth/login-code", {"phone": PHONE}, content_type="application/json")
    assert response.status_code == 503
    assert response.json()["code"] == "sms_unavailable"
