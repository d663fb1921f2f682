from __future__ import annotations

import pytest
from django.test import Client

from redvest.accounts.models import ApiToken
from redvest.accounts.services import user_create
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.core.errors import ValidationFailed
from redvest.orgs.tests.factories import OrgTree

PASSWORD = "redvest-test-pw"


@pytest.fixture
def phone_user():  # type: ignore[no-untyped-def]
    return user_create(username="zhangsan", password=PASSWORD, name="张三", phone="13812345678")


@pytest.mark.django_db
def test_login_with_username(client: Client, phone_user) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200


@pytest.mark.django_db
def test_login_with_phone(client: Client, phone_user) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"username": "138 1234 5678", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/accounts/profile/").content.decode()
    assert "138****5678" in page
    assert "13812345678" not in page


@pytest.mark.django_db
def test_wrong_password_shows_chinese_error(client: Client, phone_user) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong-pass"})
    assert response.status_code == 200
    assert "用户名/手机号或密码错误" in response.content.decode()


@pytest.mark.django_db
def test_phone_is_encrypted_at_rest(phone_user) -> None:  # type: ignore[no-untyped-def]
    phone_user.refresh_from_db()
    assert "13812345678" not in phone_user.phone_encrypted
    assert phone_user.phone == "13812345678"


@pytest.mark.django_db
def test_second_account_with_same_phone_is_refused(phone_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as exc:
        user_create(username="lisi", password=PASSWORD, phone="13812345678")
    assert exc.value.errors == {"phone": "该手机号已绑定其他账号"}


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(client: Client, phone_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong-pass"})
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()


@pytest.mark.django_db
def test_token_endpoint_issues_a_bearer_token(client: Client, phone_user) -> None:  # type: ignore[no-untyped-def]
    tree = OrgTree()
    RoleAssignmentFactory(user=phone_user, role="org_admin", org=tree.town_a)
    response = client.post(
        "/api/v1/auth/token", {"username": "zhangsan", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert not ApiToken.objects.filter(key_hash=token).exists()  # only the hash is stored
    me = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "zhangsan"
    assert body["phone_masked"] == "138****5678"
    assert body["grants"][0]["role"] == "org_admin"


@pytest.mark.django_db
def test_token_with_phone_login(client: Client, phone_user) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/auth/token", {"username": "13812345678", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_bad_credentials_get_json_401(client: Client, phone_user) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/auth/token", {"username": "zhangsan", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "用户名/手机号或密码错误"}


@pytest.mark.django_db
def test_missing_field_names_the_field(client: Client) -> None:
    response = client.post("/api/v1/auth/token", {"username": "zhangsan"}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "password" in body["errors"]


@pytest.mark.django_db
def test_api_lockout_after_repeated_failures(client: Client, phone_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token", {"username": "zhangsan", "password": "nope"}, content_type="application/json")
    response = client.post(
        "/api/v1/auth/token", {"username": "zhangsan", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json()["code"] == "account_locked"


@pytest.mark.django_db
def test_api_without_credentials_is_401(client: Client) -> None:
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


@pytest.mark.django_db
def test_invalid_bearer_token_is_401(client: Client) -> None:
    response = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


@pytest.mark.django_db
def test_password_change(client: Client) -> None:
    user = UserFactory(username="wangwu")
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Hongmajia-2026!", "new_password2": "Hongmajia-2026!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hongmajia-2026!")


@pytest.mark.django_db
def test_openapi_is_published(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert "/api/v1/auth/token" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


@pytest.mark.django_db
def test_an_id_beyond_the_database_integer_range_is_a_json_404(client: Client, phone_user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(phone_user)
    response = client.get(f"/api/v1/awards/campaigns/{2**80}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"  # SQLite overflows converting the id; PostgreSQL finds nothing


SPELLINGS = ["+86 138-1234-5678", "8613812345678", "138 1234 5678", "+8613812345678", "zhangsan"]


def _page_login(client: Client, login: str, password: str) -> int:
    return client.post("/accounts/login/", {"username": login, "password": password}).status_code


def _token_login(client: Client, login: str, password: str) -> int:
    body = {"username": login, "password": password}
    return client.post("/api/v1/auth/token", body, content_type="application/json").status_code


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_account_locked_by_phone_refuses_every_spelling_on_the_login_page(
    client: Client, phone_user, settings, spelling: str
) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _page_login(client, "13812345678", "wrong-pass")
    other = Client(REMOTE_ADDR="10.0.0.9")  # another address: the account itself is locked
    assert _page_login(other, spelling, PASSWORD) == 429
    assert "_auth_user_id" not in other.session


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_account_locked_by_phone_refuses_every_spelling_on_the_token_endpoint(
    client: Client, phone_user, settings, spelling: str
) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _token_login(client, "13812345678", "wrong-pass")
    assert _token_login(Client(REMOTE_ADDR="10.0.0.9"), spelling, PASSWORD) == 429
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_failures_under_changing_spellings_count_against_one_account(client: Client, phone_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        ip = f"10.0.1.{n}"  # a new address each time, so only the account counter can lock
        login = SPELLINGS[n % len(SPELLINGS)]
        assert _page_login(Client(REMOTE_ADDR=ip), login, "wrong-pass") == 200
    assert _page_login(Client(REMOTE_ADDR="10.0.1.99"), "+86 138 1234 5678", "wrong-pass") == 429
    assert _page_login(Client(REMOTE_ADDR="10.0.2.1"), "zhangsan", PASSWORD) == 429


@pytest.mark.django_db
def test_page_and_token_endpoint_share_one_lockout(client: Client, phone_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    for n in range(settings.AXES_FAILURE_LIMIT):
        if n % 2:
            _page_login(Client(REMOTE_ADDR=f"10.0.3.{n}"), "138-1234-5678", "wrong-pass")
        else:
            _token_login(Client(REMOTE_ADDR=f"10.0.3.{n}"), "+86 13812345678", "wrong-pass")
    assert _token_login(Client(REMOTE_ADDR="10.0.4.1"), "13812345678", PASSWORD) == 429
    assert _page_login(Client(REMOTE_ADDR="10.0.4.2"), "13812345678", PASSWORD) == 429


@pytest.mark.django_db
def test_an_address_guessing_many_logins_is_locked(client: Client, phone_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    for n in range(settings.AXES_FAILURE_LIMIT):
        _page_login(client, f"1390000000{n}", "wrong-pass")
    assert _page_login(client, "zhangsan", PASSWORD) == 429
    assert _token_login(client, "zhangsan", PASSWORD) == 429
    assert _page_login(Client(REMOTE_ADDR="10.0.5.1"), "zhangsan", PASSWORD) == 302


@pytest.mark.django_db
def test_logging_into_another_account_does_not_clear_the_victims_failures(client: Client, phone_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    UserFactory(username="attacker")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _page_login(client, "+86 138 1234 5678", "wrong-pass")
    assert _page_login(client, "attacker", PASSWORD) == 302
    assert _page_login(Client(REMOTE_ADDR="10.0.6.1"), "13812345678", "wrong-pass") == 429  # the limit-th failure
    assert _page_login(Client(REMOTE_ADDR="10.0.6.2"), "13812345678", PASSWORD) == 429


@pytest.mark.django_db
def test_successful_login_clears_the_accounts_failures(client: Client, phone_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _page_login(Client(REMOTE_ADDR="10.0.7.1"), "8613812345678", "wrong-pass")
    assert _page_login(Client(REMOTE_ADDR="10.0.7.2"), "138 1234 5678", PASSWORD) == 302
    assert _page_login(Client(REMOTE_ADDR="10.0.7.3"), "zhangsan", "wrong-pass") == 200
    assert _page_login(Client(REMOTE_ADDR="10.0.7.4"), "zhangsan", PASSWORD) == 302


@pytest.mark.django_db
def test_token_endpoint_beyond_the_rate_is_json_429(client: Client, phone_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-token": "2/m"}
    for _ in range(2):
        assert _token_login(client, "zhangsan", PASSWORD) == 200
    response = client.post(
        "/api/v1/auth/token", {"username": "zhangsan", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 429
    assert response.json() == {"code": "rate_limited", "message": "操作过于频繁，请稍后再试"}
    assert ApiToken.objects.count() == 2
    assert _token_login(Client(REMOTE_ADDR="10.0.10.1"), "zhangsan", PASSWORD) == 200
