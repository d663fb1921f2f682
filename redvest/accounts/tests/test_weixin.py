"""WeChat sign-in against a local fake of WeChat's token endpoint: a linked WeChat signs in; a new one is
linked only after the account proves itself (signed in, or a code to its phone); unbinding from the profile
page and the API; every link and unlink audited; only hashes of the ids stored."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone

from redvest.accounts.models import WeixinIdentity
from redvest.accounts.services import user_create
from redvest.accounts.tests.sms import last_code
from redvest.accounts.tests.weixin_fake import FakeWeixin, fake_weixin
from redvest.accounts.weixin import WeixinProfile, weixin_link
from redvest.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
OPENID, UNIONID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", "o6_bmasdasdsad6_2sgVt7hMZOPfL"


@pytest.fixture
def weixin(settings) -> Iterator[FakeWeixin]:  # type: ignore[no-untyped-def]
    fake = FakeWeixin(
        app_id="wx1234567890", secret="right-secret", codes={"CODE1": (OPENID, UNIONID), "CODE2": (OPENID, UNIONID)}
    )
    with fake_weixin(fake):
        settings.WEIXIN_APP_ID, settings.WEIXIN_APP_SECRET = fake.app_id, fake.secret
        settings.WEIXIN_API_BASE = fake.url
        yield fake


@pytest.fixture
def volunteer_account():  # type: ignore[no-untyped-def]
    return user_create(username="zhangsan", password="redvest-test-pw", name="张三", phone=PHONE)


def scan(client: Client, code: str = "CODE1"):  # type: ignore[no-untyped-def]
    """Start at our page, follow to WeChat's, come back with the code and the state WeChat echoes."""
    start = client.get("/accounts/weixin/")
    assert start.status_code == 302
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start["Location"]).query))
    return client.get("/accounts/weixin/callback/", {"code": code, "state": query["state"]})


def test_the_button_and_the_flow_exist_only_when_configured(client: Client, settings, volunteer_account) -> None:  # type: ignore[no-untyped-def]
    settings.WEIXIN_APP_ID = ""
    assert "微信登录" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/weixin/").status_code == 404
    client.force_login(volunteer_account)
    assert "微信登录" not in client.get("/accounts/profile/").content.decode()
    client.logout()
    settings.WEIXIN_APP_ID, settings.WEIXIN_APP_SECRET = "wx1", "s"
    assert "微信登录" in client.get("/accounts/login/").content.decode()


def test_start_sends_the_browser_to_weixin_with_appid_state_and_our_callback(client: Client, weixin) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/accounts/weixin/")
    target = urllib.parse.urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == "https://open.weixin.qq.com/connect/qrconnect"
    query = dict(urllib.parse.parse_qsl(target.query))
    assert query["appid"] == "wx1234567890" and query["scope"] == "snsapi_login" and query["response_type"] == "code"
    assert query["redirect_uri"] == "http://testserver/accounts/weixin/callback/"
    assert query["state"] == client.session["weixin_state"] and len(query["state"]) >= 16
    assert target.fragment == "wechat_redirect"


def test_a_forged_callback_without_our_state_is_refused(client: Client, weixin) -> None:  # type: ignore[no-untyped-def]
    client.get("/accounts/weixin/")
    response = client.get("/accounts/weixin/callback/", {"code": "CODE1", "state": "forged"})
    assert response["Location"] == "/accounts/login/"
    assert weixin.requests == 0


def test_first_sign_in_binds_by_phone_code_then_signs_in(client: Client, weixin, volunteer_account, outbox) -> None:  # type: ignore[no-untyped-def]
    response = scan(client)
    assert response["Location"] == "/accounts/weixin/bind/"
    assert "_auth_user_id" not in client.session
    assert "第1步，共2步" in client.get("/accounts/weixin/bind/").content.decode()
    assert client.post("/accounts/weixin/bind/", {"phone": PHONE})["Location"] == "/accounts/weixin/bind/code/"
    assert "绑定微信登录" in outbox[-1][1]
    response = client.post("/accounts/weixin/bind/code/", {"code": last_code(PHONE)})
    assert response["Location"] == "/accounts/weixin/bind/done/"
    assert client.get(response["Location"])["Location"] == "/"
    assert client.session["_auth_user_id"] == str(volunteer_account.pk)
    identity = WeixinIdentity.objects.get(user=volunteer_account)
    row = " ".join(str(v) for v in WeixinIdentity.objects.values_list().get())
    assert OPENID not in row and UNIONID not in row and identity.unionid_hash
    entry = AuditEntry.objects.get(action="bind")
    assert entry.target_id == str(identity.pk) and "手机验证码" in entry.reason
    # The next time the same WeChat signs in at once.
    other = Client()
    assert scan(other, "CODE2")["Location"] == "/"
    assert other.session["_auth_user_id"] == str(volunteer_account.pk)


def test_binding_needs_an_account_for_the_phone(client: Client, weixin, outbox) -> None:  # type: ignore[no-untyped-def]
    scan(client)
    response = client.post("/accounts/weixin/bind/", {"phone": PHONE})
    assert response.status_code == 404
    assert "该手机号还没有账号" in response.content.decode()
    assert outbox == [] and not WeixinIdentity.objects.exists()


def test_bind_pages_without_a_scan_go_back_to_login(client: Client, weixin) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/accounts/weixin/bind/")["Location"] == "/accounts/login/"
    assert client.get("/accounts/weixin/bind/done/")["Location"] == "/accounts/login/"


def test_a_signed_in_person_links_their_wechat_from_the_profile(client: Client, weixin, volunteer_account) -> None:  # type: ignore[no-untyped-def]
    client.force_login(volunteer_account)
    assert "绑定微信" in client.get("/accounts/profile/").content.decode()
    assert scan(client)["Location"] == "/accounts/profile/"
    assert WeixinIdentity.objects.filter(user=volunteer_account).exists()
    assert "已登录账号" in AuditEntry.objects.get(action="bind").reason


def test_a_wechat_bound_to_another_account_is_not_moved(client: Client, weixin, volunteer_account) -> None:  # type: ignore[no-untyped-def]
    other = user_create(username="lisi", password="redvest-test-pw", name="李四", phone="13900001111")
    weixin_link(user=other, profile=WeixinProfile(OPENID, UNIONID), now=timezone.now(), how="测试")
    client.force_login(volunteer_account)
    scan(client)
    assert WeixinIdentity.objects.get().user == other
    assert "该微信已绑定其他账号" in client.get("/accounts/profile/").content.decode()


def test_weixin_refusing_the_secret_is_a_chinese_message(client: Client, weixin, settings, volunteer_account) -> None:  # type: ignore[no-untyped-def]
    settings.WEIXIN_APP_SECRET = "tampered"
    response = scan(client)
    assert response["Location"] == "/accounts/login/"
    assert "微信登录失败，请稍后再试或改用手机号登录" in client.get("/accounts/login/").content.decode()
    assert "_auth_user_id" not in client.session


def test_a_deactivated_account_cannot_sign_in_by_wechat(client: Client, weixin, volunteer_account) -> None:  # type: ignore[no-untyped-def]
    weixin_link(user=volunteer_account, profile=WeixinProfile(OPENID, ""), now=timezone.now(), how="测试")
    volunteer_account.is_active = False
    volunteer_account.save()
    assert scan(client)["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_unbind_from_the_profile_page_is_audited(client: Client, weixin, volunteer_account) -> None:  # type: ignore[no-untyped-def]
    identity = weixin_link(
        user=volunteer_account, profile=WeixinProfile(OPENID, UNIONID), now=timezone.now(), how="测试"
    )
    client.force_login(volunteer_account)
    assert "解除微信绑定" in client.get("/accounts/profile/").content.decode()
    assert client.post("/accounts/weixin/unbind/")["Location"] == "/accounts/profile/"
    assert not WeixinIdentity.objects.exists()
    entry = AuditEntry.objects.get(action="unbind")
    assert entry.target_id == str(identity.pk) and entry.actor == volunteer_account
    # Unbound, the same WeChat asks to bind again.
    assert scan(Client())["Location"] == "/accounts/weixin/bind/"


def test_api_shows_and_removes_the_binding(client: Client, weixin, volunteer_account) -> None:  # type: ignore[no-untyped-def]
    client.force_login(volunteer_account)
    assert client.get("/api/v1/auth/weixin").json() == {"configured": True, "bound": False, "linked_at": None}
    assert client.delete("/api/v1/auth/weixin").status_code == 404
    weixin_link(user=volunteer_account, profile=WeixinProfile(OPENID, UNIONID), now=timezone.now(), how="测试")
    assert client.get("/api/v1/auth/weixin").json()["bound"] is True
    assert client.delete("/api/v1/auth/weixin").status_code == 204
    assert not WeixinIdentity.objects.exists()
    assert AuditEntry.objects.filter(action="unbind").count() == 1
